"""Staff users, their API tokens, server-side sessions and sign-in rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.ids import new_id, utcnow


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(
        foreign_key="user_account.id", index=True, max_length=32, ondelete="CASCADE"
    )
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class AuthSession(SQLModel, table=True):
    """A signed-in browser: a staff user or a participant. The cookie holds the raw token."""

    __tablename__ = "auth_session"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=16)
    user_id: str | None = Field(
        default=None, foreign_key="user_account.id", index=True, max_length=32, ondelete="CASCADE"
    )
    participant_id: str | None = Field(
        default=None, foreign_key="participant.id", index=True, max_length=32, ondelete="CASCADE"
    )
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None


class RateLimit(SQLModel, table=True):
    """Failed attempts per hashed key (an account or a client) in a fixed window."""

    __tablename__ = "rate_limit"

    key: str = Field(primary_key=True, max_length=64)
    window_start: datetime = Field(default_factory=utcnow)
    count: int = 0


class StaffInvitation(SQLModel, table=True):
    """A single-use, expiring link: to join a workshop's staff (purpose "join", with the
    account to be made for `email`), or to set a new password (purpose "reset", `user_id`).
    Only the link's hash is stored."""

    __tablename__ = "staff_invitation"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    token_hash: str = Field(max_length=64, unique=True)
    purpose: str = Field(max_length=8)
    email: str = Field(max_length=254, index=True)
    user_id: str | None = Field(
        default=None, foreign_key="user_account.id", ondelete="CASCADE", max_length=32
    )
    workshop_id: str | None = Field(
        default=None, foreign_key="workshop.id", ondelete="CASCADE", index=True, max_length=32
    )
    role: str | None = Field(default=None, max_length=16)
    invited_by: str | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL", max_length=32
    )
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
