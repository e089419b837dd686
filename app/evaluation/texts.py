"""Free-text survey answers: never shown one by one, revealed by the organizer in batches of
at least the policy's minimum batch (`policy.min_batch`), in a random order, and hidden by a
moderator (organizer, facilitator) where needed, like proposals."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import policy
from app.audit import service as audit
from app.db_order import reinsert_in_random_order
from app.errors import Conflict, NotFound
from app.evaluation.models import SurveyText
from app.policy import Viewer
from app.workshops.models import Workshop


def _texts_of(db: Session, viewer: Viewer, workshop: Workshop) -> list[SurveyText]:
    statement = policy.visible(select(SurveyText), viewer, SurveyText)
    statement = statement.where(col(SurveyText.workshop_id) == workshop.id)
    return list(db.exec(statement.order_by(col(SurveyText.id))))  # random ids: no order


def pending_texts(db: Session, *, viewer: Viewer, workshop: Workshop) -> int | None:
    """How many free-text answers await a reveal (the organizer; never their text)."""
    if not policy.allowed(viewer, "evaluation.build", workshop):
        return None
    return sum(1 for t in _texts_of(db, viewer, workshop) if t.status == "pending")


def reveal_texts(db: Session, *, viewer: Viewer, workshop: Workshop) -> int:
    """Reveal every pending free-text answer at once: at least the minimum batch."""
    policy.ensure(viewer, "evaluation.build", workshop)
    pending = [t for t in _texts_of(db, viewer, workshop) if t.status == "pending"]
    if len(pending) < policy.min_batch(workshop):
        raise Conflict("Too few answers to reveal yet: wait until the minimum batch is reached.")
    for row in pending:
        row.status = "revealed"
        db.add(row)
    db.flush()
    reinsert_in_random_order(db, SurveyText, [t.id for t in pending])
    db.expire_all()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="evaluation.reveal")
    return len(pending)


def set_hidden(
    db: Session, *, viewer: Viewer, workshop: Workshop, text_id: str, hidden: bool
) -> None:
    """Hide a revealed free-text answer from everyone but moderators (or show it again)."""
    policy.ensure(viewer, "evaluation.moderate", workshop)
    row = {t.id: t for t in _texts_of(db, viewer, workshop) if t.status == "revealed"}.get(text_id)
    if row is None:
        raise NotFound()
    row.hidden = hidden
    db.add(row)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="evaluation.hide" if hidden else "evaluation.unhide",
    )


def revealed_texts(db: Session, *, viewer: Viewer, workshop: Workshop) -> list[SurveyText]:
    """The revealed free-text answers the viewer may read (moderators: hidden ones too)."""
    if not policy.allowed(viewer, "evaluation.results", workshop):
        return []
    return [t for t in _texts_of(db, viewer, workshop) if t.status == "revealed"]
