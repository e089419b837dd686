"""An empty database migrated to a given revision, on SQLite or on a PostgreSQL database of its
own (made afresh, dropped after): the starting point of every data migration's test."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.migrate import alembic_config
from tests.conftest import PG_URL


def database_at(engine: str, tmp_path: Path, revision: str) -> Iterator[str]:
    """Yields the database's URL; `engine` is "sqlite" or "postgresql" (a fixture's param)."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        command.upgrade(alembic_config(url), revision)
        yield url
        return
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = "tt_mig_" + secrets.token_hex(5)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(url), revision)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
