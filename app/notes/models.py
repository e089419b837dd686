"""Notes with a visibility. Staff notes name their role; participants' notes carry a tag."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from app.db_order import NO_ROWID
from app.ids import new_id, today


class Note(SQLModel, table=True):
    __tablename__ = "note"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str | None = Field(
        default=None, foreign_key="agenda_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    author_user_id: str | None = Field(
        default=None, foreign_key="user_account.id", max_length=32, ondelete="SET NULL"
    )
    author_role: str = Field(max_length=16)
    author_tag: str | None = Field(default=None, max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)
    visibility: str = Field(default="private", max_length=16)
    body: str = Field(default="", max_length=120000)  # AES-GCM ciphertext of up to 20000 chars
    created_on: date = Field(default_factory=today)
