"""Backup while writes go on: verified, restorable, and holding every acknowledged write."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import select

from app import backup as bk
from app import retry
from app.config import Settings
from app.db import Database
from app.roster import service as roster
from app.roster.models import Participant
from app.workshops.models import Workshop
from tests.factories import make_world

PG = bool(os.environ.get("TRACKTWO_TEST_DATABASE_URL"))
sqlite_only = pytest.mark.skipif(PG, reason="SQLite file backup")


def _participant_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM participant")}
    finally:
        conn.close()


@sqlite_only
def test_backup_while_writers_run_holds_every_acknowledged_write(
    settings: Settings, database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = make_world(settings, database)
    organizer = world.viewer("organizer")
    party_id = world.parties[0].id
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        i = 0
        while not stop.is_set() and i < 2000:
            i += 1

            def add(db):  # type: ignore[no-untyped-def]
                workshop = db.get(Workshop, world.workshop.id)
                invitation = roster.add(
                    db,
                    viewer=organizer,
                    workshop=workshop,
                    display_name=f"Writer {n} row {i}",
                    party_id=party_id,
                )
                return invitation.participant.id

            try:
                pid = retry.run_transaction(database, add)
            except BaseException as exc:
                failures.append(exc)
                return
            with lock:
                acknowledged.append(pid)  # committed: the transaction returned

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    _wait_for(lambda: len(acknowledged) >= 12)  # the writers are busy
    with lock:
        before = set(acknowledged)
    target = tmp_path / "backups" / "tracktwo-backup.db"
    assert bk.backup(settings, target) == 0
    _wait_for(lambda: len(acknowledged) > len(before) + 4)  # and still busy after it
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert len(before) > 10, "the writers should have been busy before the backup began"
    assert len(acknowledged) > len(before), "and still busy while it ran"
    assert "integrity_check: ok" in capsys.readouterr().out
    assert bk.integrity(target) == "ok"
    in_backup = _participant_ids(target)
    assert before <= in_backup
    assert in_backup <= set(acknowledged) | {p.participant.id for p in world.invitations}
    assert not Path(str(target) + "-wal").exists()

    # restore into a fresh place and find the same rows
    restored = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'restored.db'}")
    assert bk.restore(restored, target) == 0
    assert bk.integrity(tmp_path / "restored.db") == "ok"
    check = Database(restored)
    with check.session() as db:
        ids = set(db.exec(select(Participant.id)))
    check.dispose()
    assert ids == in_backup


def _wait_for(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


@sqlite_only
def test_backup_refuses_to_overwrite(settings: Settings, tmp_path: Path) -> None:
    target = tmp_path / "b.db"
    target.write_bytes(b"keep me")
    assert bk.backup(settings, target) == 1
    assert target.read_bytes() == b"keep me"


@sqlite_only
def test_restore_refuses_a_damaged_backup(settings: Settings, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    assert bk.backup(settings, good) == 0
    damaged = tmp_path / "damaged.db"
    raw = bytearray(good.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page
    damaged.write_bytes(bytes(raw))
    target = tmp_path / "target.db"
    target_settings = Settings(env="test", database_url=f"sqlite:///{target}")
    assert bk.restore(target_settings, damaged) == 1
    assert not target.exists()
    assert bk.restore(target_settings, tmp_path / "missing.db") == 1


@sqlite_only
def test_restore_refuses_while_the_database_is_open(settings: Settings, tmp_path: Path) -> None:
    snapshot = tmp_path / "snap.db"
    assert bk.backup(settings, snapshot) == 0
    target = tmp_path / "live.db"
    live = sqlite3.connect(str(target), isolation_level=None)
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE marker (x)")
    live.execute("INSERT INTO marker VALUES ('still here')")
    try:
        target_settings = Settings(env="test", database_url=f"sqlite:///{target}")
        assert bk.restore(target_settings, snapshot) == 1
        assert live.execute("SELECT x FROM marker").fetchone() == ("still here",)
    finally:
        live.close()


CRASHER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA wal_autocheckpoint=0")
conn.execute("CREATE TABLE stale (x)")
conn.execute("INSERT INTO stale VALUES ('from the old database')")
os._exit(0)  # like a crash: the WAL is left behind, never checkpointed
"""


@sqlite_only
def test_restore_drops_the_stale_wal_of_the_replaced_database(
    settings: Settings, tmp_path: Path
) -> None:
    snapshot = tmp_path / "snap.db"
    assert bk.backup(settings, snapshot) == 0
    target = tmp_path / "crashed.db"
    subprocess.run([sys.executable, "-c", CRASHER, str(target)], check=True)
    assert Path(str(target) + "-wal").stat().st_size > 0
    target_settings = Settings(env="test", database_url=f"sqlite:///{target}")
    assert bk.restore(target_settings, snapshot) == 0
    for suffix in ("-wal", "-shm", "-journal"):
        assert not Path(str(target) + suffix).exists()
    conn = sqlite3.connect(str(target))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "stale" not in tables
    assert "participant" in tables
    assert bk.integrity(target) == "ok"


@sqlite_only
def test_cli_backup_and_restore(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import cli, config

    monkeypatch.setenv("TRACKTWO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRACKTWO_ENV", "test")
    config.get_settings.cache_clear()
    try:
        assert cli.main(["backup", str(tmp_path / "cli.db")]) == 0
        monkeypatch.setenv("TRACKTWO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli-restored.db'}")
        config.get_settings.cache_clear()
        assert cli.main(["restore", str(tmp_path / "cli.db")]) == 0
    finally:
        config.get_settings.cache_clear()


@pytest.mark.skipif(not PG, reason="PostgreSQL only")
def test_postgres_points_to_pg_dump(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bk.backup(settings, tmp_path / "x.dump") == 2
    assert "pg_dump" in capsys.readouterr().err
    assert bk.restore(settings, tmp_path / "x.dump") == 2
    assert "pg_restore" in capsys.readouterr().err
    assert not (tmp_path / "x.dump").exists()
