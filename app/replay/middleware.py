"""ReplayMiddleware: a staff form sent again with the same hidden key gets the first answer."""

from __future__ import annotations

import asyncio
import time
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.db import Database
from app.forms import IDEMPOTENCY_RE
from app.replay import service
from app.retry import read_body, replayer
from app.security.sessions import session_cookie

WAIT_SECONDS = 10.0
FORM = b"application/x-www-form-urlencoded"
BUSY = (
    b"<!doctype html><title>Already sent</title><p>This form is still being processed. "
    b"Reload the page in a moment to see its result.</p>"
)


class ReplayMiddleware:
    """For a POSTed staff form carrying `idempotency_key`: claim the key, run the request, and
    keep its redirect; a second submission with the key waits for the first and is answered
    with the same redirect, changing nothing. A refused or failed first run releases the key."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cookie = session_cookie(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _is_form(scope):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        key = _form_key(b"".join(m.get("body", b"") for m in body))
        database: Database = scope["app"].state.db
        key_hash = (
            service.staff_key_hash(database, _cookie(scope, self.cookie), key) if key else None
        )
        if key_hash is None:
            await self.app(scope, replayer(body, receive), send)
            return
        deadline = time.monotonic() + WAIT_SECONDS
        while (answer := service.claim(database, key_hash)) is not None and not answer.status:
            if time.monotonic() > deadline:
                await _send(send, 409, [(b"content-type", b"text/html; charset=utf-8")], BUSY)
                return
            await asyncio.sleep(0.05)
        if answer is not None:
            await _send(send, answer.status, [(b"location", answer.location.encode())], b"")
            return
        seen: dict[str, object] = {}

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"location":
                        seen["location"] = value.decode("latin-1")
            await send(message)

        try:
            await self.app(scope, replayer(body, receive), watching_send)
        except BaseException:
            service.release(database, key_hash)
            raise
        status = seen.get("status")
        if isinstance(status, int) and status in service.REDIRECTS and "location" in seen:
            service.answered(database, key_hash, status, str(seen["location"]))
        else:
            service.release(database, key_hash)


def _is_form(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == FORM)
    return False


def _form_key(body: bytes) -> str | None:
    values = parse_qs(body.decode("utf-8", "replace")).get("idempotency_key", [])
    key = values[0] if len(values) == 1 else None
    return key if key is not None and IDEMPOTENCY_RE.match(key) else None


def _cookie(scope: Scope, name: str) -> str | None:
    for header, value in scope.get("headers", ()):
        if header == b"cookie":
            try:
                morsel = SimpleCookie(value.decode("latin-1")).get(name)
            except CookieError:
                return None
            if morsel is not None:
                return morsel.value
    return None


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
