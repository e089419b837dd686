#!/usr/bin/env python3
"""Fault test: nothing acknowledged is lost when the server is killed mid-write.

uvicorn serves the real app on a loopback port; WRITERS threads (one participant each) post
proposals with idempotency keys and set reactions through the JSON API; the server is killed
with SIGKILL at random moments and restarted, for ROUNDS rounds. A writer whose request got no
answer sends the same request again (same idempotency key) until it is acknowledged. At the
end every acknowledged write must be present exactly once, every author tag must be the
writer's, the per-party reaction tallies must add up to the reactions, and SQLite's
integrity_check must say ok.

    .venv/bin/python scripts/fault_test.py                       # SQLite in a temp dir
    .venv/bin/python scripts/fault_test.py --database-url postgresql://user@127.0.0.1/db

The PostgreSQL database given is emptied first. Traffic goes to 127.0.0.1 only; every loop
is bounded in count and time.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MASTER_KEY = "5f" * 32
VALUES = ("agree", "disagree", "pass")
HOST = "127.0.0.1"


@dataclass
class Writer:
    index: int
    session_token: str
    csrf_token: str
    secret: bytes


@dataclass
class Seeded:
    workshop_id: str
    writers: list[Writer]
    revealed: list[str]


@dataclass
class Log:
    """What one writer sent and which of it was acknowledged."""

    acked_proposals: dict[str, str] = field(default_factory=dict)  # idempotency key -> text
    unacked_proposals: dict[str, str] = field(default_factory=dict)
    reactions: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # pid -> tries
    attempts: int = 0
    retries: int = 0
    refused: list[str] = field(default_factory=list)


@dataclass
class Figures:
    database: str
    rounds: int
    kills: int
    attempts: int
    retries: int
    acknowledged: int
    found: int
    lost: int
    duplicates: int
    wrong_author: int
    reaction_mismatches: int
    tally_mismatches: int
    refused: int
    integrity: str
    seconds: float

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicates == 0
            and self.wrong_author == 0
            and self.reaction_mismatches == 0
            and self.tally_mismatches == 0
            and self.refused == 0
            and self.integrity in {"ok", "n/a"}
            and self.acknowledged > 0
            and self.found == self.acknowledged
        )

    def report(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.__dict__.items()]
        lines.append(f"result: {'PASS' if self.ok else 'FAIL'}")
        return "\n".join(lines)


def environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKTWO_")}
    env.update(
        TRACKTWO_DATABASE_URL=database_url,
        TRACKTWO_ENV="test",
        TRACKTWO_MASTER_KEY=MASTER_KEY,
        TRACKTWO_LOG_LEVEL=os.environ.get("FAULT_LOG_LEVEL", "WARNING"),
        TRACKTWO_HTMX_SOURCE="local",
    )
    return env


def _settings(database_url: str) -> Any:
    from app.config import Settings

    return Settings(
        env="test", database_url=database_url, master_key=MASTER_KEY, htmx_source="local"
    )


def prepare(database_url: str) -> None:
    """Migrate; on PostgreSQL, empty every table first."""
    from sqlalchemy import text

    from app.db import Database
    from app.migrate import upgrade
    from app.models import metadata

    upgrade(database_url)
    if database_url.startswith("postgresql"):
        database = Database(_settings(database_url))
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} CASCADE"))
        database.dispose()


def seed(database_url: str, writers: int) -> Seeded:
    """A live workshop with one open contribution round, three revealed proposals, and one
    claimed participant (session, CSRF token, authorship secret) per writer."""
    from app.accounts.service import create_user
    from app.agenda.models import AgendaItem, Meeting
    from app.db import Database
    from app.ids import new_id
    from app.policy import Viewer
    from app.room import proposals, runtime
    from app.roster import service as roster
    from app.roster.models import RulesAcceptance
    from app.security import sessions
    from app.workshops import service as workshops
    from app.workshops.models import Membership, Party, Workshop

    settings = _settings(database_url)
    database = Database(settings)
    with database.transaction() as db:
        user = create_user(
            db,
            email=f"fault-{new_id()[:8]}@example.org",
            display_name="Fault organizer",
            password="fault test password 1234",  # noqa: S106 (a throwaway test account)
        )
        bare = Viewer(kind="staff", user_id=user.id, email=user.email)
        workshop = workshops.create(db, settings, viewer=bare, title="Fault test workshop")
        wid = workshop.id
        db.add(Membership(workshop_id=wid, user_id=user.id, role="facilitator"))
        parties = [Party(workshop_id=wid, name=n, position=i) for i, n in enumerate("AB")]
        db.add_all(parties)
        db.flush()
        organizer = Viewer(
            kind="staff", user_id=user.id, email=user.email, roles={wid: "organizer"}
        )
        invitations = [
            roster.add(
                db,
                viewer=organizer,
                workshop=workshop,
                display_name=f"Writer {i}",
                party_id=parties[i % 2].id,
            )
            for i in range(writers)
        ]
        meeting = Meeting(workshop_id=wid, title="Day one")
        db.add(meeting)
        db.flush()
        item = AgendaItem(
            workshop_id=wid, meeting_id=meeting.id, title="Options", kind="contribution"
        )
        db.add(item)
        workshop.status = "live"
        db.add(workshop)
        db.flush()
        item_id = item.id
    out: list[Writer] = []
    viewers: list[Viewer] = []
    with database.transaction() as db:
        workshop = db.get(Workshop, wid)
        assert workshop is not None
        for i, invitation in enumerate(invitations):
            claimed = roster.claim(db, settings, token=invitation.token, client=f"fault-{i}")
            p = claimed.participant
            db.add(RulesAcceptance(participant_id=p.id, version=workshop.rules_version))
            new = sessions.create(db, settings, kind="participant", participant_id=p.id)
            out.append(Writer(i, new.token, new.row.csrf_token, claimed.secret))
            viewers.append(
                Viewer(
                    kind="participant",
                    participant_id=p.id,
                    workshop_id=wid,
                    party_id=p.party_id,
                    secret=claimed.secret,
                )
            )
    facilitator = Viewer(
        kind="staff", user_id=user.id, email=user.email, roles={wid: "facilitator"}
    )
    revealed: list[str] = []
    with database.transaction() as db:
        workshop = workshops.get(db, wid, viewer=facilitator)
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=item_id)
        runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=item_id, open_=True)
    for n in range(3):
        with database.transaction() as db:
            workshop = workshops.get(db, wid, viewer=viewers[n])
            row = proposals.submit(
                db,
                settings,
                viewer=viewers[n],
                workshop=workshop,
                text=f"seed proposal {n}",
                idempotency_key=proposals.new_idempotency_key(),
            )
            revealed.append(row.id)
    with database.transaction() as db:
        workshop = workshops.get(db, wid, viewer=facilitator)
        runtime.reveal(
            db,
            viewer=facilitator,
            workshop=workshop,
            item_id=item_id,
            override_reason="Fault test: three proposals",
        )
    database.dispose()
    return Seeded(wid, out, revealed)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn in a child process, killed with SIGKILL and started again."""

    def __init__(self, database_url: str, port: int, log_path: Path) -> None:
        self.env = environment(database_url)
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.asgi:app",
                "--host",
                HOST,
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                os.environ.get("FAULT_LOG_LEVEL", "WARNING").lower(),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"http://{HOST}:{self.port}/healthz", timeout=15).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server did not come up in time")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


