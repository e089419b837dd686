"""No reconnect storms (issue 17, "Connections"): every stream tells its browser its own
reconnection delay, and the server keeps idle connections open longer than the heartbeat."""

from __future__ import annotations

import argparse
import asyncio
import re

import pytest
import uvicorn

from app import cli
from app.live import bus as live_bus
from app.live import routes as live


class _Request:
    async def is_disconnected(self) -> bool:
        return True


async def _first_event() -> str:
    bus = live_bus.MemoryBus()
    await bus.start()
    stream = live._stream(bus, "w", _Request())  # type: ignore[arg-type]
    try:
        return await anext(stream)
    finally:
        await stream.aclose()


def test_each_stream_gets_its_own_reconnection_delay() -> None:
    low, high = live.RETRY_MS
    delays = []
    for _ in range(40):
        found = re.match(r"retry: (\d+)\n", asyncio.run(_first_event()))
        assert found is not None
        delays.append(int(found.group(1)))
    assert all(low <= d <= high for d in delays)
    assert len(set(delays)) > 20  # spread out, not one instant for the whole room
    assert high - low >= 3000


def test_serve_keeps_idle_connections_past_the_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", "sqlite:///var/unused.db")
    cli.get_settings.cache_clear()
    try:
        cli.cmd_serve(argparse.Namespace(workers=None, host="127.0.0.1", port=8000))
    finally:
        cli.get_settings.cache_clear()
    assert int(str(seen["timeout_keep_alive"])) > live.HEARTBEAT_SECONDS
    assert int(str(seen["backlog"])) >= 4096
