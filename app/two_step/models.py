"""A staff account's second factor: its TOTP secret (encrypted) and its recovery codes (hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.ids import new_id, utcnow


class StaffTotp(SQLModel, table=True):
    """One per account. `secret` is AES-GCM ciphertext (app.two_step.codes), never the base32
    text; `confirmed_at` is None while the set-up awaits its first code; `last_step` is the
    time step of the last code accepted, so that no code counts twice."""

    __tablename__ = "staff_totp"

    user_id: str = Field(
        foreign_key="user_account.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    secret: str = Field(max_length=200)
    confirmed_at: datetime | None = None
    last_step: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class StaffRecoveryCode(SQLModel, table=True):
    """A single-use recovery code, stored as its hash; deleted when used."""

    __tablename__ = "staff_recovery_code"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(
        foreign_key="user_account.id", index=True, max_length=32, ondelete="CASCADE"
    )
    code_hash: str = Field(max_length=64, unique=True)
