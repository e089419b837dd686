"""Tracktwo benchmark: the real app against the bare stack, on loopback, with figures.

    python -m bench.run --quick        # under a minute: SQLite, one worker
    python -m bench.run                # full: SQLite and PostgreSQL, one and two workers

Prints a table (every figure also as a ratio to the bare stack where one applies) and
writes bench/results/<timestamp>.json and bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.httpc import Conn, EventStream, closed_loop, percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int

    def rss_kib(self) -> int:
        """Resident memory of the server and its worker processes."""
        total = 0
        pids = [self.proc.pid]
        with contextlib.suppress(FileNotFoundError):
            children = (
                Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            )
            pids += [int(p) for p in children]
        for pid in pids:
            with contextlib.suppress(FileNotFoundError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total


@contextlib.contextmanager
def serve(app: str, env: dict[str, str], workers: int) -> Iterator[Server]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-keep-alive",
        "75",
        "--workers",
        str(workers),
    ]
    server_log = os.environ.get("BENCH_SERVER_LOG")  # a file for the servers' request logs
    out = open(server_log, "ab") if server_log else subprocess.DEVNULL  # noqa: SIM115
    env = {**os.environ, **env, "TRACKTWO_WORKERS": str(workers)}  # as `tracktwo serve` sets it
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not start")
        if app.startswith("bench.bare_app"):
            urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=5).read()
        yield Server(proc, port)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def log(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


def summary(count: int, latencies: list[float], errors: int, duration: float) -> dict[str, float]:
    """Throughput counts successful responses only: a fast error is not a served request."""
    return {
        "requests": count,
        "errors": errors,
        "rps": round((count - errors) / duration, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
    }


# -- scenario 1 and 2: throughput --------------------------------------------------------


async def load_get(
    port: int,
    paths: list[str],
    cookies: list[str],
    clients: int,
    duration: float,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    conns = [Conn(HOST, port, cookies[i % len(cookies)]) for i in range(clients)]

    async def one(n: int, state: dict[str, object]) -> bool:
        i = int(state.get("i", 0))  # type: ignore[call-overload]
        state["i"] = i + 1
        r = await conns[n].request("GET", paths[i % len(paths)], headers=headers)
        return r.status == 200

    count, lat, errors = await closed_loop(one, clients=clients, duration=duration)
    for c in conns:
        await c.close()
    return summary(count, lat, errors, duration)


async def load_post(port: int, make: Any, clients: int, duration: float) -> dict[str, float]:
    conns: list[Conn] = []

    async def one(n: int, state: dict[str, object]) -> bool:
        while len(conns) <= n:
            conns.append(Conn(HOST, port))
        i = int(state.get("i", 0))  # type: ignore[call-overload]
        state["i"] = i + 1
        path, form, cookie = make(n, i)
        conns[n].cookie = cookie
        r = await conns[n].request(
            "POST", path, form=form, headers={"Origin": f"http://{HOST}:{port}"}
        )
        return r.status in (200, 201, 303)

    count, lat, errors = await closed_loop(one, clients=clients, duration=duration)
    for c in conns:
        await c.close()
    return summary(count, lat, errors, duration)


# -- scenario 3: reveal to everyone ----------------------------------------------------


def room_triggers() -> dict[str, set[str]]:
    """Which room regions a participant's browser refetches on each live event, read from
    the hx-trigger attributes of templates/room/room.html (so the bench loads the server as
    htmx does, all regions an event names, not just the one it measures)."""
    html = (ROOT / "templates" / "room" / "room.html").read_text()
    triggers: dict[str, set[str]] = {}
    pattern = r'hx-get="[^"]*/room/region/(\w+)" hx-trigger="([^"]+)"'
    for region, trigger in re.findall(pattern, html):
        for event in re.findall(r"live:(\w+)", trigger):
            triggers.setdefault(event, set()).add(region)
    return triggers


async def facilitate(port: int, seeded: Any, action: str, **form: str) -> None:
    """A console action as the facilitator's browser posts it (start, finish, intake, ...)."""
    item = form.pop("item", seeded.live_item_id)
    fac = Conn(HOST, port, seeded.facilitator.cookie)
    r = await fac.request(
        "POST",
        f"/w/{seeded.workshop_id}/console/items/{item}/{action}",
        form={"csrf_token": seeded.facilitator.csrf, **form},
        headers={"Origin": f"http://{HOST}:{port}"},
    )
    await fac.close()
    assert r.status in (200, 303), (action, r.status)


