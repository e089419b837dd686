"""Claim a staff submission's key before it runs; keep its answer; replay it to a repeat."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.accounts.models import ApiToken, AuthSession, User
from app.config import Settings
from app.db import Database
from app.ids import utcnow
from app.replay.models import FormReplay
from app.security.tokens import token_hash

KEEP = timedelta(hours=1)  # a retry or a second click comes within seconds; a page reloaded
# later draws fresh keys
ABANDONED = timedelta(seconds=60)  # a claim still running after this was cut off (a crash)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RUNNING = 0


@dataclass(frozen=True)
class Caller:
    """A staff member's credential as sent (never stored) and what identifies it at rest."""

    principal: str
    credential: str


@dataclass(frozen=True)
class Answer:
    status: int  # RUNNING while the first submission has not answered yet
    location: str = ""
    content_type: str = ""
    body: bytes = b""
    same_request: bool = True


def staff_caller(
    database: Database, settings: Settings, *, cookie: str | None, bearer: str | None
) -> Caller | None:
    """The staff session or API token making the request, if it may still act: a live
    session (neither idle past the limit nor past its absolute end, as app.security.sessions
    rules) or a token of an active account. None for participants (their forms are idempotent
    in their services and leave no row here), for a lapsed credential (a kept page is never
    shown to it: the request runs and meets the sign-in), and for anyone else."""
    now = utcnow()
    with database.session() as db:
        if bearer:
            token = db.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(bearer)))
            row = token.first()
            user = db.get(User, row.user_id) if row is not None else None
            if row is None or user is None or not user.is_active:
                return None
            return Caller(f"token:{row.id}", bearer)
        if not cookie or len(cookie) > 200:
            return None
        session = db.exec(select(AuthSession).where(AuthSession.token_hash == token_hash(cookie)))
        found = session.first()
    if found is None or found.kind != "staff":
        return None
    idle = timedelta(minutes=settings.staff_idle_minutes)
    if (found.expires_at and now >= found.expires_at) or now - found.last_seen_at >= idle:
        return None
    return Caller(f"session:{found.id}", cookie)


def key_hash(caller: Caller, key: str) -> str:
    return hashlib.sha256(f"tracktwo/replay/v1|{caller.principal}|{key}".encode()).hexdigest()


def fingerprint(caller: Caller, method: str, path: str, query: bytes, body: bytes) -> str:
    """An HMAC of the request under the caller's credential: a dump cannot confirm a guess."""
    digest = hmac.new(_secret(caller, b"fingerprint"), digestmod=hashlib.sha256)
    digest.update(f"{method} {path}?".encode() + query + b"\n")
    digest.update(body)
    return digest.hexdigest()


def claim(database: Database, caller: Caller, row_key: str, request: str) -> Answer | None:
    """None when this submission is the first with its key (it has claimed the key and should
    run); else the answer the first one gave (RUNNING while it still runs)."""
    try:
        with database.transaction() as db:
            now = utcnow()
            db.exec(delete(FormReplay).where(col(FormReplay.created_at) < now - KEEP))
            db.exec(
                delete(FormReplay).where(
                    col(FormReplay.key_hash) == row_key,
                    col(FormReplay.status) == RUNNING,
                    col(FormReplay.created_at) < now - ABANDONED,
                )
            )
            db.add(FormReplay(key_hash=row_key, fingerprint=request))
        return None
    except IntegrityError:
        with database.session() as db:
            row = db.get(FormReplay, row_key)
            if row is None:  # released in between: the caller claims again
                return Answer(status=RUNNING)
            if row.fingerprint != request:
                return Answer(status=row.status, same_request=False)
            return Answer(
                status=row.status,
                location=row.location,
                content_type=row.content_type,
                body=_open(caller, row_key, row.sealed_body),
            )


def answered(database: Database, caller: Caller, row_key: str, answer: Answer) -> None:
    """Keep the answer for the submissions that repeat this one."""
    with database.transaction() as db:
        row = db.get(FormReplay, row_key)
        if row is not None:
            row.status, row.location = answer.status, answer.location[:2000]
            row.content_type = answer.content_type[:100]
            row.sealed_body = _seal(caller, row_key, answer.body) if answer.body else b""
            db.add(row)


def release(database: Database, row_key: str) -> None:
    """The first submission was refused or failed: it changed nothing, so the same key may
    be sent again and run afresh."""
    with database.transaction() as db:
        db.exec(delete(FormReplay).where(col(FormReplay.key_hash) == row_key))


def _secret(caller: Caller, purpose: bytes) -> bytes:
    return hashlib.sha256(
        b"tracktwo/replay-" + purpose + b"/v1|" + caller.credential.encode()
    ).digest()


def _cipher(caller: Caller) -> AESGCM:
    return AESGCM(_secret(caller, b"body"))


def _seal(caller: Caller, row_key: str, body: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + _cipher(caller).encrypt(nonce, body, row_key.encode())


def _open(caller: Caller, row_key: str, sealed: bytes) -> bytes:
    if not sealed:
        return b""
    try:
        return _cipher(caller).decrypt(sealed[:12], sealed[12:], row_key.encode())
    except InvalidTag:  # cannot happen for the caller that sealed it
        return b""
