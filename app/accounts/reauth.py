"""Asking a signed-in staff member again for their password (and a code, where the form asks
one): changing the password, setting two-step sign-in up, turning it off, new recovery codes.

Each refusal counts against the account (app.accounts.ratelimit: increasing delays, never a
lock), and the count is committed before the refusal goes out, so a session left open on a
laptop cannot be used to guess the account's password or its codes at leisure. A right answer
clears the count. The delay is per account: whoever fails has its session, so no one else can
put a delay on it.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from sqlmodel import Session

from app.accounts import ratelimit
from app.config import Settings
from app.errors import Invalid, TooManyTries
from app.i18n import N_

log = logging.getLogger("tracktwo.accounts")
SCOPE = "reauth"
TOO_MANY = N_("Too many wrong answers. Wait a few minutes and try again.")


def guard(db: Session, settings: Settings, user_id: str, *, field: str = "password") -> None:
    """Refuse at once (429, on the form's password field) while the account must wait."""
    wait = ratelimit.wait_seconds(db, settings, SCOPE, user_id)
    if wait:
        log.warning("re-authentication refused: throttled for %ss", wait)
        raise TooManyTries(TOO_MANY, field=field)


def refuse(db: Session, settings: Settings, user_id: str, error: Invalid) -> NoReturn:
    """Count the failure, keep the count whatever the caller rolls back, and refuse."""
    ratelimit.fail_backoff(db, settings, SCOPE, user_id)
    db.commit()
    raise error


def passed(db: Session, settings: Settings, user_id: str) -> None:
    ratelimit.clear(db, settings, SCOPE, user_id)
