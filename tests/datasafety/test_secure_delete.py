"""Deleting is erasing, before any archive: a note its author deletes leaves no byte of its
ciphertext in the SQLite file once the WAL is checkpointed (secure_delete, app/db.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import Database
from app.notes import service as notes
from app.workshops.models import Workshop
from tests.factories import make_world
from tests.policy.seed import join


def test_a_deleted_note_leaves_no_ciphertext_in_the_file(
    settings: Settings, database: Database
) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file; on PostgreSQL the key destruction is what erases")
    world = make_world(settings, database)
    with database.transaction() as db:
        joined = join(db, settings, world)
        workshop = db.get(Workshop, world.workshop.id)
        note = notes.create(
            db, settings, viewer=joined.viewer, workshop=workshop, body="Delete me " * 40
        )
        note_id = note.id
    with database.session() as db:
        stored = db.connection().execute(text("SELECT body FROM note")).scalar_one()
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        notes.delete(db, settings, viewer=joined.viewer, workshop=workshop, note_id=note_id)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(make_url(settings.database_url).database or "")
    blob = path.read_bytes()
    assert stored[5:60].encode() not in blob
