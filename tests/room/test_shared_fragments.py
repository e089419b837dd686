"""The participant results region is rendered once per change and shared, never stale, never
carrying anything of the viewer it was first rendered for; tally events are batched."""

from __future__ import annotations

import asyncio
import contextlib
import re

import pytest

from app.live import bus as live_bus
from app.room.fragments import SharedFragments
from tests.room.conftest import Room
from tests.room.helpers import SMALL_BATCH


def _live_round_with_results(room: Room) -> tuple[object, list[object], str]:
    facilitator = room.staff("facilitator")
    item = room.contribution.id
    facilitator.post(f"/w/{room.wid}/console/items/{item}/start")
    facilitator.post(f"/w/{room.wid}/console/items/{item}/intake", {"open": "1"})
    people = [room.participant(i)[0] for i in range(3)]
    page = people[0].get(f"/w/{room.wid}/room")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    people[0].post(
        f"/w/{room.wid}/room/proposals", {"text": "A joint fund", "idempotency_key": key}
    )
    facilitator.post(f"/w/{room.wid}/console/items/{item}/reveal", {"override_reason": SMALL_BATCH})
    facilitator.post(f"/w/{room.wid}/console/items/{item}/results", {"shown": "1"})
    page = people[1].get(f"/w/{room.wid}/room")
    proposal_id = re.search(r'id="p-([0-9a-f]+)"', page.text).group(1)
    return facilitator, people, proposal_id


def test_results_are_shared_and_change_only_when_published(room: Room) -> None:
    """One rendering serves every participant; a reaction changes nothing anyone sees (no
    differencing of live figures); a publication changes it for everyone at once."""
    facilitator, people, proposal_id = _live_round_with_results(room)
    cache: SharedFragments = room.app.state.fragments  # type: ignore[attr-defined]
    region = f"/w/{room.wid}/room/region/results"
    first = people[1].get(region).text
    assert "No results have been published yet." in first
    hits = cache.hits
    assert people[2].get(region).text == first  # byte for byte: one rendering serves both
    assert cache.hits == hits + 1
    voters = [room.participant(i)[0] for i in range(3, 6)]
    for who, value in zip(people + voters, ("agree", "disagree", "pass", "agree", "agree")):
        reacted = who.post(f"/w/{room.wid}/room/proposals/{proposal_id}/react", {"value": value})
        assert reacted.status_code == 303
        assert people[0].get(region).text == first  # nothing published: nothing changed
    item = room.contribution.id
    assert facilitator.post(f"/w/{room.wid}/console/items/{item}/publish").status_code == 303
    after = people[0].get(region).text
    assert after != first and "Published on" in after and "Broad support" in after
    assert people[1].get(region).text == after
    assert people[0].get(f"/w/{room.wid}/room").text.count("Broad support") >= 1  # the page too
    for browser in people:
        assert browser.token and browser.token not in after  # no viewer's CSRF token
    staff_view = facilitator.get(f"/w/{room.wid}/room/region/results")
    assert staff_view.status_code in (200, 404)


def test_hiding_results_reaches_participants_at_once(room: Room) -> None:
    facilitator, people, _ = _live_round_with_results(room)
    region = f"/w/{room.wid}/room/region/results"
    assert "Results" in people[1].get(region).text
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/results", {"shown": ""})
    assert "Results" not in people[1].get(region).text


def test_cache_is_bypassed_when_the_bus_cannot_vouch_for_it() -> None:
    bus = live_bus.MemoryBus()  # never started: changes from elsewhere would go unheard
    cache = SharedFragments()
    calls: list[int] = []

    def render() -> str:
        calls.append(1)
        return "<div></div>"

    for _ in range(3):
        cache.get_or_render(bus, workshop_id="w", region="results", key=("i",), render=render)
    assert len(calls) == 3


def test_entry_rendered_during_a_change_is_never_served() -> None:
    """The revision is read before rendering: a change that lands meanwhile invalidates."""

    async def scenario() -> list[str]:
        bus = live_bus.MemoryBus()
        await bus.start()
        cache = SharedFragments()
        seen: list[str] = []

        def stale_render() -> str:
            bus.publish("w", "results")  # a reaction commits while we render
            return "old"

        seen.append(
            cache.get_or_render(bus, workshop_id="w", region="results", key=1, render=stale_render)
        )
        seen.append(
            cache.get_or_render(bus, workshop_id="w", region="results", key=1, render=lambda: "new")
        )
        seen.append(
            cache.get_or_render(
                bus, workshop_id="w", region="results", key=1, render=lambda: "newer"
            )
        )
        return seen

    assert asyncio.run(scenario()) == ["old", "new", "new"]


