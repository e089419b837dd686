"""The translator (issue 18): sees text to translate and never an author, writes
translations, and nothing else; translations appear beside revealed proposals, in the
reader's language, on the page and in the JSON API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sqlmodel import select

from app import i18n
from app.agenda.models import AgendaItem
from app.errors import NotFound
from app.notes import service as notes
from app.room import moderation, proposals, runtime
from app.translations import texts
from app.translations.models import TextTranslation
from app.workshops import service as workshops
from tests.factories import make_world
from tests.room.conftest import Room, add_agenda
from tests.room.helpers import open_round, participant_viewer, reveal, submit, tx

ARABIC = "لجنة مشتركة لمراقبة النهر"


@pytest.fixture
def room(app, client, settings, database) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    world = make_world(
        settings, database, status="live", participants_per_party=3, languages="en,ar"
    )
    contribution, plenary, on_record = add_agenda(world)
    result = Room(world, app, contribution, plenary, on_record)
    yield result
    for extra in result.clients:
        extra.close()


def _worklist(room: Room) -> list[texts.ToTranslate]:
    translator = room.world.viewer("translator")
    with room.world.database.transaction() as db:
        workshop = workshops.get(db, room.wid, viewer=translator, action="translate")
        return texts.worklist(db, viewer=translator, workshop=workshop)


def _translate(room: Room, kind: str, object_id: str, lang: str, text: str) -> None:
    translator = room.world.viewer("translator")
    with room.world.database.transaction() as db:
        workshop = workshops.get(db, room.wid, viewer=translator, action="translate")
        texts.save(
            db,
            viewer=translator,
            workshop=workshop,
            kind=kind,
            object_id=object_id,
            lang=lang,
            text=text,
        )


def _note(room: Room, visibility: str, body: str) -> str:
    rapporteur = room.world.viewer("rapporteur")
    with tx(room.world, rapporteur) as (db, workshop):
        return notes.create(
            db,
            room.world.settings,
            viewer=rapporteur,
            workshop=workshop,
            body=body,
            visibility=visibility,
        ).id


def test_the_translator_sees_exactly_the_texts_the_issue_names(room) -> None:
    world, item = room.world, room.contribution.id
    open_round(world, item)
    first = [submit(world, participant_viewer(world, i), f"Early idea {i}") for i in range(4)]
    # four pending, fewer than the minimum batch of five: nothing of them on the list
    assert _worklist(room) == []
    fifth = submit(world, participant_viewer(world, 4), "Early idea 4")
    listed = {p.id for p in [*first, fifth]}
    assert {(t.kind, t.id, t.state) for t in _worklist(room)} == {
        ("proposal", pid, "pending") for pid in listed
    }
    assert reveal(world, item, override_reason=None) == 5
    hidden = first[0].id
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        moderation.hide(db, viewer=fac, workshop=workshop, proposal_id=hidden, reason="off topic")
    late = submit(world, participant_viewer(world, 5), "A late one, alone")  # one pending
    shared = {v: _note(room, v, f"A note for {v}") for v in ("room", "summary")}
    for visibility in ("team", "private"):
        _note(room, visibility, f"A note for {visibility}")
    got = {(t.kind, t.id, t.state) for t in _worklist(room)}
    expected = {("proposal", pid, "revealed") for pid in listed - {hidden}}
    expected |= {("note", nid, v) for v, nid in shared.items()}
    assert got == expected
    assert late.id not in {t.id for t in _worklist(room)}


def test_waiting_proposals_of_two_items_never_add_up_to_a_group(room) -> None:
    """Four left waiting on one item and one new on the next are two groups too small, not a
    group of five: else the translator would see each new proposal the moment it is sent."""
    world = room.world
    open_round(world, room.contribution.id)
    for i in range(4):
        submit(world, participant_viewer(world, i), f"Left waiting {i}")
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=room.contribution.id)
    open_round(world, room.on_record.id)
    alone = submit(world, participant_viewer(world, 4), "The only one on the next item")
    assert _worklist(room) == []
    assert alone.id not in {p.id for p in _staff_pending(room)}


def _staff_pending(room: Room) -> list[proposals.ProposalView]:
    fac = room.world.viewer("facilitator")
    with tx(room.world, fac) as (db, workshop):
        item = db.get(AgendaItem, room.on_record.id)
        listed = proposals.for_item(
            db, room.world.settings, viewer=fac, workshop=workshop, item=item
        )
        return list(listed.pending)


def test_the_translator_never_sees_an_author(room) -> None:
    world, item = room.world, room.on_record.id
    open_round(world, item)
    names = [inv.participant.display_name for inv in world.invitations]
    for i in range(5):
        viewer = participant_viewer(world, i)
        with tx(world, viewer) as (db, workshop):
            proposals.submit(
                db,
                world.settings,
                viewer=viewer,
                workshop=workshop,
                text=f"Statement {i}",
                idempotency_key=proposals.new_idempotency_key(),
                attribute=True,
            )
    reveal(world, item, override_reason=None)
    todo = _worklist(room)
    assert len(todo) == 5
    fields = {f.name for f in dataclasses.fields(texts.ToTranslate)}
    assert fields == {"kind", "id", "state", "state_label", "text", "translations"}
    page = room.staff("translator").get(f"/w/{room.wid}/translate")
    assert page.status_code == 200
    for t in todo:
        assert t.text in page.text
    for secret in [*names, *(p.name for p in world.parties), "attributed to"]:
        assert secret not in page.text
    # the participants do see the opted-in attribution: the translator does not
    viewer_page = room.participant(0)[0].get(f"/w/{room.wid}/room?item={item}")
    assert "attributed to" in viewer_page.text


@pytest.mark.parametrize(
    "path",
    [
        "/w/{wid}/room",
        "/w/{wid}/rules",
        "/w/{wid}/notes",
        "/w/{wid}/manage",
        "/w/{wid}/manage/roster",
        "/w/{wid}/manage/audit",
        "/w/{wid}/console",
        "/api/v1/workshops/{wid}",
        "/api/v1/workshops/{wid}/room",
        "/api/v1/workshops/{wid}/parties",
        "/api/v1/workshops/{wid}/notes",
    ],
)
def test_the_translator_reads_nothing_else(room, path: str) -> None:
    assert room.staff("translator").get(path.format(wid=room.wid)).status_code == 404


def test_a_translation_beside_the_revealed_proposal_in_the_readers_language(room) -> None:
    world, item = room.world, room.contribution.id
    open_round(world, item)
    pending = [submit(world, participant_viewer(world, i), f"Idea {i}") for i in range(5)]
    target = pending[0]
    _translate(room, "proposal", target.id, "ar", ARABIC)
    arabic, _ = room.participant(0)
    arabic.client.cookies.set("tt_lang", "ar")
    # not yet revealed: no participant, not even its author, sees its translation
    assert ARABIC not in arabic.get(f"/w/{room.wid}/room").text
    author = participant_viewer(world, 0)
    with tx(world, author) as (db, workshop), i18n.using("ar"):
        ids = [target.id]
        assert texts.beside(db, viewer=author, workshop=workshop, kind="proposal", ids=ids) == {}
    reveal(world, item, override_reason=None)
    page = arabic.get(f"/w/{room.wid}/room").text
    assert f'<div class="user-text" lang="ar" dir="auto" hx-disable>{ARABIC}</div>' in page
    assert "Idea 0" in page
    english, _ = room.participant(3)
    assert ARABIC not in english.get(f"/w/{room.wid}/room").text  # not their language
    api = arabic.client.get(f"/api/v1/workshops/{room.wid}/room")
    assert api.status_code == 200
    shown = [p for p in _proposals(api.json()) if p["id"] == target.id]
    assert shown and shown[0]["translation"] == ARABIC and shown[0]["translation_lang"] == "ar"
    others = [p for p in _proposals(api.json()) if p["id"] != target.id]
    assert others and all(p["translation"] == "" for p in others)


def _proposals(payload: object) -> list[dict[str, object]]:
    """Every proposal object in a JSON payload, wherever it sits."""
    found: list[dict[str, object]] = []
    if isinstance(payload, dict):
        if "translation" in payload and "text" in payload:
            found.append(payload)
        for value in payload.values():
            found += _proposals(value)
    elif isinstance(payload, list):
        for value in payload:
            found += _proposals(value)
    return found


def test_the_translators_page_saves_and_refuses_clearly(room) -> None:
    world, item = room.world, room.contribution.id
    open_round(world, item)
    pending = [submit(world, participant_viewer(world, i), f"Idea {i}") for i in range(5)]
    reveal(world, item, override_reason=None)
    translator = room.staff("translator")
    page = translator.get(f"/w/{room.wid}/translate").text
    assert page.count('name="lang" value="ar"') == 5 and 'lang="ar" dir="rtl"' in page
    target = pending[1].id
    form = {"kind": "proposal", "id": target, "lang": "ar", "text": ARABIC}
    saved = translator.post(f"/w/{room.wid}/translate", form)
    assert saved.status_code == 303
    assert ARABIC in translator.get(f"/w/{room.wid}/translate").text
    too_long = translator.post(f"/w/{room.wid}/translate", {**form, "text": "ن" * 4001})
    assert too_long.status_code == 422 and "ن" * 4001 in too_long.text
    wrong_lang = translator.post(f"/w/{room.wid}/translate", {**form, "lang": "he"})
    assert wrong_lang.status_code == 409  # a language, not one of the workshop (Inconsistent)
    unknown = translator.post(f"/w/{room.wid}/translate", {**form, "id": "0" * 32})
    assert unknown.status_code == 404
    cleared = translator.post(f"/w/{room.wid}/translate", {**form, "text": ""})
    assert cleared.status_code == 303
    with world.database.session() as db:
        assert list(db.exec(select(TextTranslation))) == []
    # the translator's workshop page is that list
    home = translator.get(f"/w/{room.wid}", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == f"/w/{room.wid}/translate"


def test_the_rooms_item_in_the_readers_language_or_marked(room) -> None:
    world, item = room.world, room.contribution
    facilitator = room.staff("facilitator")
    edited = facilitator.post(
        f"/w/{room.wid}/manage/items/{item.id}",
        {
            "title": item.title,
            "description": "",
            "title__ar": "خيارات لنزاع المياه",
            "kind": "contribution",
            "phase": "brainstorming",
            "duration_minutes": "30",
            "level": "chatham",
        },
    )
    assert edited.status_code == 303, edited.text
    open_round(world, item.id)
    arabic, _ = room.participant(0)
    arabic.client.cookies.set("tt_lang", "ar")
    page = arabic.get(f"/w/{room.wid}/room").text
    assert 'lang="ar" dir="auto" hx-disable>خيارات لنزاع المياه</h2>' in page
    assert "original-language" not in page
    french, _ = room.participant(3)
    french.client.cookies.set("tt_lang", "fr")
    page = french.get(f"/w/{room.wid}/room").text
    assert f'lang="en" dir="auto" hx-disable>{item.title}</h2>' in page
    assert "(langue d’origine : anglais)" in page


def test_a_shared_notes_translation_beside_it_never_a_team_notes(room) -> None:
    shared = _note(room, "room", "The two sides agree on data sharing.")
    _translate(room, "note", shared, "ar", "يتفق الطرفان على تبادل البيانات.")
    team = _note(room, "team", "Team only: watch the timing.")
    translator = room.world.viewer("translator")
    with room.world.database.transaction() as db:
        workshop = workshops.get(db, room.wid, viewer=translator, action="translate")
        with pytest.raises(NotFound):  # not on the translator's list: cannot be translated
            texts.save(
                db,
                viewer=translator,
                workshop=workshop,
                kind="note",
                object_id=team,
                lang="ar",
                text="x",
            )
    arabic, _ = room.participant(0)
    arabic.client.cookies.set("tt_lang", "ar")
    page = arabic.get(f"/w/{room.wid}/notes").text
    assert 'lang="ar" dir="auto" hx-disable>يتفق الطرفان على تبادل البيانات.</div>' in page
    assert "يتفق الطرفان" not in room.participant(3)[0].get(f"/w/{room.wid}/notes").text


def test_the_translator_api_lists_text_only_and_writes(room) -> None:
    shared = _note(room, "summary", "Both sides asked for a second round.")
    translator = room.staff("translator")
    token = translator.ensure_token()
    listed = translator.client.get(f"/api/v1/workshops/{room.wid}/translate")
    assert listed.status_code == 200
    body = listed.json()
    assert body["languages"] == ["en", "ar"]
    assert [(i["kind"], i["id"]) for i in body["items"]] == [("note", shared)]
    assert set(body["items"][0]) == {"kind", "id", "state", "state_label", "text", "translations"}
    url = f"/api/v1/workshops/{room.wid}/translate"
    headers = {"X-CSRF-Token": token}
    ok = {"kind": "note", "id": shared, "lang": "ar", "text": "طلب الطرفان جولة ثانية."}
    assert translator.client.put(url, json=ok, headers=headers).status_code == 200
    again = translator.client.get(url).json()["items"][0]["translations"]
    assert again == {"ar": "طلب الطرفان جولة ثانية."}
    assert translator.client.put(url, json={**ok, "lang": "xx"}, headers=headers).status_code == 409
    assert translator.client.put(url, json={**ok, "extra": 1}, headers=headers).status_code == 422
    assert (
        translator.client.put(url, json={**ok, "id": "f" * 32}, headers=headers).status_code == 404
    )


def _translations_of(room: Room, object_id: str) -> list[TextTranslation]:
    with room.world.database.session() as db:
        return list(db.exec(select(TextTranslation).where(TextTranslation.object_id == object_id)))


@pytest.mark.parametrize("change", ["author edits", "withdrawn", "moderator edits"])
def test_a_changed_text_loses_its_translations(room, change: str) -> None:
    """A translation shows the wording it was made from: after an edit (the author's, or a
    moderator taking out an identifying detail) or a withdrawal it is gone, not left beside a
    text that no longer says it."""
    world, item = room.world, room.contribution.id
    open_round(world, item)
    author = participant_viewer(world, 0, secret=b"s" * 32)
    target = submit(world, author, "Idea 0")
    for i in range(1, 5):
        submit(world, participant_viewer(world, i), f"Idea {i}")
    _translate(room, "proposal", target.id, "ar", ARABIC)
    assert _translations_of(room, target.id)
    if change == "author edits":
        with tx(world, author) as (db, workshop):
            proposals.edit(
                db,
                world.settings,
                viewer=author,
                workshop=workshop,
                proposal_id=target.id,
                text="Idea 0, said otherwise",
            )
    elif change == "withdrawn":
        with tx(world, author) as (db, workshop):
            proposals.withdraw(
                db, world.settings, viewer=author, workshop=workshop, proposal_id=target.id
            )
    else:
        reveal(world, item, override_reason=None)
        fac = world.viewer("facilitator")
        with tx(world, fac) as (db, workshop):
            moderation.edit(
                db, viewer=fac, workshop=workshop, proposal_id=target.id, text="Idea, redacted"
            )
    assert _translations_of(room, target.id) == []


def test_a_rewritten_shared_note_loses_its_translations(room) -> None:
    note_id = _note(room, "room", "A note for the room")
    _translate(room, "note", note_id, "ar", ARABIC)
    assert _translations_of(room, note_id)
    rapporteur = room.world.viewer("rapporteur")
    with tx(room.world, rapporteur) as (db, workshop):
        notes.edit(
            db,
            room.world.settings,
            viewer=rapporteur,
            workshop=workshop,
            note_id=note_id,
            body="A note for the room, rewritten",
        )
    assert _translations_of(room, note_id) == []
