"""Sign-offs bound to a fingerprint, shared by the summary's review and the negotiating text.

A sign-off row holds a scope (the review, or the text item), an author tag of its own kind
and the fingerprint of the exact version it was given on; no column names a participant or
a party. The signer's party meets it only in a tally (scope, fingerprint, party) -> count,
moved by one in a single UPDATE. Signing again after a change moves both to the new
fingerprint; a sign-off on another fingerprint than the current one is stale. Which counts
may be shown is the policy's (`policy.signoff_breakdown`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

SHORT = 8


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not canonical: {type(value).__name__}")


def digest(value: object) -> str:
    """SHA-256 of a canonical JSON of the value (sorted keys, dates as ISO days)."""
    body = json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )
    return hashlib.sha256(body.encode()).hexdigest()


def short(fingerprint: str) -> str:
    return fingerprint[:SHORT]


def find(db: Session, model: Any, tag: str) -> Any:
    """The sign-off with this author tag, or None."""
    return db.exec(select(model).where(col(model.author_tag) == tag)).first()


def sign(
    db: Session,
    models: tuple[Any, Any],
    scope: tuple[str, str],
    *,
    tag: str,
    fingerprint: str,
    party_id: str | None,
    **extra: str,
) -> bool:
    """Sign off on `fingerprint`, or move an earlier sign-off to it; False if already there.
    `models` is (sign-off table, tally table), `scope` (column, id) in both."""
    signoff, tally = models
    row = find(db, signoff, tag)
    if row is not None and row.fingerprint == fingerprint:
        return False
    if row is None:
        row = signoff(**{scope[0]: scope[1]}, author_tag=tag, fingerprint=fingerprint, **extra)
    elif party_id:
        _count(db, tally, scope, row.fingerprint, party_id, by=-1)
    row.fingerprint = fingerprint
    db.add(row)
    if party_id:
        _count(db, tally, scope, fingerprint, party_id, by=1)
    return True


def _count(
    db: Session, tally: Any, scope: tuple[str, str], fingerprint: str, party_id: str, *, by: int
) -> None:
    """Move the party's tally for this fingerprint by one in a single UPDATE (no lost update
    between two sign-offs); the row is created the first time."""
    column, scope_id = scope
    key = (
        (col(getattr(tally, column)) == scope_id)
        & (col(tally.fingerprint) == fingerprint)
        & (col(tally.party_id) == party_id)
    )
    bump = update(tally).where(key).values(count=tally.count + by)
    if db.exec(bump).rowcount == 0 and by > 0:
        db.add(tally(**{column: scope_id}, fingerprint=fingerprint, party_id=party_id, count=1))
        db.flush()


def tallies(db: Session, tally: Any, scope: tuple[str, str], fingerprint: str) -> dict[str, int]:
    """Sign-offs per party given on this fingerprint (others are stale)."""
    rows = db.exec(
        select(tally).where(
            col(getattr(tally, scope[0])) == scope[1], col(tally.fingerprint) == fingerprint
        )
    )
    return {row.party_id: row.count for row in rows}


def counted(db: Session, tally: Any, scope: tuple[str, str]) -> int:
    """Every counted sign-off of the scope, on any fingerprint."""
    rows = db.exec(select(tally).where(col(getattr(tally, scope[0])) == scope[1]))
    return sum(row.count for row in rows)
