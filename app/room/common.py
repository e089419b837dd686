"""Lookups shared by the room services, every one through the policy."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem, Meeting
from app.config import Settings, get_settings
from app.errors import Conflict, NotFound
from app.policy import Viewer
from app.room.models import Proposal
from app.workshops import service as workshops
from app.workshops.models import Workshop

MAX_ID = 64


def items(db: Session, *, viewer: Viewer, workshop: Workshop) -> list[AgendaItem]:
    """The workshop's agenda items in running order (session, then item position)."""
    statement = (
        policy.visible(select(AgendaItem), viewer, AgendaItem)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(col(AgendaItem.workshop_id) == workshop.id)
        .order_by(col(Meeting.position), col(Meeting.day), col(AgendaItem.position))
    )
    return list(db.exec(statement))


def _unusable(some_id: str) -> bool:
    """Too long, or holding a NUL (PostgreSQL refuses it in any text: a 500, not a 404)."""
    return len(some_id) > MAX_ID or "\x00" in some_id


def item(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> AgendaItem:
    if _unusable(item_id):
        raise NotFound()
    statement = policy.visible(select(AgendaItem), viewer, AgendaItem).where(
        col(AgendaItem.id) == item_id, col(AgendaItem.workshop_id) == workshop.id
    )
    row = db.exec(statement).first()
    if row is None:
        raise NotFound()
    return row


def live_item(db: Session, *, viewer: Viewer, workshop: Workshop) -> AgendaItem | None:
    statement = policy.visible(select(AgendaItem), viewer, AgendaItem).where(
        col(AgendaItem.workshop_id) == workshop.id, col(AgendaItem.state) == "live"
    )
    return db.exec(statement).first()


def proposal(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    proposal_id: str,
    lock: bool = False,
    settings: Settings | None = None,
) -> Proposal:
    """One proposal the viewer may see (for a participant: revealed, or pending and theirs,
    proven by its tag; `settings` unwraps the workshop key, the process settings if None)."""
    if _unusable(proposal_id):
        raise NotFound()
    viewer = own(db, settings or get_settings(), viewer, workshop)
    statement = policy.visible(select(Proposal), viewer, Proposal).where(
        col(Proposal.id) == proposal_id, col(Proposal.workshop_id) == workshop.id
    )
    if lock:
        statement = statement.with_for_update()
    row = db.exec(statement).first()
    if row is None:
        raise NotFound()
    if row.status == "pending" and viewer.is_participant:
        workshop_key = key(db, settings or get_settings(), workshop)
        if not policy.keep_mine_or_revealed([row], viewer, workshop_key):
            raise NotFound()
    return row


def key(db: Session, settings: Settings, workshop: Workshop) -> bytes:
    return workshops.data_key(db, settings, workshop)


def own(db: Session, settings: Settings, viewer: Viewer, workshop: Workshop) -> Viewer:
    """The viewer with their own proposal tags in this workshop (policy.mine), unless they
    already carry them or are no participant."""
    if not viewer.is_participant or viewer.own_proposals is not None:
        return viewer
    return policy.with_own_proposals(db, viewer, workshop, key(db, settings, workshop))


def require_secret(viewer: Viewer) -> bytes:
    if viewer.secret is None:
        raise Conflict(
            "This device does not hold your authorship key. Sign in again with your "
            "recovery code to contribute."
        )
    return viewer.secret


def require_contributing(workshop: Workshop) -> None:
    if workshop.status != "live":
        raise Conflict("The workshop is not live: contributions open when it starts.")