def write_loop(
    writer: Writer,
    seeded: Seeded,
    port: int,
    stop: threading.Event,
    log: Log,
    deadline: float,
    rng: random.Random,
) -> None:
    """Post proposals and set reactions until told to stop; repeat unanswered requests."""
    base = f"http://{HOST}:{port}/api/v1/workshops/{seeded.workshop_id}/room"
    cookies = {
        "tt_session": writer.session_token,
        "tt_author": base64.urlsafe_b64encode(writer.secret).decode().rstrip("="),
    }
    headers = {"X-CSRF-Token": writer.csrf_token}
    seq = 0
    with httpx.Client(cookies=cookies, headers=headers, timeout=5.0) as client:
        while not stop.is_set() and time.monotonic() < deadline:
            seq += 1
            if rng.random() < 0.6:
                key = f"w{writer.index:02d}-{seq:05d}-{rng.getrandbits(64):016x}"
                text = f"writer {writer.index} proposal {seq}"
                send = lambda c, k=key, t=text: c.post(  # noqa: E731
                    f"{base}/proposals", json={"text": t, "idempotency_key": k}
                )
                done = _until_acked(client, send, 201, stop, deadline, log)
                (log.acked_proposals if done else log.unacked_proposals)[key] = text
            else:
                pid = rng.choice(seeded.revealed)
                value = rng.choice(VALUES)
                send = lambda c, p=pid, v=value: c.put(  # noqa: E731
                    f"{base}/proposals/{p}/reaction", json={"value": v}
                )
                done = _until_acked(client, send, 200, stop, deadline, log)
                log.reactions.setdefault(pid, []).append((value, done))