async def start_live_item(port: int, seeded: Any) -> None:
    """Finish the throughput item (hundreds of proposals) and start a clean one."""
    await facilitate(port, seeded, "finish", item=seeded.item_id)
    await facilitate(port, seeded, "start")
    await facilitate(port, seeded, "intake", open="1")


async def reveal_to_all(ports: list[int], seeded: Any, n: int, reveal_port: int) -> dict[str, Any]:
    wid, item = seeded.workshop_id, seeded.live_item_id
    await start_live_item(reveal_port, seeded)
    people = seeded.participants[:n]
    # 20 pending proposals from 20 participants, through the real form POST.
    for i in range(20):
        conn = Conn(HOST, reveal_port, people[i].cookie)
        r = await conn.request(
            "POST",
            f"/w/{wid}/room/proposals",
            form={
                "text": f"Proposal {i}: a shared water commission with rotating chairs",
                "idempotency_key": os.urandom(16).hex(),
                "csrf_token": people[i].csrf,
            },
            headers={"Origin": f"http://{HOST}:{reveal_port}"},
        )
        assert r.status in (200, 303), r.status
        await conn.close()
    streams: list[EventStream] = []
    before = None
    for i, person in enumerate(people):
        stream = EventStream(HOST, ports[i % len(ports)], f"/w/{wid}/events", person.cookie)
        await stream.open()
        streams.append(stream)
    await asyncio.sleep(1.0)
    fetch_times: list[float] = []
    fetched_with: dict[str, int] = {}  # other regions the reveal's events made browsers fetch
    failures = 0
    got_all = asyncio.Event()

    triggers = room_triggers()

    async def follow(i: int, stream: EventStream) -> None:
        """Like the page: on the reveal's events, refetch every region they name."""
        nonlocal failures
        conn = Conn(HOST, ports[i % len(ports)], people[i].cookie)
        events = {await stream.next_event()}
        while "proposals" not in events:
            events.add(await stream.next_event())
        await asyncio.sleep(0.01)  # the rest of the batch
        events |= stream.buffered()
        regions = sorted(set().union(*(triggers.get(e, set()) for e in events)))
        regions.remove("proposals")
        r = await conn.request(
            "GET", f"/w/{wid}/room/region/proposals", headers={"HX-Request": "true"}
        )
        if r.status != 200 or "Proposal 19" not in r.text:
            failures += 1
        fetch_times.append(time.perf_counter() - started)
        for region in regions:  # htmx fetches these too (in parallel; here after)
            extra = await conn.request(
                "GET", f"/w/{wid}/room/region/{region}", headers={"HX-Request": "true"}
            )
            if extra.status != 200:
                failures += 1
            fetched_with[region] = fetched_with.get(region, 0) + 1
        await conn.close()
        if len(fetch_times) == len(streams):
            got_all.set()

    tasks = [asyncio.create_task(follow(i, s)) for i, s in enumerate(streams)]
    fac = Conn(HOST, reveal_port, seeded.facilitator.cookie)
    started = time.perf_counter()
    r = await fac.request(
        "POST",
        f"/w/{wid}/console/items/{item}/reveal",
        form={"csrf_token": seeded.facilitator.csrf},
        headers={"Origin": f"http://{HOST}:{reveal_port}"},
    )
    assert r.status in (200, 303), r.status
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(got_all.wait(), timeout=30)
    for t in tasks:
        t.cancel()
    await fac.close()
    return {
        "participants": len(streams),
        "received": len(fetch_times),
        "failures": failures,
        "p50_ms": round(percentile(fetch_times, 50) * 1000, 1),
        "p99_ms": round(percentile(fetch_times, 99) * 1000, 1),
        "max_ms": round(max(fetch_times, default=float("nan")) * 1000, 1),
        "streams": streams,
        "also_fetched": fetched_with,
        "before_kib": before,
    }


