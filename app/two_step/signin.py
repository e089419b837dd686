"""The second step of a staff sign-in, for an account with two-step sign-in on.

A right password alone makes no staff session: it makes a *pending* sign-in, a server-side
row (AuthSession of kind "pending") naming the account, lasting PENDING_MINUTES, whose random
token is in its own HttpOnly cookie (stored hashed, like every session token). Why a server
row rather than a sealed cookie: it is single-use (deleted when the step succeeds, or when a
new password step replaces it), it can be ended like any session, and it carries nothing the
browser could replay after it is gone. Who steals that cookie holds only the right to try
codes for five minutes: the code itself (or a recovery code) is still needed, and attempts
are throttled per account and client, and per client, exactly like passwords
(app.accounts.ratelimit: increasing delays, never a lock). A pending row is never a viewer
(app.deps resolves only "staff" and "participant" sessions). Refusals are logged with their
reason, never the code.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import Session, col, delete, select

from app.accounts import ratelimit
from app.accounts.models import AuthSession, User
from app.config import Settings
from app.errors import Invalid, NotSignedIn, TooMany
from app.i18n import N_
from app.ids import utcnow
from app.security import sessions
from app.security.tokens import token_hash
from app.two_step import service

PENDING_MINUTES = 5
KIND = "pending"
log = logging.getLogger("tracktwo.accounts")
TOO_MANY = N_("Too many failed attempts. Wait a few minutes and try again.")


class PendingExpired(NotSignedIn):
    """The pending sign-in is gone (expired, used, or never was): sign in again."""

    def __init__(self) -> None:
        super().__init__(N_("The sign-in took too long. Enter your password again."))


def cookie(settings: Settings) -> str:
    return sessions.cookie_name(settings, "tt_pending")


def begin(db: Session, settings: Settings, *, user: User) -> str:
    """A pending sign-in for `user` (their password was right); returns its cookie value."""
    now = utcnow()
    db.exec(
        delete(AuthSession).where(
            col(AuthSession.kind) == KIND,
            (col(AuthSession.user_id) == user.id) | (col(AuthSession.expires_at) < now),
        )
    )
    new = sessions.create(db, settings, kind=KIND, user_id=user.id)
    new.row.expires_at = now + timedelta(minutes=PENDING_MINUTES)
    db.add(new.row)
    return new.token


def _pending(db: Session, token: str | None) -> AuthSession | None:
    if not token or len(token) > 200:
        return None
    row = db.exec(
        select(AuthSession).where(
            col(AuthSession.token_hash) == token_hash(token), col(AuthSession.kind) == KIND
        )
    ).first()
    if row is None or row.expires_at is None or utcnow() >= row.expires_at:
        return None
    return row


def is_pending(db: Session, token: str | None) -> bool:
    return _pending(db, token) is not None


def complete(db: Session, settings: Settings, *, token: str | None, code: str, client: str) -> User:
    """The signed-in user once a right code (or an unused recovery code) is given."""
    row = _pending(db, token)
    user = db.get(User, row.user_id) if row is not None and row.user_id else None
    if row is None or user is None:
        log.warning("second step refused: no pending sign-in (expired or used)")
        raise PendingExpired()
    pair = f"{user.id}\x00{client}"
    wait = max(
        ratelimit.wait_seconds(db, settings, "two-step-pair", pair),
        ratelimit.wait_seconds(db, settings, "two-step-client", client),
    )
    if wait:
        log.warning("second step refused: throttled for %ss", wait)
        raise TooMany(TOO_MANY)
    reason = "account deactivated" if not user.is_active else ""
    reason = reason or service.use_code(db, settings, user_id=user.id, code=code)
    if reason:
        ratelimit.fail_backoff(db, settings, "two-step-pair", pair)
        ratelimit.fail_backoff(db, settings, "two-step-client", client)
        db.commit()
        log.warning("second step refused: %s", reason)
        raise Invalid(service.WRONG_CODE, field="code")
    ratelimit.clear(db, settings, "two-step-pair", pair)
    db.delete(row)
    return user