def _until_acked(
    client: httpx.Client,
    send: Any,
    expected: int,
    stop: threading.Event,
    deadline: float,
    log: Log,
) -> bool:
    first = True
    for _ in range(2000):  # bounded; in practice a handful of tries across a restart
        if not first and (stop.is_set() or time.monotonic() >= deadline):
            return False
        log.attempts += 1
        if not first:
            log.retries += 1
        first = False
        try:
            response = send(client)
        except httpx.HTTPError:
            time.sleep(0.25)
            continue
        if response.status_code == expected:
            return True
        if response.status_code in (502, 503, 504):
            time.sleep(0.1)
            continue
        log.refused.append(f"{response.status_code} {response.text[:200]}")
        return False
    return False


def verify(database_url: str, seeded: Seeded, logs: list[Log]) -> dict[str, Any]:
    from sqlmodel import col, select

    from app.db import Database
    from app.room.models import Proposal, Reaction, ReactionTally
    from app.security import keys
    from app.workshops.models import Workshop
    from app.workshops.service import data_key

    settings = _settings(database_url)
    database = Database(settings)
    with database.session() as db:
        workshop = db.get(Workshop, seeded.workshop_id)
        assert workshop is not None
        key = data_key(db, settings, workshop)
        rows = list(db.exec(select(Proposal).where(col(Proposal.workshop_id) == workshop.id)))
        reactions = list(db.exec(select(Reaction).where(col(Reaction.workshop_id) == workshop.id)))
        tallies = list(db.exec(select(ReactionTally)))
    by_key: dict[str, list[Proposal]] = defaultdict(list)
    for row in rows:
        by_key[row.idempotency_key or ""].append(row)
    texts = Counter(row.text for row in rows)
    acknowledged = found = lost = wrong_author = 0
    for writer, log in zip(seeded.writers, logs, strict=True):
        # the writer's numbered proposal tags (keys.proposal_tag): n-th in the workshop
        numbered = {
            keys.proposal_tag(key, writer.secret, workshop.id, n) for n in range(1, len(rows) + 2)
        }
        for idem, text in log.acked_proposals.items():
            acknowledged += 1
            hits = by_key.get(idem, [])
            if len(hits) == 1 and hits[0].text == text:
                found += 1
                wrong_author += int(hits[0].author_tag not in numbered)
            else:
                lost += 1
    duplicates = sum(n - 1 for n in texts.values() if n > 1)
    duplicates += sum(len(v) - 1 for v in by_key.values() if len(v) > 1)

    by_tag = {r.author_tag: r for r in reactions}
    reaction_mismatches = 0
    for writer, log in zip(seeded.writers, logs, strict=True):
        for pid, tries in log.reactions.items():
            acked = [i for i, (_, ok) in enumerate(tries) if ok]
            if not acked:
                continue
            acknowledged += 1
            last = acked[-1]
            allowed = {tries[last][0]} | {v for v, _ in tries[last + 1 :]}
            row = by_tag.get(keys.author_tag(key, writer.secret, "reaction", pid))
            if row is None:
                lost += 1
            elif row.value not in allowed or row.proposal_id != pid:
                reaction_mismatches += 1
            else:
                found += 1
    counted: Counter[tuple[str, str]] = Counter((r.proposal_id, r.value) for r in reactions)
    summed: Counter[tuple[str, str]] = Counter()
    for tally in tallies:
        summed[(tally.proposal_id, tally.value)] += tally.count
    keys_all = set(counted) | {k for k, v in summed.items() if v}
    tally_mismatches = sum(1 for k in keys_all if counted[k] != summed[k])
    integrity = "n/a"
    if database.is_sqlite:
        with database.engine.connect() as conn:
            integrity = str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())
    database.dispose()
    return {
        "acknowledged": acknowledged,
        "found": found,
        "lost": lost,
        "duplicates": duplicates,
        "wrong_author": wrong_author,
        "reaction_mismatches": reaction_mismatches,
        "tally_mismatches": tally_mismatches,
        "integrity": integrity,
    }


