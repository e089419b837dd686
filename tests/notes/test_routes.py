"""Notes pages and JSON API: works without JS, fragments, confirmation page, role labels."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from app.notes.models import Note
from app.roster.models import RulesAcceptance
from app.workshops.models import Workshop
from tests.factories import Browser, World, make_world
from tests.policy.seed import add_items


def _world(settings, database) -> World:  # type: ignore[no-untyped-def]
    world = make_world(
        settings, database, status="live", names=["Alma Quill", "Boris Fenn", "Cleo Ward"]
    )
    with database.transaction() as db:
        world.items = add_items(db, db.get(Workshop, world.workshop.id))  # type: ignore[attr-defined]
    return world


def _participant(app, database, world: World, index: int) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser(TestClient(app, base_url="http://testserver"))
    browser.join(world.invitations[index])
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        db.add(
            RulesAcceptance(
                participant_id=world.invitations[index].participant.id,
                version=workshop.rules_version,
            )
        )
    return browser


def _staff(app, world: World, role: str) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser(TestClient(app, base_url="http://testserver"))
    browser.login(world.users[role])
    return browser


def _note_ids(database) -> list[str]:  # type: ignore[no-untyped-def]
    with database.session() as db:
        return [n.id for n in db.exec(select(Note))]


def test_participant_writes_a_private_note_without_js(app, settings, database) -> None:
    world = _world(settings, database)
    wid = world.workshop.id
    alma = _participant(app, database, world, 0)
    page = alma.get(f"/w/{wid}/notes")
    assert page.status_code == 200
    assert "Nobody, staff included, can tell which notes are yours" in page.text
    saved = alma.post(f"/w/{wid}/notes", {"body": "**mine** only", "item_id": ""})
    assert saved.status_code == 303
    page = alma.get(saved.headers["location"].split("#")[0])
    match = re.search(
        r'<div class="note-body" dir="auto" hx-disable><p><strong>mine</strong>', page.text
    )
    assert match, page.text
    boris = _participant(app, database, world, 1)
    assert "mine</strong>" not in boris.get(f"/w/{wid}/notes").text
    organizer = _staff(app, world, "organizer")
    assert "mine</strong>" not in organizer.get(f"/w/{wid}/notes").text
    (note_id,) = _note_ids(database)
    assert boris.get(f"/w/{wid}/notes/{note_id}").status_code == 404
    assert boris.get(f"/w/{wid}/notes/{note_id}/edit").status_code == 404
    assert boris.post(f"/w/{wid}/notes/{note_id}/delete").status_code == 404
    assert alma.get(f"/w/{wid}/notes/{note_id}/edit").status_code == 200
    assert alma.post(f"/w/{wid}/notes/{note_id}/delete").status_code == 303
    assert _note_ids(database) == []


def test_bad_input_keeps_what_was_typed(app, settings, database) -> None:
    world = _world(settings, database)
    rap = _staff(app, world, "rapporteur")
    page = rap.post(
        f"/w/{world.workshop.id}/notes",
        {
            "body": "keep this text",
            "item_id": world.items["off_record"].id,  # type: ignore[attr-defined]
            "visibility": "summary",
        },
    )
    assert page.status_code == 409  # valid alone, not with what is stored (Inconsistent)
    assert "can never be cleared for the summary" in page.text
    assert "keep this text</textarea>" in page.text
    assert _note_ids(database) == []


def test_widening_asks_for_confirmation_in_plain_words(app, settings, database) -> None:
    world = _world(settings, database)
    wid = world.workshop.id
    rap = _staff(app, world, "rapporteur")
    rap.post(f"/w/{wid}/notes", {"body": "Agreed to meet again", "visibility": "private"})
    (note_id,) = _note_ids(database)
    asked = rap.post(f"/w/{wid}/notes/{note_id}/visibility", {"visibility": "room"})
    assert asked.status_code == 303
    confirm = rap.get(asked.headers["location"])
    assert confirm.status_code == 200
    assert (
        "Everyone in the workshop, including participants and observers, will be able to read "
        "this note." in confirm.text
    )
    alma = _participant(app, database, world, 0)
    assert "Agreed to meet again" not in alma.get(f"/w/{wid}/notes").text
    done = rap.post(
        f"/w/{wid}/notes/{note_id}/visibility", {"visibility": "room", "confirm": "yes"}
    )
    assert done.status_code == 303
    page = alma.get(f"/w/{wid}/notes")
    assert "Agreed to meet again" in page.text
    assert "Rapporteur" in page.text
    rapporteur = world.users["rapporteur"]
    assert rapporteur.display_name not in page.text and rapporteur.email not in page.text
    # htmx fragment: just the list block
    fragment = alma.get(f"/w/{wid}/notes?fragment=notes", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="notes-list"')
    assert "<html" not in fragment.text and "Agreed to meet again" in fragment.text
    # narrowing: no confirmation
    narrowed = rap.post(f"/w/{wid}/notes/{note_id}/visibility", {"visibility": "team"})
    assert narrowed.status_code == 303 and "visibility?to" not in narrowed.headers["location"]
    assert "Agreed to meet again" not in alma.get(f"/w/{wid}/notes").text


def test_anonymous_and_outsiders_get_404(app, settings, database) -> None:
    world = _world(settings, database)
    other = make_world(settings, database, status="live")
    anon = Browser(TestClient(app, base_url="http://testserver"))
    assert anon.get(f"/w/{world.workshop.id}/notes").status_code == 404
    outsider = _staff(app, other, "organizer")
    assert outsider.get(f"/w/{world.workshop.id}/notes").status_code == 404
    assert outsider.client.get(f"/api/v1/workshops/{world.workshop.id}/notes").status_code == 404


def test_json_api(app, settings, database) -> None:
    world = _world(settings, database)
    wid = world.workshop.id
    rap = _staff(app, world, "rapporteur")
    headers = {"X-CSRF-Token": rap.ensure_token()}
    base = f"/api/v1/workshops/{wid}/notes"
    made = rap.client.post(base, json={"body": "api note", "visibility": "team"}, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["mine"] is True and body["role_label"] == "Rapporteur"
    assert not {k for k in body if k.startswith("author")}
    nid = body["id"]
    bad = rap.client.post(base, json={"body": "x", "visibility": "nope"}, headers=headers)
    assert bad.status_code == 422 and "visibility" in bad.json()["error"]["fields"]
    widen = rap.client.patch(f"{base}/{nid}", json={"visibility": "room"}, headers=headers)
    assert widen.status_code == 409
    assert "including participants and observers" in widen.json()["error"]["message"]
    widen = rap.client.patch(
        f"{base}/{nid}", json={"visibility": "room", "confirm": True}, headers=headers
    )
    assert widen.status_code == 200 and widen.json()["visibility"] == "room"
    org = _staff(app, world, "organizer")
    listed = org.client.get(base).json()["notes"]
    assert [(n["id"], n["mine"], n["role_label"]) for n in listed] == [(nid, False, "Rapporteur")]
    org_headers = {"X-CSRF-Token": org.ensure_token()}
    assert org.client.delete(f"{base}/{nid}", headers=org_headers).status_code == 404
    assert rap.client.delete(f"{base}/{nid}", headers=headers).status_code == 204
    assert rap.client.get(f"{base}/{nid}").status_code == 404
