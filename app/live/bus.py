"""The live event bus: which region of which workshop changed. Never any content.

One process: an in-process fan-out. Several processes on PostgreSQL: LISTEN/NOTIFY, so any
instance can serve any participant. Each subscriber keeps a set of changed regions, so a
burst of changes coalesces into one event per region. Tallies ("results") change with every
reaction: they go out at most every THROTTLE_SECONDS per workshop, longer in a large room
(throttle_interval), first at once, the rest batched: a burst of a thousand reactions is a
few events, not a million pushes, and the refetches they cause stay bounded.

The bus also keeps a revision per workshop and region, bumped at every change this process
publishes or hears of: app.room.fragments caches what every participant sees alike under it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from app.config import Settings
from app.db import Database

log = logging.getLogger("tracktwo.live")
CHANNEL = "tracktwo_live"
REGIONS = frozenset(
    {"agenda", "proposals", "results", "queue", "timer", "notes", "rules", "workshop", "summary"}
)
THROTTLED = frozenset({"results"})
THROTTLE_SECONDS = 0.5
FETCHES_PER_SECOND = 200  # the refetch rate tally events may ask of one process (~half a core)
_revision_counter = itertools.count(1)  # next() is atomic: publish may run in a worker thread


def throttle_interval(audience: int) -> float:
    """Seconds between two tally events for a workshop with `audience` open streams.

    Every event makes each stream fetch a fragment, so the interval grows with the room:
    THROTTLE_SECONDS up to FETCHES_PER_SECOND / THROTTLE_SECONDS streams, then one fetch per
    stream per audience / FETCHES_PER_SECOND seconds (a room of 1,000: every 5 s), which
    keeps the refetch load bounded and leaves the server room for the reactions themselves.
    """
    return max(THROTTLE_SECONDS, audience / FETCHES_PER_SECOND)


class Throttle:
    """Call fire(workshop, region) at once, then at most every `interval(workshop)` seconds
    per key; the changes in between go out together at the end of the interval (none is
    dropped)."""

    def __init__(
        self,
        fire: Callable[[str, str], None],
        interval: Callable[[str], float] = lambda _workshop_id: THROTTLE_SECONDS,
    ) -> None:
        self.fire = fire
        self.interval = interval
        self.last: dict[tuple[str, str], float] = {}
        self.held: set[tuple[str, str]] = set()

    def offer(self, loop: asyncio.AbstractEventLoop, workshop_id: str, region: str) -> None:
        key = (workshop_id, region)
        if key in self.held:
            return  # a batch is already waiting; it carries this change too
        wait = self.last.get(key, 0.0) + self.interval(workshop_id) - time.monotonic()
        if wait <= 0:
            self._send(key)
            return
        self.held.add(key)
        loop.call_later(wait, self._send, key)

    def _send(self, key: tuple[str, str]) -> None:
        self.held.discard(key)
        now = time.monotonic()
        self.last[key] = now
        if len(self.last) > 10_000:  # forget quiet workshops
            self.last = {k: t for k, t in self.last.items() if t > now - THROTTLE_SECONDS}
        self.fire(*key)


class Subscription:
    """One browser's stream: the regions changed since it last looked."""

    __slots__ = ("pending", "wake", "workshop_id")

    def __init__(self, workshop_id: str) -> None:
        self.workshop_id = workshop_id
        self.pending: set[str] = set()
        self.wake = asyncio.Event()

    def push(self, region: str) -> None:
        self.pending.add(region)
        self.wake.set()

    async def next_batch(self) -> list[str]:
        await self.wake.wait()
        self.wake.clear()
        batch = sorted(self.pending)
        self.pending.clear()
        return batch


