"""A translation belongs to the text it was made from: when that text changes (an author's or a
moderator's edit, a withdrawal, a note rewritten or deleted) its translations are deleted, so no
reader is shown a wording that was taken out. Imports only the model, so that the features
whose texts are translated can call it."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col

from app.translations.models import TextTranslation


def forget(db: Session, kind: str, object_id: str) -> None:
    db.exec(
        delete(TextTranslation).where(
            col(TextTranslation.kind) == kind, col(TextTranslation.object_id) == object_id
        )
    )
