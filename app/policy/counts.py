"""Counts the policy itself takes, where a viewer may learn a number but no row: the
roster's size per party (staff), the number of participants (a summary, if the organizer
chose to show it), how many proposals were made and revealed (the impact report), the next
place in the speaking queue (a participant asking for the floor).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from app.policy.access import ensure
from app.policy.aggregation import effective_k
from app.policy.viewer import Viewer
from app.room.models import Proposal, SpeakingRequest
from app.roster.models import Participant


def party_sizes(db: Session, workshop: Any, *, viewer: Viewer) -> dict[str, int]:
    """Participants per party, revoked ones not counted: staff with `parties.sizes`, and the
    k rule (through `roster_sizes`)."""
    ensure(viewer, "parties.sizes", workshop)
    return roster_sizes(db, workshop)


def roster_sizes(db: Session, workshop: Any) -> dict[str, int]:
    """Participants per party (not revoked): which parties the k rule counts. Never shown."""
    statement = (
        select(Participant.party_id, func.count())
        .where(col(Participant.workshop_id) == workshop.id, col(Participant.status) != "revoked")
        .group_by(col(Participant.party_id))
    )
    return {str(party_id): int(n) for party_id, n in db.exec(statement) if party_id}


def keeps_party_tally(db: Session, workshop: Any, party_id: str) -> bool:
    """Whether a survey answer is also counted under its party: only for a party of at least
    k members on the roster. A smaller party's tally, stored in the clear, would state its
    members' answers (a party of one: that person's) to whoever reads the database; its
    members count in the totals only, and their party's breakdown stays withheld (the
    leftover rule of app/evaluation/results.py sees them outside every party cell)."""
    return roster_sizes(db, workshop).get(party_id, 0) >= effective_k(workshop)


def participant_count(db: Session, workshop: Any, *, viewer: Viewer) -> int | None:
    """How many joined, for a summary whose organizer chose to show it; None otherwise."""
    ensure(viewer, "workshop.read", workshop)
    if not (viewer.is_export and workshop.show_participant_count):
        return None
    statement = select(func.count()).where(
        col(Participant.workshop_id) == workshop.id, col(Participant.status) == "active"
    )
    return int(db.exec(statement).one())


def proposal_counts(db: Session, workshop: Any, *, viewer: Viewer) -> tuple[int, int]:
    """How many proposals were made, and how many of them were revealed and not hidden: the
    impact report's counts (they stay after archive, with the rows' texts shredded)."""
    ensure(viewer, "impact.export", workshop)
    made = select(func.count()).where(col(Proposal.workshop_id) == workshop.id)
    shown = made.where(col(Proposal.status) == "revealed", col(Proposal.hidden).is_(False))
    return int(db.exec(made).one()), int(db.exec(shown).one())


def next_queue_seq(db: Session, workshop: Any, item_id: str, *, viewer: Viewer) -> int:
    """The place a new request for the floor takes in an item's queue (order of asking)."""
    ensure(viewer, "queue.request", workshop)
    last = db.exec(
        select(func.max(SpeakingRequest.seq)).where(col(SpeakingRequest.item_id) == item_id)
    ).one()
    return int(last or 0) + 1
