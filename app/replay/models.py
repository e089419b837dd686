"""One row per staff submission (form or API call) being processed or already answered."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.ids import utcnow


class FormReplay(SQLModel, table=True):
    """The answer given to a staff submission, found again by its key (a form's hidden field,
    an API call's Idempotency-Key header). The key is hashed with the staff session or API
    token, so a key from anyone else never matches; `fingerprint` is a hash of the request,
    so a key sent again with another request is refused. `status` is 0 while the first
    submission still runs. An API answer's body is kept encrypted under a key derived from
    the caller's credential, which the server does not store."""

    __tablename__ = "form_replay"

    key_hash: str = Field(primary_key=True, max_length=64)
    fingerprint: str = Field(max_length=64)
    status: int = 0
    location: str = Field(default="", max_length=2000)
    content_type: str = Field(default="", max_length=100)
    sealed_body: bytes = b""
    created_at: datetime = Field(default_factory=utcnow, index=True)
