"""A participant's own proposals, found by their tags: the work grows with their own, not
with everyone's pending proposals.

The n-th proposal of a participant in a workshop is tagged keys.proposal_tag(..., n). The
author's tags for n = 1..WINDOW, and the tombstone tags that withdrawn ones leave (so a
numbering has no hole), are computed and looked up at once; while a window's last number is
taken, the next window. That is 2 * WINDOW HMACs and one indexed query per window, whatever
others wrote; only the holder of the secret can compute a tag. A legacy workshop
(per-id tags, app/security/keys.py) has no tag to look up: its pending rows stay candidates,
proven one by one by `keep_mine_or_revealed`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import literal, union_all
from sqlmodel import Session, col, select

from app.policy.record import note
from app.policy.viewer import OwnProposals, Viewer
from app.room.models import Proposal, ProposalTombstone
from app.security import keys

WINDOW = 16
SEQUENCE = "sequence"


def find(db: Session, viewer: Viewer, workshop: Any, workshop_key: bytes) -> OwnProposals:
    """The viewer's own proposal tags in the workshop, and the number their next one takes."""
    note("visible", "Proposal:own")
    if not viewer.is_participant or viewer.secret is None or viewer.workshop_id != workshop.id:
        return OwnProposals()
    if workshop.proposal_tags != SEQUENCE:
        return OwnProposals(legacy=True)
    secret, wid = viewer.secret, workshop.id
    numbers: dict[str, int] = {}
    highest = 0
    start = 1
    while True:
        span = range(start, start + WINDOW)
        tags = {keys.proposal_tag(workshop_key, secret, wid, n): n for n in span}
        gone = {keys.proposal_tag(workshop_key, secret, wid, n, withdrawn=True): n for n in span}
        for tag, is_row in _taken(db, wid, list(tags), list(gone)):
            number = tags[tag] if is_row else gone[tag]
            highest = max(highest, number)
            if is_row:
                numbers[tag] = number
        if highest < start + WINDOW - 1:
            return OwnProposals(tags=frozenset(numbers), numbers=numbers, next_number=highest + 1)
        start += WINDOW


def _taken(
    db: Session, workshop_id: str, tags: list[str], stones: list[str]
) -> list[tuple[str, bool]]:
    """Which tags are taken by a proposal (True) and which tombstones exist (False): one
    query."""
    rows = select(col(Proposal.author_tag), literal(True)).where(
        col(Proposal.workshop_id) == workshop_id, col(Proposal.author_tag).in_(tags)
    )
    gone = select(col(ProposalTombstone.author_tag), literal(False)).where(
        col(ProposalTombstone.workshop_id) == workshop_id,
        col(ProposalTombstone.author_tag).in_(stones),
    )
    return [(str(tag), bool(is_row)) for tag, is_row in db.execute(union_all(rows, gone))]


def tombstone(workshop_key: bytes, viewer: Viewer, workshop: Any, tag: str) -> str | None:
    """The tombstone tag that keeps the number of the viewer's proposal tagged `tag` taken
    once it is withdrawn; None if it is not one of their numbered tags."""
    own = viewer.own_proposals
    if own is None or viewer.secret is None or tag not in own.numbers:
        return None
    number = own.numbers[tag]
    return keys.proposal_tag(workshop_key, viewer.secret, workshop.id, number, withdrawn=True)


def with_own(db: Session, viewer: Viewer, workshop: Any, workshop_key: bytes) -> Viewer:
    """The viewer, carrying their own proposal tags for `visible(..., Proposal)`."""
    if not viewer.is_participant:
        return viewer
    return replace(viewer, own_proposals=find(db, viewer, workshop, workshop_key))
