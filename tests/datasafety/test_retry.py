"""Transient database errors (SQLITE_BUSY, serialization failures, deadlocks) are retried and
never reach the user as a 500."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import db as dbmod
from app import retry
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.factories import PASSWORD, Browser, make_user

SQLITE_ONLY = pytest.mark.skipif(
    bool(__import__("os").environ.get("TRACKTWO_TEST_DATABASE_URL")), reason="SQLite locking"
)


class FakePgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def wrapped(orig: Exception) -> OperationalError:
    return OperationalError("COMMIT", {}, orig)


def test_what_counts_as_transient() -> None:
    assert retry.is_transient(wrapped(sqlite3.OperationalError("database is locked")))
    assert retry.is_transient(wrapped(FakePgError("40001")))
    assert retry.is_transient(wrapped(FakePgError("40P01")))
    assert not retry.is_transient(wrapped(FakePgError("23505")))  # unique violation: real
    assert not retry.is_transient(wrapped(sqlite3.OperationalError("no such table: x")))
    assert not retry.is_transient(ValueError("database is locked"))
    group = BaseExceptionGroup("g", [ValueError("x"), wrapped(FakePgError("40001"))])
    assert retry.is_transient(group)


def _flaky_app(failures: int) -> tuple[FastAPI, list[bytes]]:
    seen: list[bytes] = []
    app = FastAPI()

    @app.post("/write")
    async def write(request: Request) -> dict[str, int]:
        seen.append(await request.body())
        if len(seen) <= failures:
            raise wrapped(FakePgError("40001"))
        return {"attempts": len(seen)}

    app.add_middleware(retry.RetryMiddleware)
    return app, seen


def test_middleware_retries_with_the_same_body() -> None:
    app, seen = _flaky_app(failures=2)
    with TestClient(app) as client:
        response = client.post("/write", content=b"payload-123")
    assert response.status_code == 200
    assert response.json() == {"attempts": 3}
    assert seen == [b"payload-123"] * 3


def test_middleware_answers_503_not_500_when_it_stays_busy() -> None:
    app, seen = _flaky_app(failures=100)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/write")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert len(seen) == retry.ATTEMPTS


def test_other_errors_are_not_retried() -> None:
    seen: list[int] = []
    app = FastAPI()

    @app.post("/boom")
    async def boom() -> None:
        seen.append(1)
        raise RuntimeError("a bug, not contention")

    app.add_middleware(retry.RetryMiddleware)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/boom").status_code == 500
    assert seen == [1]


def _hold_write_lock(path: str, seconds: float, ready: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


@pytest.fixture
def short_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    pragmas = tuple(
        "PRAGMA busy_timeout=50" if p.startswith("PRAGMA busy_timeout") else p
        for p in dbmod.SQLITE_PRAGMAS
    )
    monkeypatch.setattr(dbmod, "SQLITE_PRAGMAS", pragmas)


@SQLITE_ONLY
def test_request_waits_out_a_held_write_lock(
    settings: Settings, short_busy: None, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database(settings)
    with database.transaction() as db:
        user = make_user(db)
    app = create_app(settings, database)
    path = settings.database_url.split("///", 1)[1]
    with TestClient(app, base_url="http://testserver") as client:
        browser = Browser(client)
        browser.ensure_token()
        ready = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(path, 0.25, ready))
        holder.start()
        ready.wait()
        response = browser.post("/login", {"email": user.email, "password": PASSWORD})
        holder.join()
    database.dispose()
    assert response.status_code == 303, response.text
    assert any("transient database error" in r.getMessage() for r in caplog.records)


@SQLITE_ONLY
def test_request_gets_503_when_the_lock_outlasts_every_retry(
    settings: Settings, short_busy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "backoff", lambda attempt: 0.01)
    database = Database(settings)
    with database.transaction() as db:
        user = make_user(db)
    app = create_app(settings, database)
    path = settings.database_url.split("///", 1)[1]
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        browser = Browser(client)
        browser.ensure_token()
        ready = threading.Event()
        holder = threading.Thread(target=_hold_write_lock, args=(path, 2.0, ready))
        holder.start()
        ready.wait()
        response = browser.post("/login", {"email": user.email, "password": PASSWORD})
        holder.join()
    database.dispose()
    assert response.status_code == 503
    assert "busy" in response.text.lower()


@SQLITE_ONLY
def test_two_writers_contending_both_commit(settings: Settings, short_busy: None) -> None:
    database = Database(settings)
    with database.transaction() as db:
        db.exec(text("CREATE TABLE contention (n INTEGER)"))  # type: ignore[call-overload]
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        def body(db):  # type: ignore[no-untyped-def]
            db.exec(text("INSERT INTO contention VALUES (:n)").bindparams(n=n))
            time.sleep(0.12)  # hold the write lock longer than the 50 ms busy timeout

        try:
            for _ in range(3):
                retry.run_transaction(database, body, attempts=20)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with database.session() as db:
        rows = db.exec(text("SELECT n FROM contention")).all()  # type: ignore[call-overload]
    assert sorted(r[0] for r in rows) == [1, 1, 1, 2, 2, 2]
    database.dispose()


@pytest.mark.skipif(
    not __import__("os").environ.get("TRACKTWO_TEST_DATABASE_URL"), reason="PostgreSQL only"
)
def test_postgres_deadlock_is_retried(settings: Settings, database: Database) -> None:
    with database.transaction() as db:
        db.exec(text("DROP TABLE IF EXISTS deadlock_probe"))  # type: ignore[call-overload]
        db.exec(text("CREATE TABLE deadlock_probe (id int primary key, n int)"))  # type: ignore[call-overload]
        db.exec(text("INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)"))  # type: ignore[call-overload]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    attempts: list[int] = []

    def writer(first: int, second: int) -> None:
        def body(db):  # type: ignore[no-untyped-def]
            attempts.append(first)
            db.exec(text("UPDATE deadlock_probe SET n = n + 1 WHERE id = :i").bindparams(i=first))
            try:
                barrier.wait(timeout=3)
            except threading.BrokenBarrierError:
                pass
            db.exec(text("UPDATE deadlock_probe SET n = n + 1 WHERE id = :i").bindparams(i=second))

        try:
            retry.run_transaction(database, body)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=p) for p in ((1, 2), (2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len(attempts) >= 3  # one of the two was chosen as the deadlock victim and re-ran
        with database.session() as db:
            rows = db.exec(text("SELECT n FROM deadlock_probe ORDER BY id")).all()  # type: ignore[call-overload]
        assert [r[0] for r in rows] == [2, 2]
    finally:
        with database.transaction() as db:
            db.exec(text("DROP TABLE deadlock_probe"))  # type: ignore[call-overload]


def test_a_failed_commit_is_never_acknowledged(settings: Settings, database: Database) -> None:
    """get_db commits before the response is sent (Depends(scope="function")): a commit that
    fails turns into an error response, never into a 200 for a write that was not saved."""
    from app.accounts.models import User
    from app.deps import DbDep

    with database.transaction() as db:
        existing = make_user(db)
    app = create_app(settings, database)

    async def duplicate(db: DbDep) -> dict[str, str]:
        # the unique e-mail is only checked when get_db commits, after this handler returned
        db.add(User(email=existing.email, display_name="Twin", password_hash="x"))
        return {"saved": "yes"}

    app.add_api_route("/api/v1/test-duplicate", duplicate, methods=["POST"])
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        token = client.get("/login").cookies.get("tt_csrf") or ""
        response = client.post("/api/v1/test-duplicate", headers={"X-CSRF-Token": token})
    assert response.status_code >= 400, response.text
    assert "saved" not in response.text
