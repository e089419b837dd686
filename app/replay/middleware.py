"""ReplayMiddleware: a staff submission sent again with the same key gets the first answer."""

from __future__ import annotations

import asyncio
import json
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
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM = b"application/x-www-form-urlencoded"
HTML = b"text/html; charset=utf-8"
JSON = b"application/json"
MESSAGES = {
    409: (
        "Already being processed",
        "This was sent a moment ago and is still being processed. Reload in a moment to see"
        " its result.",
    ),
    422: (
        "Key already used",
        "This key was already used for a different request. Reload the page (or send a new"
        " Idempotency-Key) and try again.",
    ),
}


class ReplayMiddleware:
    """For a staff form carrying `idempotency_key`, or a staff API call carrying an
    Idempotency-Key header: claim the key, run the request, keep its answer (a form's
    redirect; a 2xx status and body, sealed under the caller's credential). A second
    submission with the key waits for the first and gets the same answer, changing nothing;
    the key sent with a different request is refused (422). A refused or failed first run
    releases the key."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cookie = session_cookie(settings)
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope.get("headers", ())}
        is_api = str(scope.get("path", "")).startswith("/api/")
        is_form = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower() == FORM
        if not is_api and not is_form:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        raw = b"".join(m.get("body", b"") for m in body)
        key = _valid(headers.get(b"idempotency-key", b"").decode("latin-1")) if is_api else None
        if not is_api:
            key = _form_key(raw)
        database: Database = scope["app"].state.db
        caller = (
            service.staff_caller(
                database,
                self.settings,
                cookie=_cookie(headers, self.cookie),
                bearer=_bearer(headers),
            )
            if key
            else None
        )
        if caller is None or key is None:
            await self.app(scope, replayer(body, receive), send)
            return
        row_key = service.key_hash(caller, key)
        request = service.fingerprint(
            caller, scope["method"], scope["path"], scope["query_string"], raw
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while (answer := service.claim(database, caller, row_key, request)) is not None:
            if not answer.same_request:
                await _refuse(send, 422, is_api)
                return
            if answer.status != service.RUNNING:
                await _replay(send, answer)
                return
            if time.monotonic() > deadline:
                await _refuse(send, 409, is_api)
                return
            await asyncio.sleep(0.05)
        await self._first(scope, replayer(body, receive), send, database, caller, row_key, is_api)

    async def _first(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        database: Database,
        caller: service.Caller,
        row_key: str,
        is_api: bool,
    ) -> None:
        """Run the claimed submission; keep its answer if it succeeded, else free the key."""
        start: dict[str, object] = {}
        chunks: list[bytes] = []

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(status=message["status"], headers=message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except BaseException:
            service.release(database, row_key)
            raise
        status = start.get("status")
        sent = {bytes(n).lower(): bytes(v) for n, v in start.get("headers", [])}  # type: ignore[attr-defined]
        # a success: any 2xx (an API body, or a form's page that shows what was made, such
        # as an invitation link: sealed like an API body), or a form's redirect
        kept = isinstance(status, int) and (
            200 <= status < 300
            or (not is_api and status in service.REDIRECTS and b"location" in sent)
        )
        if not kept or not isinstance(status, int):
            service.release(database, row_key)
            return
        answer = service.Answer(
            status=status,
            location=sent.get(b"location", b"").decode("latin-1"),
            content_type=sent.get(b"content-type", b"").decode("latin-1"),
            body=b"".join(chunks) if 200 <= status < 300 else b"",
        )
        service.answered(database, caller, row_key, answer)


def _valid(key: str) -> str | None:
    return key if IDEMPOTENCY_RE.match(key) else None


def _form_key(body: bytes) -> str | None:
    values = parse_qs(body.decode("utf-8", "replace")).get("idempotency_key", [])
    return _valid(values[0]) if len(values) == 1 else None


def _bearer(headers: dict[bytes, bytes]) -> str | None:
    value = headers.get(b"authorization", b"").decode("latin-1")
    return value[7:].strip() or None if value.lower().startswith("bearer ") else None


def _cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    try:
        morsel = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1")).get(name)
    except CookieError:
        return None
    return morsel.value if morsel is not None else None


async def _replay(send: Send, answer: service.Answer) -> None:
    headers = [(b"idempotent-replayed", b"true")]
    if answer.location:
        headers.append((b"location", answer.location.encode("latin-1")))
    if answer.content_type:
        headers.append((b"content-type", answer.content_type.encode("latin-1")))
    await _send(send, answer.status, headers, answer.body)


async def _refuse(send: Send, status: int, is_api: bool) -> None:
    title, message = MESSAGES[status]
    if is_api:
        error = {"status": status, "title": title, "message": message}
        body = json.dumps({"error": error}).encode()
        await _send(send, status, [(b"content-type", JSON)], body)
        return
    page = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>"
    await _send(send, status, [(b"content-type", HTML)], page.encode())


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
