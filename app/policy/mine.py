"""A participant's own proposals, found by their tags: the work grows with their own, not
with everyone's pending proposals.

The n-th proposal of a participant in a workshop is tagged keys.proposal_tag(..., n). The
author's tags for n = 1..WINDOW are computed and looked up at once, among the proposals and
the tombstones that withdrawn ones leave (so a numbering has no hole); while a window's last
number is taken, the next window. That is WINDOW HMACs and one indexed query per window,
whatever others wrote; only the holder of the secret can compute a tag. A legacy workshop
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
    tags: set[str] = set()
    highest = 0
    start = 1
    while True:
        window = {
            keys.proposal_tag(workshop_key, viewer.secret, workshop.id, n): n
            for n in range(start, start + WINDOW)
        }
        for tag, is_row in _taken(db, workshop.id, list(window)):
            highest = max(highest, window[tag])
            if is_row:
                tags.add(tag)
        if highest < start + WINDOW - 1:
            return OwnProposals(tags=frozenset(tags), next_number=highest + 1)
        start += WINDOW


def _taken(db: Session, workshop_id: str, tags: list[str]) -> list[tuple[str, bool]]:
    """Which of these tags are taken, by a proposal (True) or a tombstone (False): one query."""
    rows = select(col(Proposal.author_tag), literal(True)).where(
        col(Proposal.workshop_id) == workshop_id, col(Proposal.author_tag).in_(tags)
    )
    stones = select(col(ProposalTombstone.author_tag), literal(False)).where(
        col(ProposalTombstone.workshop_id) == workshop_id,
        col(ProposalTombstone.author_tag).in_(tags),
    )
    return [(str(tag), bool(is_row)) for tag, is_row in db.execute(union_all(rows, stones))]


def with_own(db: Session, viewer: Viewer, workshop: Any, workshop_key: bytes) -> Viewer:
    """The viewer, carrying their own proposal tags for `visible(..., Proposal)`."""
    if not viewer.is_participant:
        return viewer
    return replace(viewer, own_proposals=find(db, viewer, workshop, workshop_key))
