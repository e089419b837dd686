"""Notes through the service layer: visibility, authorship by tag, widening, off the record."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from app.audit.models import AuditEntry
from app.errors import Invalid, NotFound
from app.notes import service
from app.notes.models import Note
from app.notes.present import NoteView
from app.policy import ANONYMOUS, Viewer, present
from app.security import keys
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.factories import make_world
from tests.policy.seed import add_items, join


@pytest.fixture
def world(settings, database):  # type: ignore[no-untyped-def]
    w = make_world(settings, database, status="live")
    with database.transaction() as db:
        w.items = add_items(db, db.get(Workshop, w.workshop.id))  # type: ignore[attr-defined]
        w.p1 = join(db, settings, w, 0)  # type: ignore[attr-defined]
        w.p2 = join(db, settings, w, 1)  # type: ignore[attr-defined]
    return w


def _ws(db, world) -> Workshop:  # type: ignore[no-untyped-def]
    workshop = db.get(Workshop, world.workshop.id)
    assert workshop is not None
    return workshop


def _ids(db, settings, world, viewer: Viewer) -> set[str]:  # type: ignore[no-untyped-def]
    return {n.id for n in service.list_for(db, settings, _ws(db, world), viewer=viewer)}


def test_participant_note_is_private_tagged_and_has_no_user(settings, database, world) -> None:
    me = world.p1.viewer
    with database.transaction() as db:
        workshop = _ws(db, world)
        note = service.create(db, settings, viewer=me, workshop=workshop, body="my thoughts")
        key = workshops.data_key(db, settings, workshop)
        assert note.visibility == "private"
        assert note.author_user_id is None
        assert note.author_role == "participant"
        assert note.author_tag == keys.author_tag(key, me.secret, "note", note.id)  # type: ignore[arg-type]
        note_id = note.id
    with database.session() as db:
        assert _ids(db, settings, world, me) == {note_id}
        assert note_id not in _ids(db, settings, world, world.p2.viewer)
        for role in ("organizer", "facilitator", "rapporteur", "observer"):
            assert note_id not in _ids(db, settings, world, world.viewer(role))
        with pytest.raises(NotFound):
            service.get(db, settings, _ws(db, world), note_id, viewer=world.p2.viewer)


@pytest.mark.parametrize("visibility", ["team", "room", "summary"])
def test_participants_cannot_share_notes(settings, database, world, visibility) -> None:
    with database.transaction() as db, pytest.raises(Invalid) as err:
        service.create(
            db,
            settings,
            viewer=world.p1.viewer,
            workshop=_ws(db, world),
            body="x",
            visibility=visibility,
        )
    assert "visibility" in err.value.errors


READERS = {
    "private": {"rapporteur"},
    "team": {"organizer", "facilitator", "rapporteur"},
    "room": {"organizer", "facilitator", "rapporteur", "observer", "p1", "p2"},
    "summary": {"organizer", "facilitator", "rapporteur", "observer", "p1", "p2"},
}


@pytest.mark.parametrize("visibility", list(READERS))
def test_staff_note_readers_by_visibility(settings, database, world, visibility) -> None:
    author = world.viewer("rapporteur")
    with database.transaction() as db:
        note = service.create(
            db,
            settings,
            viewer=author,
            workshop=_ws(db, world),
            body="A staff note",
            item_id=world.items["chatham"].id,
            visibility=visibility,
        )
        note_id = note.id
    viewers = {r: world.viewer(r) for r in ("organizer", "facilitator", "rapporteur", "observer")}
    viewers |= {"p1": world.p1.viewer, "p2": world.p2.viewer}
    with database.session() as db:
        readers = {name for name, v in viewers.items() if note_id in _ids(db, settings, world, v)}
        assert readers == READERS[visibility]
        with pytest.raises(NotFound):
            service.list_for(db, settings, _ws(db, world), viewer=ANONYMOUS)


def test_staff_note_in_the_room_names_the_role_not_the_person(settings, database, world) -> None:
    author = world.viewer("rapporteur")
    with database.transaction() as db:
        note = service.create(
            db, settings, viewer=author, workshop=_ws(db, world), body="b", visibility="room"
        )
    view = present(note, world.p1.viewer)
    assert isinstance(view, NoteView)
    assert view.role_label == "Rapporteur" and view.mine is False
    assert present(note, author).mine is True
    fields = {f.name for f in dataclasses.fields(NoteView)}
    assert not fields & {"author_user_id", "author_tag", "author_role", "author", "email"}
    rendered = repr(view)
    assert author.email not in rendered and world.users["rapporteur"].id not in rendered


def test_off_record_note_can_never_be_cleared_for_the_summary(settings, database, world) -> None:
    author = world.viewer("rapporteur")
    off = world.items["off_record"].id
    with database.transaction() as db:
        with pytest.raises(Invalid) as err:
            service.create(
                db,
                settings,
                viewer=author,
                workshop=_ws(db, world),
                body="x",
                item_id=off,
                visibility="summary",
            )
        assert "off-the-record" in err.value.errors["visibility"]
        note = service.create(
            db, settings, viewer=author, workshop=_ws(db, world), body="x", item_id=off
        )
        with pytest.raises(Invalid):
            service.set_visibility(
                db,
                settings,
                viewer=author,
                workshop=_ws(db, world),
                note_id=note.id,
                visibility="summary",
                confirmed=True,
            )
        service.set_visibility(
            db,
            settings,
            viewer=author,
            workshop=_ws(db, world),
            note_id=note.id,
            visibility="room",
            confirmed=True,
        )
        assert note.visibility == "room"


def test_widening_needs_confirmation_and_is_audited(settings, database, world) -> None:
    author = world.viewer("facilitator")
    with database.transaction() as db:
        workshop = _ws(db, world)
        note = service.create(db, settings, viewer=author, workshop=workshop, body="SECRETTEXT")
        with pytest.raises(service.NeedsConfirmation) as err:
            service.set_visibility(
                db, settings, viewer=author, workshop=workshop, note_id=note.id, visibility="room"
            )
        assert "Everyone in the workshop, including participants and observers" in str(
            err.value.message
        )
        assert note.visibility == "private"
        service.set_visibility(
            db,
            settings,
            viewer=author,
            workshop=workshop,
            note_id=note.id,
            visibility="room",
            confirmed=True,
        )
        # narrowing needs no confirmation
        service.set_visibility(
            db, settings, viewer=author, workshop=workshop, note_id=note.id, visibility="team"
        )
        assert note.visibility == "team"
        entries = db.exec(
            select(AuditEntry).where(AuditEntry.action == "note.visibility")  # type: ignore[arg-type]
        ).all()
        assert sorted(e.detail for e in entries) == ["private->room", "room->team"]
        assert all(e.target_id == note.id and "SECRETTEXT" not in e.detail for e in entries)
        assert all(e.actor_user_id == author.user_id for e in entries)


@pytest.mark.parametrize("other", ["organizer", "facilitator", "observer", "p2"])
def test_only_the_author_edits_deletes_or_widens(settings, database, world, other) -> None:
    author = world.viewer("rapporteur")
    intruder = world.p2.viewer if other == "p2" else world.viewer(other)
    with database.transaction() as db:
        workshop = _ws(db, world)
        note = service.create(
            db, settings, viewer=author, workshop=workshop, body="x", visibility="room"
        )
        with pytest.raises(NotFound):
            service.edit(
                db, settings, viewer=intruder, workshop=workshop, note_id=note.id, body="y"
            )
        with pytest.raises(NotFound):
            service.delete(db, settings, viewer=intruder, workshop=workshop, note_id=note.id)
        with pytest.raises(NotFound):
            service.set_visibility(
                db,
                settings,
                viewer=intruder,
                workshop=workshop,
                note_id=note.id,
                visibility="summary",
                confirmed=True,
            )
        assert note.body == "x" and note.visibility == "room"


def test_participant_edits_and_deletes_own_note_proved_by_tag(settings, database, world) -> None:
    me = world.p1.viewer
    with database.transaction() as db:
        workshop = _ws(db, world)
        note = service.create(db, settings, viewer=me, workshop=workshop, body="first")
        with pytest.raises(NotFound):
            service.edit(
                db, settings, viewer=world.p2.viewer, workshop=workshop, note_id=note.id, body="z"
            )
        # the same participant on a device without the secret proves nothing
        no_secret = dataclasses.replace(me, secret=None)
        with pytest.raises(NotFound):
            service.edit(
                db, settings, viewer=no_secret, workshop=workshop, note_id=note.id, body="z"
            )
        service.edit(db, settings, viewer=me, workshop=workshop, note_id=note.id, body="second")
        assert note.body == "second"
        service.delete(db, settings, viewer=me, workshop=workshop, note_id=note.id)
        db.flush()
        assert db.get(Note, note.id) is None


def test_bad_input_names_the_fields(settings, database, world) -> None:
    with database.transaction() as db, pytest.raises(Invalid) as err:
        service.create(
            db,
            settings,
            viewer=world.viewer("rapporteur"),
            workshop=_ws(db, world),
            body="  ",
            item_id="f" * 32,
            visibility="everyone",
        )
    assert set(err.value.errors) == {"body", "item_id", "visibility"}


def test_shared_changes_announce_notes_private_ones_do_not(settings, database, world) -> None:
    with database.transaction() as db:
        workshop = _ws(db, world)
        service.create(db, settings, viewer=world.p1.viewer, workshop=workshop, body="quiet")
        assert not db.info.get("live_events")
        service.create(
            db,
            settings,
            viewer=world.viewer("rapporteur"),
            workshop=workshop,
            body="loud",
            visibility="room",
        )
        assert db.info["live_events"] == {(workshop.id, "notes")}