async def reaction_burst(
    port: int,
    seeded: Any,
    n: int,
    per_person: int,
    window: float,
    streams: list[EventStream],
    database_url: str,
) -> dict[str, Any]:
    """n participants each react to `per_person` proposals, spread over `window` seconds."""
    from sqlalchemy import create_engine, text

    wid, item = seeded.workshop_id, seeded.live_item_id
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        proposal_ids = [
            row[0]
            for row in c.execute(
                text(
                    "SELECT id FROM proposal WHERE item_id = :i AND status = 'revealed' ORDER BY id"
                ),
                {"i": item},
            )
        ][:per_person]
    await facilitate(port, seeded, "results", shown="1")
    people = seeded.participants[:n]
    acked = 0
    errors = 0
    latencies: list[float] = []
    last_ack = 0.0
    seen_final: dict[int, float] = {}
    done = asyncio.Event()

    async def watcher(i: int, stream: EventStream) -> None:
        """What htmx does: on a results event, fetch the results fragment and show it."""
        conn = Conn(HOST, port, people[i].cookie)
        while True:
            regions = {await stream.next_event()} | stream.buffered()
            if "results" not in regions:
                continue
            r = await conn.request(
                "GET", f"/w/{wid}/room/region/results", headers={"HX-Request": "true"}
            )
            if r.status == 200 and _totals_final(r.text, len(proposal_ids), n):
                seen_final[i] = time.perf_counter()
                if len(seen_final) == len(people):
                    done.set()
                return

    watchers = [asyncio.create_task(watcher(i, s)) for i, s in enumerate(streams[:n])]

    async def person(i: int) -> None:
        nonlocal acked, errors, last_ack
        conn = Conn(HOST, port, people[i].cookie)
        start_at = time.perf_counter() + (i / n) * (window / per_person)
        for j, pid in enumerate(proposal_ids):
            target = start_at + j * (window / per_person)
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            t0 = time.perf_counter()
            try:
                r = await conn.request(
                    "POST",
                    f"/w/{wid}/room/proposals/{pid}/react",
                    form={
                        "value": ("agree", "disagree", "pass")[(i + j) % 3],
                        "csrf_token": people[i].csrf,
                    },
                    headers={"Origin": f"http://{HOST}:{port}"},
                )
                ok = r.status in (200, 303)
            except Exception:
                ok = False
            latencies.append(time.perf_counter() - t0)
            if ok:
                acked += 1
                last_ack = max(last_ack, time.perf_counter())
            else:
                errors += 1
        await conn.close()

    began = time.perf_counter()
    try:
        await asyncio.wait_for(
            asyncio.gather(*(person(i) for i in range(n))), timeout=window * 2 + 10
        )
    except TimeoutError:
        log("reaction burst: senders did not finish in time")
    sent_in = time.perf_counter() - began
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=10)
    for w in watchers:
        w.cancel()
    with engine.connect() as c:
        stored = c.execute(
            text(
                "SELECT count(*) FROM reaction r JOIN proposal p ON p.id = r.proposal_id "
                "WHERE p.item_id = :i"
            ),
            {"i": item},
        ).scalar_one()
        tallied = c.execute(
            text(
                "SELECT coalesce(sum(t.count), 0) FROM reaction_tally t "
                "JOIN proposal p ON p.id = t.proposal_id WHERE p.item_id = :i"
            ),
            {"i": item},
        ).scalar_one()
    engine.dispose()
    final_lag = [t - last_ack for t in seen_final.values()]
    return {
        "reactions_sent": n * len(proposal_ids),
        "acknowledged": acked,
        "errors": errors,
        "stored": int(stored),
        "tallied": int(tallied),
        "lost": max(0, acked - int(stored)),
        "sent_in_s": round(sent_in, 2),
        "post_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "post_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "clients_with_final": len(seen_final),
        "final_p99_ms": round(percentile(final_lag, 99) * 1000, 1) if final_lag else None,
        "final_max_ms": round(max(final_lag) * 1000, 1) if final_lag else None,
    }