def run(
    database_url: str,
    *,
    rounds: int = 6,
    writers: int = 20,
    min_up: float = 0.5,
    max_up: float = 2.5,
    seed_value: int | None = None,
    workdir: Path | None = None,
    budget: float = 120.0,
) -> Figures:
    """Run the fault test; returns the figures (see Figures.ok)."""
    started = time.monotonic()
    rng = random.Random(seed_value)  # noqa: S311 (timing and choices, not secrets)
    workdir = workdir or Path(tempfile.mkdtemp(prefix="tracktwo-fault-"))
    prepare(database_url)
    seeded = seed(database_url, writers)
    port = free_port()
    server = Server(database_url, port, workdir / "server.log")
    logs = [Log() for _ in seeded.writers]
    stop = threading.Event()
    deadline = started + budget
    kills = 0
    server.start()
    threads = [
        threading.Thread(
            target=write_loop,
            args=(w, seeded, port, stop, log, deadline, random.Random(rng.random())),  # noqa: S311
            daemon=True,
        )
        for w, log in zip(seeded.writers, logs, strict=True)
    ]
    for t in threads:
        t.start()
    try:
        for _ in range(rounds):
            if time.monotonic() - started > budget * 0.6:
                break  # a slow machine: keep the whole run within its budget
            time.sleep(rng.uniform(min_up, max_up))
            server.kill()
            kills += 1
            time.sleep(rng.uniform(0.0, 0.3))  # clients hammer a dead port for a moment
            server.start()
        time.sleep(1.0)  # a quiet end: requests left unanswered by the last kill go through
        stop.set()
        for t in threads:
            t.join(timeout=20)
    finally:
        stop.set()
        server.stop()
    result = verify(database_url, seeded, logs)
    return Figures(
        database="postgresql" if database_url.startswith("postgresql") else "sqlite",
        rounds=kills,
        kills=kills,
        attempts=sum(log.attempts for log in logs),
        retries=sum(log.retries for log in logs),
        refused=sum(len(log.refused) for log in logs),
        seconds=round(time.monotonic() - started, 1),
        **result,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--budget", type=float, default=150.0, help="seconds, at most")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tracktwo-fault-"))
    url = args.database_url or f"sqlite:///{workdir / 'fault.db'}"
    figures = run(
        url,
        rounds=args.rounds,
        writers=args.writers,
        seed_value=args.seed,
        workdir=workdir,
        budget=args.budget,
    )
    if args.json:
        print(json.dumps({**figures.__dict__, "ok": figures.ok}))
    else:
        print(figures.report())
        print(f"server log: {workdir / 'server.log'}")
    return 0 if figures.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
