"""Fixed-window failure counters in the database, so every instance shares them."""

from __future__ import annotations

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
