"""Parallel content: a staff-written text (a ground rule, the purpose, an agenda item) in
another of the workshop's languages, one row per (kind, object, language)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.ids import new_id


class ContentTranslation(SQLModel, table=True):
    """Stored like the original it translates (plain text, staff-written, kept on archive
    as the original is)."""

    __tablename__ = "content_translation"
    __table_args__ = (UniqueConstraint("kind", "object_id", "lang", name="uq_content_translation"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    kind: str = Field(max_length=16)
    object_id: str = Field(max_length=32)
    lang: str = Field(max_length=16)
    title: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=4000)


class TextTranslation(SQLModel, table=True):
    """A translation of a contributed text (a proposal, a note cleared for the room or the
    summary) into one of the workshop's languages. Encrypted under the workshop key like the
    text it translates (app.security.at_rest); it names no author and no translator, and
    archive deletes it."""

    __tablename__ = "text_translation"
    __table_args__ = (UniqueConstraint("kind", "object_id", "lang", name="uq_text_translation"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    kind: str = Field(max_length=16)
    object_id: str = Field(max_length=32)
    lang: str = Field(max_length=16)
    text: str = Field(max_length=21600)  # AES-GCM ciphertext of up to 4000 chars
