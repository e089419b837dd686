"""A write whose body is still arriving holds no database connection (and so, on SQLite, not
the write lock that BEGIN IMMEDIATE takes): the body is read whole before the app runs."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.asgi import http_scope
from tests.room.conftest import Room


def test_no_connection_is_held_while_a_write_body_trickles_in(room: Room) -> None:
    browser, _ = room.participant(0)
    token = browser.ensure_token()
    cookie = "; ".join(f"{k}={v}" for k, v in browser.client.cookies.items())
    body = f"csrf_token={token}".encode()
    app: Any = room.app
    pool = app.state.db.engine.pool

    async def scenario() -> tuple[int, int]:
        arrived = asyncio.Event()
        parts = [body[:10], body[10:]]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if len(parts) == 1:
                await arrived.wait()  # the rest of the body is still on the network
            chunk = parts.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        path = f"/w/{room.wid}/room/queue"  # no form field of its own: CSRF reads the body
        scope = http_scope(
            "POST",
            path,
            [
                (b"origin", b"http://testserver"),
                (b"cookie", cookie.encode()),
                (b"content-type", b"application/x-www-form-urlencoded"),
            ],
        )
        call = asyncio.create_task(app(scope, receive, send))
        await asyncio.sleep(0.1)
        held = pool.checkedout()
        arrived.set()
        await call
        return held, sent[0]["status"]

    held, status = asyncio.run(scenario())
    assert held == 0
    assert status in (303, 409)  # answered normally once the body is in
