"""A tiny asyncio HTTP/1.1 client for load generation: keep-alive, no dependencies.

Load generators in Python are easily slower than the server they measure; this one does
the minimum per request so the figures describe the server, not the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from urllib.parse import urlencode

REQUEST_TIMEOUT = 30.0
RETRIES: dict[str, int] = {}  # why requests were sent a second time, by exception type


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Conn:
    """One keep-alive connection to host:port."""

    def __init__(self, host: str, port: int, cookie: str = "") -> None:
        self.host = host
        self.port = port
        self.cookie = cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**20)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
            self.writer = None

    def _head(self, method: str, path: str, extra: dict[str, str], length: int | None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        for k, v in extra.items():
            lines.append(f"{k}: {v}")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        for attempt in range(2):
            if self.writer is None:
                await self.open()
            assert self.reader is not None and self.writer is not None
            extra = dict(headers or {})
            body = b""
            if form is not None:
                body = urlencode(form).encode()
                extra["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                self.writer.write(
                    self._head(method, path, extra, len(body) if form is not None else None) + body
                )
                return await asyncio.wait_for(self._read_response(method), timeout=REQUEST_TIMEOUT)
            except (ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
                RETRIES[type(exc).__name__] = RETRIES.get(type(exc).__name__, 0) + 1
                await self.close()
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    async def _read_response(self, method: str) -> Response:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        body = b""
        if method == "HEAD":
            pass
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(chunks)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body)


class EventStream:
    """An SSE subscription read incrementally; yields the data of each `changed` event."""

    def __init__(self, host: str, port: int, path: str, cookie: str) -> None:
        self.conn = Conn(host, port, cookie)
        self.path = path
        self.buffer = b""

    async def open(self) -> None:
        await self.conn.open()
        assert self.conn.writer is not None and self.conn.reader is not None
        self.conn.writer.write(
            self.conn._head("GET", self.path, {"Accept": "text/event-stream"}, None)
        )
        head = await self.conn.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        if status != 200:
            raise RuntimeError(f"event stream answered {status}")

    async def next_event(self) -> str:
        assert self.conn.reader is not None
        while True:
            idx = self.buffer.find(b"event: changed\ndata: ")
            if idx >= 0:
                end = self.buffer.find(b"\n", idx + 21)
                if end >= 0:
                    data = self.buffer[idx + 21 : end].decode()
                    self.buffer = self.buffer[end:]
                    return data
            chunk = await self.conn.reader.read(65536)
            if not chunk:
                raise ConnectionError("event stream closed")
            self.buffer += chunk

    def buffered(self) -> set[str]:
        """The events already received and not yet read (htmx's `queue last`: one fetch
        answers all the triggers that arrived while the previous one was in flight)."""
        found: set[str] = set()
        marker = b"event: changed\ndata: "
        while (idx := self.buffer.find(marker)) >= 0:
            end = self.buffer.find(b"\n", idx + len(marker))
            if end < 0:
                break
            found.add(self.buffer[idx + len(marker) : end].decode())
            self.buffer = self.buffer[end:]
        return found

    async def close(self) -> None:
        await self.conn.close()


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


async def closed_loop(
    make_request: callable,  # type: ignore[valid-type]
    *,
    clients: int,
    duration: float,
) -> tuple[int, list[float], int]:
    """Run `clients` workers issuing requests back to back for `duration` seconds.

    Returns (completed requests, latencies in seconds, errors)."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def worker(n: int) -> None:
        nonlocal errors
        state: dict[str, object] = {}
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = await make_request(n, state)
            except Exception:
                ok = False
            latencies.append(time.perf_counter() - started)
            if not ok:
                errors += 1

    await asyncio.gather(*(worker(i) for i in range(clients)))
    return len(latencies), latencies, errors