def test_a_burst_of_tally_changes_becomes_a_few_batched_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live_bus, "THROTTLE_SECONDS", 0.2)

    async def scenario() -> tuple[list[list[str]], float]:
        bus = live_bus.MemoryBus()
        await bus.start()
        batches: list[list[str]] = []
        async with bus.subscribe("w") as sub:

            async def consume() -> None:  # a browser that reads every event as it comes
                while True:
                    batches.append(await sub.next_batch())

            reader = asyncio.create_task(consume())
            loop = asyncio.get_running_loop()
            started = loop.time()
            for i in range(300):  # 300 reactions over about 0.6 s
                bus.publish("w", "results")
                if i == 150:
                    bus.publish("w", "agenda")  # other regions are never held back
                await asyncio.sleep(0.002)
            took = loop.time() - started
            await asyncio.sleep(0.4)  # the trailing batch
            reader.cancel()
        return batches, took

    batches, took = asyncio.run(scenario())
    pushes = sum(batch.count("results") for batch in batches)
    assert any("agenda" in b for b in batches)
    assert batches[-1] == ["results"]  # the last change is never dropped
    # at once, then at most one every 0.2 s: a handful of events, not 300
    assert 2 <= pushes <= took / 0.2 + 2, (pushes, took)


def test_tally_events_slow_down_as_the_room_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each event makes every stream refetch: a large room gets them less often."""
    monkeypatch.setattr(live_bus, "THROTTLE_SECONDS", 0.05)
    monkeypatch.setattr(live_bus, "FETCHES_PER_SECOND", 50)
    assert live_bus.throttle_interval(1) == 0.05
    assert live_bus.throttle_interval(20) == pytest.approx(0.4)

    async def scenario() -> list[int]:
        bus = live_bus.MemoryBus()
        await bus.start()
        counts = [0] * 20
        async with contextlib.AsyncExitStack() as stack:
            subs = [await stack.enter_async_context(bus.subscribe("w")) for _ in counts]

            async def consume(n: int) -> None:
                while True:
                    counts[n] += (await subs[n].next_batch()).count("results")

            readers = [asyncio.create_task(consume(n)) for n in range(len(subs))]
            for _ in range(100):  # reactions for about one second
                bus.publish("w", "results")
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.5)
            for reader in readers:
                reader.cancel()
        return counts

    counts = asyncio.run(scenario())
    # at once, then every 0.4 s (not every 0.05 s: that would be about 20 events each)
    assert all(2 <= c <= 5 for c in counts), counts


def test_cache_is_off_when_other_processes_write_to_the_same_sqlite_file() -> None:
    async def scenario() -> int:
        bus = live_bus.MemoryBus(alone=False)  # their changes would never bump our revisions
        await bus.start()
        calls: list[int] = []
        cache = SharedFragments()
        for _ in range(3):
            cache.get_or_render(
                bus, workshop_id="w", region="results", key=1, render=lambda: str(calls.append(1))
            )
        return len(calls)

    assert asyncio.run(scenario()) == 3


def test_more_than_one_server_process_on_sqlite_means_no_cache(
    monkeypatch: pytest.MonkeyPatch, settings
) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    sqlite = SimpleNamespace(engine=SimpleNamespace(dialect=SimpleNamespace(name="sqlite")))
    monkeypatch.setenv("TRACKTWO_WORKERS", "2")
    assert not live_bus.make_bus(settings, sqlite).alone  # type: ignore[arg-type]
    monkeypatch.setenv("TRACKTWO_WORKERS", "1")
    assert live_bus.make_bus(settings, sqlite).alone  # type: ignore[arg-type]


def test_serve_runs_one_process_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    import uvicorn

    from app import cli

    seen: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", "sqlite:///var/unused.db")
    monkeypatch.setenv("TRACKTWO_WORKERS", "4")
    cli.get_settings.cache_clear()
    try:
        cli.cmd_serve(argparse.Namespace(workers=None, host="127.0.0.1", port=8000))
    finally:
        cli.get_settings.cache_clear()
    assert seen["workers"] == 1


def test_expired_entries_are_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> int:
        bus = live_bus.MemoryBus()
        await bus.start()
        cache = SharedFragments(ttl=0.05)
        cache.get_or_render(bus, workshop_id="w", region="results", key=1, render=lambda: "hid")
        await asyncio.sleep(0.06)
        cache.get_or_render(bus, workshop_id="v", region="results", key=2, render=lambda: "x")
        return sum("hid" in entry[2] for entry in cache._entries.values())

    assert asyncio.run(scenario()) == 0
