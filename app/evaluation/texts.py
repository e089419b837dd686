"""Free-text survey answers: never shown one by one, revealed by the organizer in batches of
at least the policy's minimum batch (`policy.min_batch`), in a random order, and hidden by a
moderator (organizer, facilitator) where needed, like proposals.

They are shown per question and moment, so the batch is counted per question and moment
(`policy.texts_ready`): a question whose waiting answers are fewer than the minimum keeps
them waiting, whatever the other questions hold. The organizer never sees how many wait,
only how many questions are ready to reveal: that figure moves when a question's batch
fills, never with each answer written (as the room's staff see pending proposals).
"""

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


def questions_ready(db: Session, *, viewer: Viewer, workshop: Workshop) -> int | None:
    """How many questions (at a moment) have a full batch of written answers to reveal (the
    organizer; never how many answers wait, never their text)."""
    if not policy.allowed(viewer, "evaluation.build", workshop):
        return None
    ready = policy.texts_ready(_texts_of(db, viewer, workshop), workshop)
    return len({(t.moment, t.item_id) for t in ready})


def reveal_texts(db: Session, *, viewer: Viewer, workshop: Workshop) -> int:
    """Reveal, at once, the waiting answers of every question (at a moment) that has a full
    batch; the other questions' answers keep waiting."""
    policy.ensure(viewer, "evaluation.build", workshop)
    pending = policy.texts_ready(_texts_of(db, viewer, workshop), workshop)
    if not pending:
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
