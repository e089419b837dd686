"""Oversized bodies are refused with 413 before they are read whole: also a streamed body
without Content-Length (chunked), which the declared-length check cannot see."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.asgi import http_scope

CHUNK = 64 * 1024


async def _call(
    app: Any, path: str, headers: list[tuple[bytes, bytes]], chunks: int
) -> tuple[int, int, bytes]:
    """Send up to `chunks` chunks of body; return status, bytes the app pulled, response body."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks * CHUNK:
            return {"type": "http.disconnect"}
        pulled += CHUNK
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": pulled < chunks * CHUNK}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = http_scope("POST", path, headers)
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], pulled, body


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/api/v1/workshops/0123456789abcdef0123456789abcdef/notes", b"application/json"),
        ("/login", b"application/x-www-form-urlencoded"),
        ("/api/v1/workshops/0123456789abcdef0123456789abcdef/room/proposals", b"application/json"),
    ],
)
def test_streamed_body_without_length_is_cut_off(
    settings: Settings, database: Database, path: str, ctype: bytes
) -> None:
    app = create_app(settings, database)
    limit = settings.max_body_bytes
    chunks = 200  # 12.5 MiB on offer, far beyond the 1 MB limit
    status, pulled, body = asyncio.run(
        _call(app, path, [(b"content-type", ctype), (b"transfer-encoding", b"chunked")], chunks)
    )
    assert status == 413, body[:300]
    assert pulled <= limit + CHUNK, f"read {pulled} bytes before refusing"
    assert pulled < chunks * CHUNK


def test_declared_length_over_the_limit_is_refused_unread(
    settings: Settings, database: Database
) -> None:
    app = create_app(settings, database)
    declared = str(settings.max_body_bytes + 1).encode()
    status, pulled, body = asyncio.run(
        _call(
            app,
            "/api/v1/workshops/0123456789abcdef0123456789abcdef/notes",
            [(b"content-type", b"application/json"), (b"content-length", declared)],
            20,
        )
    )
    assert status == 413
    assert pulled == 0
    assert b"too large" in body.lower()


def test_a_body_under_the_limit_is_read(settings: Settings, database: Database) -> None:
    app = create_app(settings, database)
    status, pulled, _ = asyncio.run(
        _call(app, "/login", [(b"content-type", b"application/x-www-form-urlencoded")], 2)
    )
    assert status != 413
    assert pulled == 2 * CHUNK
