"""The audit log of privileged staff actions. It never names an author."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.ids import new_id, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str | None = Field(
        default=None, foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    actor_user_id: str | None = Field(
        default=None, foreign_key="user_account.id", max_length=32, ondelete="SET NULL"
    )
    actor_label: str = Field(default="", max_length=254)
    action: str = Field(max_length=64)
    target_kind: str = Field(default="", max_length=32)
    target_id: str = Field(default="", max_length=32)
    detail: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
