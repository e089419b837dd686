"""Transient database errors are retried, never shown as a 500.

Transient means: SQLite's "database is locked" / "database is busy" (SQLITE_BUSY after the
busy timeout ran out) and PostgreSQL's serialization failures (40001) and deadlocks (40P01).
Every request is one transaction that is rolled back on error (app.deps.get_db), so running
the whole request again is safe as long as no byte of the response has been sent yet; the
request body is read whole first (it is bounded by the body limit of app.middleware) and
replayed to each attempt. Having it whole, the middleware also refuses (400, the app's error
page or JSON) a body that is not valid UTF-8 (app.forms.is_utf8) before any route parses it.

- `RetryMiddleware` wraps the routes: up to `attempts` runs with a short jittered back-off;
  if the database stays busy it answers 503 with Retry-After, never 500.
- `run_transaction(database, fn)` does the same for code outside a request (the CLI).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import Database
from app.errors import error_response
from app.forms import NOT_UTF8, is_utf8
from app.i18n import N_

log = logging.getLogger("tracktwo.retry")

T = TypeVar("T")
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})
SQLITE_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")
ATTEMPTS = 4


def is_transient(exc: BaseException) -> bool:
    """Whether running the same transaction again may succeed."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, BaseExceptionGroup):
            return any(is_transient(inner) for inner in current.exceptions)
        if isinstance(current, DBAPIError) and current.orig is not None:
            current = current.orig
            continue
        sqlstate = getattr(current, "sqlstate", None)
        if sqlstate in TRANSIENT_SQLSTATES:
            return True
        if type(current).__module__ == "sqlite3" and any(
            text in str(current).lower() for text in SQLITE_BUSY_MESSAGES
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def backoff(attempt: int) -> float:
    """Seconds to wait before attempt number `attempt + 1` (jittered, capped)."""
    return min(1.0, 0.05 * (1 << attempt)) * (0.5 + random.random())  # noqa: S311 (jitter, not a secret)


def run_transaction(
    database: Database, fn: Callable[[Session], T], *, attempts: int = ATTEMPTS
) -> T:
    """Run fn(session) in a write transaction, again on a transient error."""
    for attempt in range(attempts):
        try:
            with database.transaction() as db:
                return fn(db)
        except Exception as exc:
            if attempt + 1 >= attempts or not is_transient(exc):
                raise
            log.warning("transient database error (%s); retrying", type(exc).__name__)
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


class RetryMiddleware:
    """Run a request again when its transaction failed for a transient reason."""

    def __init__(self, app: ASGIApp, attempts: int = ATTEMPTS) -> None:
        self.app = app
        self.attempts = attempts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if not is_utf8(b"".join(m.get("body", b"") for m in body), _content_type(scope)):
            request = Request(scope)
            title = N_("Something is not right")
            await error_response(request, 400, title, NOT_UTF8)(scope, receive, send)
            return
        started = False

        for attempt in range(self.attempts):

            async def watching_send(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            try:
                await self.app(scope, replayer(body, receive), watching_send)
                return
            except Exception as exc:
                if started or not is_transient(exc):
                    raise
                log.warning(
                    "transient database error (%s), attempt %d of %d",
                    type(exc).__name__,
                    attempt + 1,
                    self.attempts,
                )
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(backoff(attempt))
        await _busy(scope, send)


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return str(value.decode("latin-1"))
    return ""


async def read_body(receive: Receive) -> list[Message]:
    """The request's body messages, read whole before the app runs (bounded by the body
    limit of app.middleware). Each attempt replays them; and a write, which takes SQLite's
    write lock at its first query (BEGIN IMMEDIATE), never holds it while the body is still
    on the network, which would queue every other writer behind a slow client."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def replayer(body: list[Message], receive: Receive) -> Receive:
    """A receive that hands over the body read beforehand, then waits on the client (only a
    disconnect can come after the body)."""
    pending = list(body)

    async def replaying_receive() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replaying_receive


async def _busy(scope: Scope, send: Send) -> None:
    """503 with Retry-After: the database stayed busy through every attempt."""
    is_api = str(scope.get("path", "")).startswith("/api/")
    if is_api:
        body = (
            b'{"error":{"status":503,"title":"Busy","message":"The database is busy. '
            b'Nothing was saved: please try again in a moment."}}'
        )
        ctype = b"application/json"
    else:
        body = (
            b"<!doctype html><title>Busy</title><p>The database is busy. Nothing was saved: "
            b"go back and try again in a moment.</p>"
        )
        ctype = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [(b"content-type", ctype), (b"retry-after", b"1")],
        }
    )
    await send({"type": "http.response.body", "body": body})
