"""One row per staff form submission that is being processed or has been answered."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.ids import utcnow


class FormReplay(SQLModel, table=True):
    """The answer given to a staff form, found again by its hidden key. The key is hashed with
    the staff session, so a key from another session never matches. `status` is 0 while the
    first submission is still running."""

    __tablename__ = "form_replay"

    key_hash: str = Field(primary_key=True, max_length=64)
    status: int = 0
    location: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)
