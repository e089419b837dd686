"""ASGI middleware: request log line, security headers, body limit, locale, CSRF cookie."""

from __future__ import annotations

import logging
import time
import traceback
from http.cookies import SimpleCookie
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n, policy
from app.config import Settings
from app.security import csrf

log = logging.getLogger("tracktwo.request")


def content_security_policy(settings: Settings) -> str:
    scripts = "'self'"
    if settings.htmx_source == "cdn":
        scripts += " " + settings.htmx_cdn_url
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class TooLarge(HTTPException):
    """Raised while reading a body past the limit. An HTTPException, so that FastAPI's body
    parsing passes it on (rather than turning it into a 400) and the error handler renders 413."""

    def __init__(self) -> None:
        super().__init__(413, "The request body is too large.")


class TracktwoMiddleware:
    """Everything that wraps each request, as one pure ASGI layer (safe for SSE streams)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.csp = content_security_policy(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        scope.setdefault("state", {})
        cookies = _cookies(headers.get("cookie", ""))
        locale = i18n.negotiate(cookies.get("tt_lang"), headers.get("accept-language"))
        i18n.current_locale.set(locale)
        policy.start_recording()
        status_holder = {"status": 500}

        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.settings.max_body_bytes:
            await self._too_large(scope, send)
            self._log(scope, 413, started)
            return

        received = 0
        limit = self.settings.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge()
            return message

        async def wrapped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message["headers"] = self._headers(scope, message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, limited_receive, wrapped_send)
        except TooLarge:
            await self._too_large(scope, send)
            status_holder["status"] = 413
        finally:
            self._log(scope, status_holder["status"], started)

    def _headers(self, scope: Scope, raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {k.lower() for k, _ in raw}
        out = list(raw)

        def add(name: str, value: str) -> None:
            if name.encode() not in present:
                out.append((name.encode(), value.encode()))

        add("content-security-policy", self.csp)
        add("x-content-type-options", "nosniff")
        add("referrer-policy", "no-referrer")
        add("x-frame-options", "DENY")
        add("cross-origin-opener-policy", "same-origin")
        add("permissions-policy", "camera=(), microphone=(), geolocation=()")
        if not scope["path"].startswith("/static/"):
            add("cache-control", "no-store")
        if self.settings.https:
            add("strict-transport-security", "max-age=63072000; includeSubDomains")
        state = scope.get("state", {})
        token = state.get("set_anon_csrf")
        if token:
            secure = "; Secure" if self.settings.https else ""
            cookie = f"{csrf.anon_cookie(self.settings)}={token}; Path=/; HttpOnly; SameSite=Lax"
            out.append((b"set-cookie", (cookie + secure).encode()))
        return out

    async def _too_large(self, scope: Scope, send: Send) -> None:
        is_api = scope["path"].startswith("/api/")
        if is_api:
            body = (
                b'{"error":{"status":413,"title":"Too large",'
                b'"message":"The request body is too large."}}'
            )
            ctype = b"application/json"
        else:
            body = b"<!doctype html><title>Too large</title><p>The request body is too large.</p>"
            ctype = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": self._headers(
                    scope, [(b"content-type", ctype), (b"connection", b"close")]
                ),
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _log(self, scope: Scope, status: int, started: float) -> None:
        template = route_template(scope)
        duration_ms = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s %s %.1fms",
            scope["method"],
            template,
            status,
            duration_ms,
            extra={
                "method": scope["method"],
                "route": template,
                "status": status,
                "duration_ms": round(duration_ms, 1),
            },
        )


class DropRecords(logging.Filter):
    """Drops every record: for uvicorn's access log, which would write client addresses,
    query strings and paths holding invitation tokens (`tracktwo serve` also turns it off; this
    holds when uvicorn or gunicorn is run by hand)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


class WithholdExceptionText(logging.Filter):
    """Keeps a logged exception's type and stack frames but not its message, which may quote
    request data (a database error quotes the statement's parameters). uvicorn logs every
    unhandled exception of a request this way, after the error page has been sent."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
            name = f"{type(exc).__module__}.{type(exc).__qualname__}"
            record.msg = f"{str(record.msg).strip()} {name} (message withheld)\n{frames}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def install_log_filters() -> None:
    """Idempotent: attach the filters above to uvicorn's loggers."""
    for name, kind in (("uvicorn.access", DropRecords), ("uvicorn.error", WithholdExceptionText)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())


def route_template(scope: Scope) -> str:
    """The matched route's template, with the router prefix (/api/v1/...): never the ids,
    tokens or other values of the request path."""
    path: str = scope["path"]
    if path.startswith("/static/"):
        return "/static/*"
    if scope.get("route") is None:
        return "<unmatched>"
    names = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    return "/".join(f"{{{names[seg]}}}" if seg in names else seg for seg in path.split("/"))


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def state_of(scope: Scope) -> dict[str, Any]:
    state: dict[str, Any] = scope.setdefault("state", {})
    return state
