"""Server-side sessions: random tokens stored hashed, rotated at sign-in, revocable.

Staff sessions expire after an idle period and an absolute lifetime; participant sessions
last until the workshop is archived or the participant is revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from sqlmodel import Session, col, delete, select

from app.accounts.models import AuthSession
from app.config import Settings
from app.ids import utcnow
from app.security.tokens import new_token, token_hash

TOUCH_EVERY = timedelta(seconds=60)


def cookie_name(settings: Settings, base: str) -> str:
    """`__Host-` names need Secure, so plain-HTTP development uses the bare name."""
    return f"__Host-{base}" if settings.https else base


def session_cookie(settings: Settings) -> str:
    return cookie_name(settings, "tt_session")


def staff_hint_cookie(settings: Settings) -> str:
    """Holds no secret: this browser signed in as staff, so a lost session means "expired"."""
    return cookie_name(settings, "tt_staff")


def author_cookie(settings: Settings) -> str:
    return cookie_name(settings, "tt_author")


def set_cookie(
    response: Response, settings: Settings, name: str, value: str, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, settings: Settings, name: str) -> None:
    response.delete_cookie(name, path="/", secure=settings.https, httponly=True, samesite="lax")


@dataclass(frozen=True)
class NewSession:
    token: str
    row: AuthSession


def create(
    db: Session,
    settings: Settings,
    *,
    kind: str,
    user_id: str | None = None,
    participant_id: str | None = None,
) -> NewSession:
    """A fresh session with a new random id and CSRF token (rotation happens by creating)."""
    token = new_token(32)
    now = utcnow()
    expires = now + timedelta(hours=settings.staff_absolute_hours) if kind == "staff" else None
    row = AuthSession(
        token_hash=token_hash(token),
        kind=kind,
        user_id=user_id,
        participant_id=participant_id,
        csrf_token=new_token(32),
        created_at=now,
        last_seen_at=now,
        expires_at=expires,
    )
    db.add(row)
    db.flush()
    return NewSession(token=token, row=row)


def lookup(db: Session, settings: Settings, token: str | None) -> AuthSession | None:
    """The live session for a cookie value, or None (expired sessions are deleted)."""
    if not token or len(token) > 200:
        return None
    row = db.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(token))).first()
    if row is None:
        return None
    now = utcnow()
    if row.kind == "staff":
        idle = timedelta(minutes=settings.staff_idle_minutes)
        if (row.expires_at and now >= row.expires_at) or now - row.last_seen_at >= idle:
            db.delete(row)
            db.commit()
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            db.add(row)
            db.commit()
    return row


def end(db: Session, token: str | None) -> None:
    if token:
        db.exec(delete(AuthSession).where(col(AuthSession.token_hash) == token_hash(token)))


def end_all_for_participant(db: Session, participant_id: str) -> None:
    db.exec(delete(AuthSession).where(col(AuthSession.participant_id) == participant_id))


def end_all_for_user(db: Session, user_id: str, *, except_id: str | None = None) -> None:
    statement = delete(AuthSession).where(col(AuthSession.user_id) == user_id)
    if except_id:
        statement = statement.where(col(AuthSession.id) != except_id)
    db.exec(statement)


def token_from(request: Request, settings: Settings) -> str | None:
    return request.cookies.get(session_cookie(settings))
