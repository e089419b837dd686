"""Note bodies are stored as AES-GCM ciphertext and read back as plaintext by every reader."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.config import Settings
from app.db import Database
from app.notes import service as notes
from app.notes.models import Note
from app.security import crypto
from app.workshops.models import Workshop
from tests.factories import make_world
from tests.policy.seed import join

SECRET_TEXT = "The minister will resign in March — الوزير سيستقيل"


def _raw_bodies(database: Database) -> dict[str, str]:
    with database.session() as db:
        rows = db.connection().execute(text("SELECT id, body FROM note")).all()
    return {r[0]: r[1] for r in rows}


def test_bodies_are_ciphertext_in_the_database(settings: Settings, database: Database) -> None:
    world = make_world(settings, database)
    with database.transaction() as db:
        joined = join(db, settings, world)
        workshop = db.get(Workshop, world.workshop.id)
        note = notes.create(db, settings, viewer=joined.viewer, workshop=workshop, body=SECRET_TEXT)
        assert note.body == SECRET_TEXT  # the caller keeps seeing plaintext
        staff = notes.create(
            db,
            settings,
            viewer=world.viewer("rapporteur"),
            workshop=workshop,
            body="Team only: " + SECRET_TEXT,
            visibility="team",
        )
        note_id, staff_id = note.id, staff.id
    stored = _raw_bodies(database)
    assert set(stored) == {note_id, staff_id}
    for value in stored.values():
        assert value.startswith("t2e1:")
        assert "minister" not in value and "الوزير" not in value
    with database.session() as db:
        workshop = db.get(Workshop, world.workshop.id)
        mine = notes.get(db, settings, workshop, note_id, viewer=joined.viewer)
        assert mine.body == SECRET_TEXT
        team = notes.get(db, settings, workshop, staff_id, viewer=world.viewer("facilitator"))
        assert team.body == "Team only: " + SECRET_TEXT


def test_edit_reencrypts_with_a_fresh_nonce_and_other_changes_leave_it(
    settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    rapporteur = world.viewer("rapporteur")
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        note_id = notes.create(
            db, settings, viewer=rapporteur, workshop=workshop, body="first", visibility="team"
        ).id
    first = _raw_bodies(database)[note_id]
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        notes.set_visibility(
            db,
            settings,
            viewer=rapporteur,
            workshop=workshop,
            note_id=note_id,
            visibility="private",
        )
    assert _raw_bodies(database)[note_id] == first  # body untouched, not rewritten in clear
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        notes.edit(
            db, settings, viewer=rapporteur, workshop=workshop, note_id=note_id, body="second"
        )
    second = _raw_bodies(database)[note_id]
    assert second.startswith("t2e1:") and second != first
    with database.session() as db:
        assert db.get(Note, note_id).body == "second"  # type: ignore[union-attr]


def test_ciphertext_moved_to_another_note_does_not_load(
    settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    rapporteur = world.viewer("rapporteur")
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        a = notes.create(db, settings, viewer=rapporteur, workshop=workshop, body="note A").id
        b = notes.create(db, settings, viewer=rapporteur, workshop=workshop, body="note B").id
    stored = _raw_bodies(database)
    with database.transaction() as db:
        db.connection().execute(
            text("UPDATE note SET body = :body WHERE id = :id"), {"body": stored[a], "id": b}
        )
    with database.session() as db:
        assert db.get(Note, a).body == "note A"  # type: ignore[union-attr]
        with pytest.raises(crypto.DecryptionFailed):
            db.exec(select(Note).where(Note.id == b)).all()


def test_plaintext_written_behind_the_apps_back_is_refused(
    settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        note_id = notes.create(
            db, settings, viewer=world.viewer("rapporteur"), workshop=workshop, body="x"
        ).id
        db.flush()
    with database.transaction() as db:
        db.connection().execute(
            text("UPDATE note SET body = 'forged' WHERE id = :id"), {"id": note_id}
        )
    with database.session() as db, pytest.raises(crypto.DecryptionFailed):
        db.get(Note, note_id)


def test_a_session_without_settings_never_writes_in_the_clear(
    settings: Settings, database: Database
) -> None:
    from sqlmodel import Session

    world = make_world(settings, database)
    with Session(database.engine) as db:  # not made by Database: no master key
        db.add(Note(workshop_id=world.workshop.id, author_role="rapporteur", body="clear?"))
        with pytest.raises(RuntimeError):
            db.flush()
        db.rollback()
    assert _raw_bodies(database) == {}
