"""Identifiers and clocks: 128-bit random ids, aware-UTC timestamps, day-only dates."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime


def new_id() -> str:
    """A 128-bit random id as 32 hex characters: never sequential, never time-ordered."""
    return secrets.token_hex(16)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    return utcnow().date()
