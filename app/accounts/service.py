"""Staff accounts: create, authenticate (rate limited), change password, API tokens; the
operator's list, deactivate and reset-password."""

from __future__ import annotations

import logging
import unicodedata

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.accounts import ratelimit, reauth
from app.accounts.models import ApiToken, User
from app.config import Settings
from app.errors import Invalid, NotFound, TooMany
from app.i18n import N_
from app.policy import Viewer
from app.security import passwords, sessions
from app.security.tokens import new_token, token_hash

SIGN_IN_REFUSED = N_("That e-mail address and password do not match an account.")
log = logging.getLogger("tracktwo.accounts")
TOO_MANY = N_("Too many failed attempts. Wait a few minutes and try again.")


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFC", email).strip().lower()


def create_user(db: Session, *, email: str, display_name: str, password: str) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or any(ch.isspace() for ch in email):
        raise Invalid("Enter a valid e-mail address.", field="email")
    display_name = unicodedata.normalize("NFC", display_name).strip()
    if not display_name or len(display_name) > 120:
        raise Invalid("Enter a name of 1 to 120 characters.", field="display_name")
    problem = passwords.password_problem(password)
    if problem:
        raise Invalid(problem, field="password")
    if db.exec(select(User).where(User.email == email)).first():
        raise Invalid("An account with this e-mail address already exists.", field="email")
    user = User(
        email=email, display_name=display_name, password_hash=passwords.hash_password(password)
    )
    db.add(user)
    db.flush()
    return user


def authenticate(
    db: Session, settings: Settings, *, email: str, password: str, client: str
) -> User:
    """The user for these credentials. Refusals never say whether the account exists.

    Throttled per account AND client, and per client: increasing delays, never a lock that
    someone elsewhere could put on an account (the right password from another client
    always works). Refusals are logged with their reason, never the address or password.
    """
    email = normalise_email(email)[:254]
    pair = f"{email}\x00{client}"
    wait = max(
        ratelimit.wait_seconds(db, settings, "login-pair", pair),
        ratelimit.wait_seconds(db, settings, "login-client", client),
    )
    if wait:
        passwords.burn_time(password)
        log.warning("sign-in refused: throttled for %ss", wait)
        raise TooMany(TOO_MANY)
    user = db.exec(select(User).where(User.email == email)).first()
    reason = ""
    if user is None:
        passwords.burn_time(password)
        reason = "no such account"
    elif not passwords.verify_password(user.password_hash, password[:1024]):
        reason = "wrong password"
    elif not user.is_active:
        reason = "account deactivated"
    if reason or user is None:
        ratelimit.fail_backoff(db, settings, "login-pair", pair)
        ratelimit.fail_backoff(db, settings, "login-client", client)
        db.commit()
        log.warning("sign-in refused: %s", reason)
        raise Invalid(SIGN_IN_REFUSED, field="password")
    ratelimit.clear(db, settings, "login-pair", pair)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.add(user)
    return user


def change_password(
    db: Session, settings: Settings, *, viewer: Viewer, current: str, new: str, confirm: str
) -> None:
    """A new password, given the current one (asked again under app.accounts.reauth)."""
    user = db.get(User, viewer.user_id) if viewer.user_id else None
    if user is None:
        raise NotFound()
    reauth.guard(db, settings, user.id, field="current")
    if not passwords.verify_password(user.password_hash, current[:1024]):
        wrong = Invalid("Your current password is not right.", field="current")
        reauth.refuse(db, settings, user.id, wrong)
    reauth.passed(db, settings, user.id)
    problem = passwords.password_problem(new)
    if problem:
        raise Invalid(problem, field="new")
    if new != confirm:
        raise Invalid("The two new passwords differ.", field="confirm")
    user.password_hash = passwords.hash_password(new)
    db.add(user)
    sessions.end_all_for_user(db, user.id, except_id=viewer.session_id)


def sign_out_everywhere(db: Session, user_id: str, *, except_session: str | None = None) -> None:
    """After a reset or a new second factor: every session of the account ends (but the one
    that made the change, if given) and every API token goes, so that whoever took a session
    cannot keep the account through a token minted meanwhile."""
    sessions.end_all_for_user(db, user_id, except_id=except_session)
    db.exec(delete(ApiToken).where(col(ApiToken.user_id) == user_id))


def create_api_token(db: Session, *, viewer: Viewer, name: str) -> str:
    """Create a token and return it once; only its hash is stored."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name or len(name) > 80:
        raise Invalid("Give the token a name of 1 to 80 characters.", field="name")
    if viewer.user_id is None:
        raise NotFound()
    token = "tt_" + new_token(32)
    db.add(ApiToken(user_id=viewer.user_id, name=name, token_hash=token_hash(token)))
    return token


def list_api_tokens(db: Session, *, viewer: Viewer) -> list[ApiToken]:
    return list(db.exec(select(ApiToken).where(ApiToken.user_id == viewer.user_id)))


def revoke_api_token(db: Session, *, viewer: Viewer, token_id: str) -> None:
    row = db.get(ApiToken, token_id)
    if row is None or row.user_id != viewer.user_id:
        raise NotFound()
    db.delete(row)


# Operator commands (`tracktwo users ...`): run by whoever holds the server's configuration, so
# they take no viewer, like create_user.
NO_SUCH_ACCOUNT = N_("No staff account has this e-mail address.")


def list_users(db: Session) -> list[User]:
    return list(db.exec(select(User).order_by(User.email)))


def _by_email(db: Session, email: str) -> User:
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise Invalid(NO_SUCH_ACCOUNT, field="email")
    return user


def deactivate_user(db: Session, *, email: str) -> User:
    """The account can no longer sign in; its sessions end (its API tokens stop working)."""
    user = _by_email(db, email)
    user.is_active = False
    db.add(user)
    sessions.end_all_for_user(db, user.id)
    return user


def reset_password(db: Session, *, email: str, password: str) -> User:
    """A new password set by the operator; every session of the account ends."""
    user = _by_email(db, email)
    problem = passwords.password_problem(password)
    if problem:
        raise Invalid(problem, field="password")
    user.password_hash = passwords.hash_password(password)
    db.add(user)
    sign_out_everywhere(db, user.id)
    return user
