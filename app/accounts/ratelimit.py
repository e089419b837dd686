"""Failure counters in the database, so every instance shares them.

`blocked` / `fail`: a fixed window (joining, recovery). `wait_seconds` / `fail_backoff`:
increasing delays for sign-in (ASVS 2.2.1, a soft lock): none for the first `login_limit`
failures, then BACKOFF_START seconds, doubling at each further failure up to the window;
a window after the last failure the count is forgotten."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlmodel import Session

from app.accounts.models import RateLimit
from app.config import Settings
from app.ids import utcnow
from app.security.tokens import keyed_hash


def _key(settings: Settings, scope: str, value: str) -> str:
    return keyed_hash(settings.secret_key, f"{scope}:{value}")


def blocked(db: Session, settings: Settings, scope: str, value: str) -> bool:
    row = db.get(RateLimit, _key(settings, scope, value))
    if row is None:
        return False
    if utcnow() - row.window_start >= timedelta(seconds=settings.login_window_seconds):
        return False
    return row.count >= settings.login_limit


def fail(db: Session, settings: Settings, scope: str, value: str) -> None:
    key = _key(settings, scope, value)
    row = db.get(RateLimit, key)
    now = utcnow()
    if row is None or now - row.window_start >= timedelta(seconds=settings.login_window_seconds):
        row = row or RateLimit(key=key)
        row.window_start = now
        row.count = 0
    row.count += 1
    db.add(row)


def clear(db: Session, settings: Settings, scope: str, value: str) -> None:
    row = db.get(RateLimit, _key(settings, scope, value))
    if row is not None:
        db.delete(row)


BACKOFF_START = 30


def wait_seconds(db: Session, settings: Settings, scope: str, value: str) -> int:
    """How long before the next attempt may be tried (0: now)."""
    row = db.get(RateLimit, _key(settings, scope, value))
    if row is None:
        return 0
    since = (utcnow() - row.window_start).total_seconds()
    over = row.count - settings.login_limit
    if since >= settings.login_window_seconds or over < 0:
        return 0
    delay: int = min(settings.login_window_seconds, BACKOFF_START * 2 ** min(over, 16))
    return max(0, math.ceil(delay - since))


def fail_backoff(db: Session, settings: Settings, scope: str, value: str) -> None:
    """Count a failure; the delay runs from this, the last one."""
    key = _key(settings, scope, value)
    row = db.get(RateLimit, key)
    now = utcnow()
    if row is None or now - row.window_start >= timedelta(seconds=settings.login_window_seconds):
        row = row or RateLimit(key=key)
        row.count = 0
    row.window_start = now
    row.count += 1
    db.add(row)