TOTALS_ROW = re.compile(r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>")


def _totals_final(html: str, proposals: int, reactions_each: int) -> bool:
    """The results table shows `reactions_each` reactions on each of the reacted proposals."""
    totals = [int(row[3]) for row in TOTALS_ROW.findall(html)]
    return sum(1 for t in totals if t == reactions_each) == proposals


# -- orchestration -----------------------------------------------------------------------


@dataclass
class Config:
    name: str
    database: str  # "sqlite" or "postgresql"
    workers: int
    live: bool  # live scenarios need one process per database on SQLite (in-process bus)


@dataclass
class Plan:
    quick: bool
    duration: float
    clients: int = 32
    participants: int = 1000
    reactions_each: int = 10
    burst_window: float = 10.0
    configs: list[Config] = field(default_factory=list)


def make_plan(quick: bool, pg: bool) -> Plan:
    if quick:
        plan = Plan(quick=True, duration=3.0, participants=200, reactions_each=5, burst_window=5.0)
        plan.configs = [Config("sqlite-1w", "sqlite", 1, True)]
        return plan
    plan = Plan(quick=False, duration=10.0)
    plan.configs = [Config("sqlite-1w", "sqlite", 1, True), Config("sqlite-2w", "sqlite", 2, False)]
    if pg:
        plan.configs += [
            Config("pg-1w", "postgresql", 1, True),
            Config("pg-2w", "postgresql", 2, True),
        ]
    return plan


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except Exception:
        return False


def fresh_pg(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def database_url(config: Config, tmp: Path, tag: str) -> str:
    if config.database == "sqlite":
        return f"sqlite:///{tmp / (tag + '.db')}"
    return fresh_pg(f"tt_bench_{tag}")


def app_env(url: str) -> dict[str, str]:
    return {
        "TRACKTWO_DATABASE_URL": url,
        "TRACKTWO_ENV": "test",
        "TRACKTWO_HTMX_SOURCE": "local",
        "TRACKTWO_LOG_LEVEL": "INFO" if os.environ.get("BENCH_SERVER_LOG") else "WARNING",
        "TRACKTWO_PUBLIC_BASE_URL": f"http://{HOST}",
    }


def cookie_names() -> tuple[str, str]:
    from app.config import Settings
    from app.security import sessions

    settings = Settings(env="test")
    return sessions.session_cookie(settings), sessions.author_cookie(settings)


def ratio(app_value: float, bare_value: float) -> float | None:
    return round(app_value / bare_value, 2) if bare_value else None


async def measure_config(config: Config, plan: Plan, tmp: Path) -> dict[str, Any]:
    from app.config import Settings
    from bench.seed import seed

    out: dict[str, Any] = {"config": config.name}
    bare_url = database_url(config, tmp, f"bare_{config.name.replace('-', '_')}")
    log("bare stack")
    # Tables and rows first, once: two workers seeding at start-up would race each other.
    subprocess.run(
        [sys.executable, "-c", "import bench.bare_app as b; b.seed()"],
        cwd=ROOT,
        env={**os.environ, "BARE_DATABASE_URL": bare_url},
        check=True,
    )
    with serve("bench.bare_app:app", {"BARE_DATABASE_URL": bare_url}, config.workers) as bare:
        out["bare_page"] = await load_get(bare.port, ["/"], [""], plan.clients, plan.duration)
        out["bare_post"] = await load_post(
            bare.port,
            lambda n, i: ("/rows", {"text": f"row {n}-{i}"}, ""),
            plan.clients,
            plan.duration,
        )
    url = database_url(config, tmp, f"app_{config.name.replace('-', '_')}")
    settings = Settings(env="test", database_url=url)
    log("seeding")
    t0 = time.perf_counter()
    seeded = seed(settings, plan.participants, cookie_names())
    out["seed_s"] = round(time.perf_counter() - t0, 1)
    with serve("app.asgi:app", app_env(url), config.workers) as srv:
        wid = seeded.workshop_id
        cookies = [p.cookie for p in seeded.participants[:64]]
        log("room page")
        out["room_page"] = await load_get(
            srv.port, [f"/w/{wid}/room"], cookies, plan.clients, plan.duration
        )
        fragments = [
            f"/w/{wid}/room/region/{r}" for r in ("proposals", "results", "timer", "agenda")
        ]
        out["room_fragments"] = await load_get(
            srv.port,
            fragments,
            cookies,
            plan.clients,
            plan.duration,
            headers={"HX-Request": "true"},
        )
        people = seeded.participants

        def proposal_post(n: int, i: int) -> tuple[str, dict[str, str], str]:
            person = people[n % len(people)]
            return (
                f"/w/{wid}/room/proposals",
                {
                    "text": f"Proposal from client {n}, number {i}",
                    "idempotency_key": os.urandom(16).hex(),
                    "csrf_token": person.csrf,
                },
                person.cookie,
            )

        log("proposal POST")
        out["proposal_post"] = await load_post(srv.port, proposal_post, plan.clients, plan.duration)
        out["ratios"] = {
            "room_page_rps": ratio(out["room_page"]["rps"], out["bare_page"]["rps"]),
            "fragments_rps": ratio(out["room_fragments"]["rps"], out["bare_page"]["rps"]),
            "proposal_post_rps": ratio(out["proposal_post"]["rps"], out["bare_post"]["rps"]),
        }
        if config.live:
            log("reveal to all")
            base = srv.rss_kib()
            reveal = await reveal_to_all([srv.port], seeded, plan.participants, srv.port)
            streams = reveal.pop("streams")
            with_streams = srv.rss_kib()
            reveal["rss_before_kib"] = base
            reveal["rss_with_streams_kib"] = with_streams
            reveal["kib_per_connection"] = round((with_streams - base) / max(1, len(streams)), 1)
            out["reveal"] = reveal
            log("reaction burst")
            out["reaction_post_and_burst"] = await reaction_burst(
                srv.port,
                seeded,
                plan.participants,
                plan.reactions_each,
                plan.burst_window,
                streams,
                url,
            )
            for s in streams:
                await s.close()
    if config.database == "postgresql" and config.workers == 1 and not plan.quick:
        out["two_instances"] = await two_instances(plan, tmp)
    return out


async def two_instances(plan: Plan, tmp: Path) -> dict[str, Any]:
    """Scenario 5: half the participants on instance A, half on B; the reveal is done on A."""
    from app.config import Settings
    from bench.seed import seed

    url = fresh_pg("tt_bench_two")
    seeded = seed(Settings(env="test", database_url=url), plan.participants, cookie_names())
    with serve("app.asgi:app", app_env(url), 1) as a, serve("app.asgi:app", app_env(url), 1) as b:
        result = await reveal_to_all([a.port, b.port], seeded, plan.participants, a.port)
        for s in result.pop("streams"):
            await s.close()
    return result


def table(results: list[dict[str, Any]], previous: dict[str, Any] | None = None) -> str:
    """The figures; `× last` compares the throughput with the previous run of the same mode
    (its JSON), where the ratio to the bare stack of each run is compared, so that a slower
    or faster machine between runs does not pass for a change in the code."""
    before = {r["config"]: r for r in (previous or {}).get("results", [])}
    lines = []
    row = "{:<11} {:<24} {:>9} {:>9} {:>9} {:>8} {:>8}"
    lines.append(row.format("config", "scenario", "req/s", "p50 ms", "p99 ms", "× bare", "× last"))
    lines.append("-" * 84)
    for r in results:
        c = r["config"]
        old = before.get(c, {})
        for key, label, bare_key in (
            ("bare_page", "bare page", None),
            ("room_page", "1 room page", "bare_page"),
            ("room_fragments", "1 room fragments", "bare_page"),
            ("bare_post", "bare POST", None),
            ("proposal_post", "2 proposal POST", "bare_post"),
        ):
            v = r.get(key)
            if not v:
                continue
            x = ratio(v["rps"], r[bare_key]["rps"]) if bare_key else 1.0
            last = "-"
            if bare_key and old.get(key) and old.get(bare_key):
                was = ratio(old[key]["rps"], old[bare_key]["rps"])
                last = str(ratio(x or 0.0, was or 0.0)) if was else "-"
            failed = f"  ({v['errors']} errors)" if v.get("errors") else ""
            lines.append(row.format(c, label, v["rps"], v["p50_ms"], v["p99_ms"], x, last) + failed)
        burst = r.get("reaction_post_and_burst")
        if burst:
            x = ratio(burst["acknowledged"] / max(burst["sent_in_s"], 0.001), r["bare_post"]["rps"])
            lines.append(
                row.format(
                    c,
                    "2 reaction POST (burst)",
                    round(burst["acknowledged"] / max(burst["sent_in_s"], 0.001), 1),
                    burst["post_p50_ms"],
                    burst["post_p99_ms"],
                    x,
                    "-",
                )
            )
        rev = r.get("reveal")
        if rev:
            lines.append(
                f"{c:<11} 3 reveal to {rev['participants']} SSE clients: "
                f"fetched by {rev['received']}, "
                f"p50 {rev['p50_ms']} ms, p99 {rev['p99_ms']} ms, max {rev['max_ms']} ms, "
                f"{rev['kib_per_connection']} KiB per connection, failures {rev['failures']}; "
                f"each browser also fetched {', '.join(sorted(rev['also_fetched'])) or 'nothing'}"
            )
        if burst:
            lines.append(
                f"{c:<11} 4 burst: {burst['reactions_sent']} sent in {burst['sent_in_s']} s, "
                f"acked {burst['acknowledged']}, stored {burst['stored']}, "
                f"tallied {burst['tallied']}, "
                f"lost {burst['lost']}, errors {burst['errors']}; final tallies on "
                f"{burst['clients_with_final']} clients, lag p99 {burst['final_p99_ms']} ms, "
                f"max {burst['final_max_ms']} ms"
            )
        two = r.get("two_instances")
        if two:
            lines.append(
                f"{c:<11} 5 two instances (PG): "
                f"fetched by {two['received']}/{two['participants']}, "
                f"p50 {two['p50_ms']} ms, p99 {two['p99_ms']} ms, max {two['max_ms']} ms"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="under a minute: SQLite, one worker, 200 clients"
    )
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL even if reachable")
    args = parser.parse_args(argv)
    pg = not args.no_pg and not args.quick and pg_available()
    plan = make_plan(args.quick, pg)
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="tt-bench-") as tmp:
        for config in plan.configs:
            print(f"measuring {config.name} ...", flush=True)
            results.append(asyncio.run(measure_config(config, plan, Path(tmp))))
    report = {
        "mode": "quick" if plan.quick else "full",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "postgresql": pg,
        "seconds": round(time.perf_counter() - started, 1),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    previous = None
    with contextlib.suppress(OSError, ValueError):
        last_run = json.loads((RESULTS / "latest.json").read_text())
        previous = last_run if last_run.get("mode") == report["mode"] else None
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for path in (RESULTS / f"{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(report, indent=2))
    print()
    print(table(results, previous))
    print(f"\n{report['mode']} run in {report['seconds']} s; JSON in {RESULTS / 'latest.json'}")
    if not pg and not plan.quick:
        print("PostgreSQL was not reachable: scenarios on PostgreSQL and scenario 5 were skipped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
