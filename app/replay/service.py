"""Claim a staff form's key before running it; keep the redirect it answered with; replay it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.accounts.models import AuthSession
from app.db import Database
from app.ids import utcnow
from app.replay.models import FormReplay
from app.security.tokens import token_hash

KEEP = timedelta(hours=1)  # a retry or a second click comes within seconds; a page left open
# overnight draws fresh keys when it is reloaded
ABANDONED = timedelta(seconds=60)  # a claim still running after this was cut off (a crash)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Answer:
    status: int
    location: str


def staff_key_hash(database: Database, session_token: str | None, key: str) -> str | None:
    """The row key for a form key sent with a staff session's cookie; None for anyone else
    (participants' forms are made idempotent in their services and leave no row here)."""
    if not session_token or len(session_token) > 200:
        return None
    with database.session() as db:
        row = db.exec(
            select(AuthSession).where(AuthSession.token_hash == token_hash(session_token))
        ).first()
    if row is None or row.kind != "staff":
        return None
    return hashlib.sha256(f"tracktwo/form-replay/v1|{row.id}|{key}".encode()).hexdigest()


def claim(database: Database, key_hash: str) -> Answer | None:
    """None when this submission is the first with its key (it should run, and has claimed the
    key); else the answer the first one gave, with status 0 while it is still running."""
    try:
        with database.transaction() as db:
            now = utcnow()
            db.exec(delete(FormReplay).where(col(FormReplay.created_at) < now - KEEP))
            db.exec(
                delete(FormReplay).where(
                    col(FormReplay.key_hash) == key_hash,
                    col(FormReplay.status) == 0,
                    col(FormReplay.created_at) < now - ABANDONED,
                )
            )
            db.add(FormReplay(key_hash=key_hash))
        return None
    except IntegrityError:
        with database.session() as db:
            row = db.get(FormReplay, key_hash)
            if row is None:  # released in between: the caller claims again
                return Answer(status=0, location="")
            return Answer(status=row.status, location=row.location)


def answered(database: Database, key_hash: str, status: int, location: str) -> None:
    """Keep a redirect for the submissions that repeat this one."""
    with database.transaction() as db:
        row = db.get(FormReplay, key_hash)
        if row is not None:
            row.status, row.location = status, location[:2000]
            db.add(row)


def release(database: Database, key_hash: str) -> None:
    """The first submission ended without a redirect (refused, or an error): it changed
    nothing, so the same key may be sent again and run afresh."""
    with database.transaction() as db:
        db.exec(delete(FormReplay).where(col(FormReplay.key_hash) == key_hash))
