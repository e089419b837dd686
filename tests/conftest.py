"""Fixtures: a fresh database per test (a SQLite file copy, or PostgreSQL emptied), clients."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.migrate import upgrade
from app.models import metadata


def _worker_database() -> None:
    """Under pytest-xdist (`make test` runs a worker per core) each worker gets a PostgreSQL
    database of its own, <database>_<worker>, made afresh here and dropped at the end, so that
    workers never truncate each other's tables. The worker's TRACKTWO_TEST_DATABASE_URL then
    names it, for every test and server process that reads the variable."""
    base = os.environ.get("TRACKTWO_TEST_DATABASE_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not base or not worker or os.environ.get("TRACKTWO_TEST_BASE_DATABASE_URL"):
        return
    from sqlalchemy.engine import make_url

    from app.db import make_engine

    url = make_url(base)
    name = f"{url.database}_{worker}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    os.environ["TRACKTWO_TEST_BASE_DATABASE_URL"] = base
    os.environ["TRACKTWO_TEST_DATABASE_URL"] = url.set(database=name).render_as_string(
        hide_password=False
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    base = os.environ.get("TRACKTWO_TEST_BASE_DATABASE_URL", "")
    if not base or not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from sqlalchemy.engine import make_url

    from app.db import make_engine

    name = make_url(os.environ["TRACKTWO_TEST_DATABASE_URL"]).database
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_worker_database()
PG_URL = os.environ.get("TRACKTWO_TEST_DATABASE_URL", "")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _heavy_files_first(items: list[pytest.Item]) -> None:
    """Files holding a `slow` or `browser` test go first, in the order they came (pytest-randomly
    shuffles it): xdist's loadfile hands out files in collection order, so a minute-long file
    drawn last kept one worker busy after the other had finished (the longest-first rule)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # one process (the mutants' runs with -x): the order given is kept
    heavy = {item.path for item in items if {"slow", "browser"} & set(item.keywords)}
    items.sort(key=lambda item: item.path not in heavy)


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marked tests run wherever their requirements are present, and say why they skip; the
    heavy files are handed out first."""
    _heavy_files_first(items)
    no_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set TRACKTWO_TEST_DATABASE_URL="
        "postgresql://postgres@127.0.0.1:5432/<database> (see `make test-pg`)"
    )
    no_browser = pytest.mark.skip(
        reason="Chromium is not installed: apt-get install chromium (as root)"
    )
    for item in items:
        if "pg" in item.keywords and not PG_URL:
            item.add_marker(no_pg)
        if "browser" in item.keywords and not CHROMIUM:
            item.add_marker(no_browser)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at production cost takes ~0.1 s a hash; tests use a cheap one (the production
    parameters are checked in tests/security/test_passwords.py)."""
    from argon2 import PasswordHasher

    from app.security import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once; each test then gets a copy (SQLite) or an emptied schema (PostgreSQL)."""
    if PG_URL:
        upgrade(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrated = os.environ.get("TRACKTWO_TEST_TEMPLATE_DB", "")
    if migrated:  # scripts/mutants.py migrates once for all mutants that leave migrations be
        shutil.copyfile(migrated, path)
    else:
        upgrade(f"sqlite:///{path}")
    return str(path)


EMPTYING = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables))


def empty_postgres(url: str) -> None:
    """Every table emptied, children first. DELETE, not TRUNCATE: TRUNCATE gives each table new
    files, 0.2-0.9 s a test here (a quarter of the PostgreSQL run); deleting the few rows a
    test leaves takes about 15 ms."""
    engine = Database(Settings(env="test", database_url=url)).engine
    with engine.begin() as conn:
        conn.exec_driver_sql(EMPTYING)
    engine.dispose()


@pytest.fixture
def database_url(template_db: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        empty_postgres(PG_URL)
        yield PG_URL
        return
    path = tmp_path / "test.db"
    shutil.copyfile(template_db, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, htmx_source="local", login_limit=5)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings)
    yield db
    db.dispose()


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, database)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as c:
        yield c