class MemoryBus:
    """In-process fan-out, for one process."""

    def __init__(self, *, alone: bool = True) -> None:
        self.alone = alone  # the only process writing to this database (see make_bus)
        self.subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.revisions: dict[tuple[str, str], int] = {}
        self._fan_out_throttle = Throttle(self._fan_out, self._interval)

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        self.subscribers.clear()

    def revision(self, workshop_id: str, *regions: str) -> tuple[int, ...]:
        """Changes whenever one of these regions of the workshop changes."""
        return tuple(self.revisions.get((workshop_id, region), 0) for region in regions)

    def bump(self, workshop_id: str, region: str) -> None:
        self.revisions[(workshop_id, region)] = next(_revision_counter)

    @property
    def listening(self) -> bool:
        """Whether every change reaches this process (a cache may trust the revisions): not
        when other processes write to the same SQLite database, whose changes it never hears."""
        return self.loop is not None and self.alone

    def deliver(self, workshop_id: str, region: str) -> None:
        """Tell this process's subscribers (throttled regions: at most every THROTTLE_SECONDS)."""
        self.bump(workshop_id, region)
        if region in THROTTLED and self.loop is not None:
            self._fan_out_throttle.offer(self.loop, workshop_id, region)
        else:
            self._fan_out(workshop_id, region)

    def _interval(self, workshop_id: str) -> float:
        return throttle_interval(len(self.subscribers.get(workshop_id, ())))

    def _fan_out(self, workshop_id: str, region: str) -> None:
        for sub in list(self.subscribers.get(workshop_id, ())):
            sub.push(region)

    def publish(self, workshop_id: str, region: str) -> None:
        """Thread-safe: may be called from the event loop or from a worker thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        self.bump(workshop_id, region)  # at once, whichever thread commits
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.deliver(workshop_id, region)
        else:
            loop.call_soon_threadsafe(self.deliver, workshop_id, region)

    @contextlib.asynccontextmanager
    async def subscribe(self, workshop_id: str) -> AsyncIterator[Subscription]:
        sub = Subscription(workshop_id)
        self.subscribers[workshop_id].add(sub)
        try:
            yield sub
        finally:
            subs = self.subscribers.get(workshop_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    self.subscribers.pop(workshop_id, None)

    def connection_count(self) -> int:
        return sum(len(s) for s in self.subscribers.values())


class PostgresBus(MemoryBus):
    """LISTEN/NOTIFY across processes; each process fans out to its own subscribers."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self._listener: Any = None
        self._sender: Any = None
        self._task: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()
        self._notify_throttle = Throttle(self._notify_soon)
        self._sending: set[asyncio.Task[None]] = set()

    @property
    def listening(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        import psycopg

        await super().start()
        self._listener = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        self._sender = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        await self._listener.execute(f"LISTEN {CHANNEL}")
        self._task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        try:
            async for note in self._listener.notifies():
                workshop_id, _, region = note.payload.partition(":")
                self.deliver(workshop_id, region)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live listener stopped")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for conn in (self._listener, self._sender):
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
        await super().stop()

    async def _notify(self, workshop_id: str, region: str) -> None:
        async with self._send_lock:
            try:
                await self._sender.execute(
                    "SELECT pg_notify(%s, %s)", (CHANNEL, f"{workshop_id}:{region}")
                )
            except Exception:
                log.exception("live notify failed")

    def publish(self, workshop_id: str, region: str) -> None:
        loop = self.loop
        if loop is None or loop.is_closed() or self._sender is None:
            return
        self.bump(workshop_id, region)  # this process's cache is stale now, not at the echo
        if region in THROTTLED:
            loop.call_soon_threadsafe(self._notify_throttle.offer, loop, workshop_id, region)
        else:
            loop.call_soon_threadsafe(self._notify_soon, workshop_id, region)

    def _notify_soon(self, workshop_id: str, region: str) -> None:
        assert self.loop is not None
        task = self.loop.create_task(self._notify(workshop_id, region))
        self._sending.add(task)  # keep a reference until it is done
        task.add_done_callback(self._sending.discard)


Bus = MemoryBus


def server_processes() -> int:
    """How many server processes share the database (`tracktwo serve --workers`)."""
    try:
        return max(1, int(os.environ.get("TRACKTWO_WORKERS", "1") or "1"))
    except ValueError:
        return 1


def make_bus(settings: Settings, database: Database) -> MemoryBus:
    if database.engine.dialect.name == "postgresql":
        return PostgresBus(settings.database_url)
    return MemoryBus(alone=server_processes() == 1)


def changed(db: Session, workshop_id: str, *regions: str) -> None:
    """Queue change events; they are published only after the transaction commits."""
    pending: set[tuple[str, str]] = db.info.setdefault("live_events", set())
    for region in regions:
        if region not in REGIONS:
            raise ValueError(f"unknown live region {region!r}")
        pending.add((workshop_id, region))


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    """Publish the events a transaction queued, once it has committed."""
    events: set[tuple[str, str]] = session.info.pop("live_events", set())
    bus: MemoryBus | None = session.info.get("bus")
    if bus is None:
        return
    for workshop_id, region in sorted(events):
        bus.publish(workshop_id, region)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop("live_events", None)
