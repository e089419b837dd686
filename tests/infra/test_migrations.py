"""Migrations and models agree (no autogenerate drift), and migrations go down and up again,
on SQLite and, when TRACKTWO_TEST_DATABASE_URL is set, on PostgreSQL (in a database of its
own, so the shared test database is never touched)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.migrate import alembic_config, current_revision, head_revision, upgrade
from app.models import metadata
from tests.conftest import PG_URL

pytestmark = pytest.mark.slow  # among the longest files: handed out first under xdist


def _fresh_pg_database() -> Iterator[str]:
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = "tt_infra_" + secrets.token_hex(6)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        yield from _fresh_pg_database()


def _drift(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": False}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_match_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    diff = _drift(empty_url)
    assert diff == [], (
        "the models and the migrations disagree; run scripts/regen-initial-migration:\n"
        + "\n".join(map(str, diff))
    )
    assert set(metadata.tables) <= _tables(empty_url)


def test_migrations_go_down_to_base_and_up_again(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()

    command.downgrade(alembic_config(empty_url), "base")
    assert _tables(empty_url) <= {"alembic_version"}

    upgrade(empty_url)
    assert _drift(empty_url) == []
    engine = make_engine(empty_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_single_head() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


def test_the_drift_check_sees_a_difference(tmp_path: Path) -> None:
    """The comparison above is not vacuous: a schema that lost a table and an index differs."""
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    upgrade(url)
    engine = make_engine(url)
    index = next(ix for ix in metadata.tables["proposal"].indexes)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE speaking_request"))
        conn.execute(text(f'DROP INDEX "{index.name}"'))
    engine.dispose()
    kinds = {entry[0] for entry in _drift(url) if isinstance(entry, tuple)}
    assert {"add_table", "add_index"} <= kinds
