"""Bad input for every design form and API body: a 4xx with a message, never a 500; a
refused form comes back with the submitted values and the message next to the field."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.agenda import service as agenda
from app.rules.models import GroundRule
from app.workshops.models import Workshop
from tests.design.conftest import api, browser_for

LONG = "x" * 5000
BELL = "bad\x07text"

WORKSHOP = {
    "title": "Dialogue",
    "purpose": "",
    "track": "track2",
    "start_date": "",
    "end_date": "",
    "timezone": "UTC",
    "languages": "en",
    "k_min": "5",
    "default_level": "chatham",
    "archive_after_days": "",
}
SESSION = {
    "title": "Day",
    "day": "",
    "start_time": "",
    "end_time": "",
    "place": "",
    "level": "chatham",
}
ITEM = {
    "title": "Item",
    "description": "",
    "kind": "plenary",
    "phase": "opening",
    "duration_minutes": "30",
    "level": "",
}

# (url, base form, changes, the field that must be marked)
FORMS = [
    ("/workshops/new", WORKSHOP, {"title": ""}, "title"),
    ("/workshops/new", WORKSHOP, {"title": "x" * 201}, "title"),
    ("/workshops/new", WORKSHOP, {"title": BELL}, "title"),
    ("/workshops/new", WORKSHOP, {"purpose": LONG}, "purpose"),
    ("/workshops/new", WORKSHOP, {"track": "track9"}, "track"),
    ("/workshops/new", WORKSHOP, {"start_date": "2026-13-01"}, "start_date"),
    (
        "/workshops/new",
        WORKSHOP,
        {"start_date": "2026-05-02", "end_date": "2026-05-01"},
        "end_date",
    ),
    ("/workshops/new", WORKSHOP, {"timezone": "Mars/Olympus"}, "timezone"),
    ("/workshops/new", WORKSHOP, {"languages": "english!"}, "languages"),
    ("/workshops/new", WORKSHOP, {"k_min": "2"}, "k_min"),
    ("/workshops/new", WORKSHOP, {"k_min": "many"}, "k_min"),
    ("/workshops/new", WORKSHOP, {"default_level": "public"}, "default_level"),
    ("/workshops/new", WORKSHOP, {"archive_after_days": "0"}, "archive_after_days"),
    ("{w}/manage/settings", WORKSHOP, {"title": "  "}, "title"),
    ("{w}/manage/settings", WORKSHOP, {"timezone": "UTC+2"}, "timezone"),
    ("{w}/manage/settings", WORKSHOP, {"k_min": "1000"}, "k_min"),
    ("{w}/manage/parties", {"name": "P", "description": ""}, {"name": ""}, "name"),
    ("{w}/manage/parties", {"name": "P", "description": ""}, {"description": LONG}, "description"),
    ("{w}/manage/parties/{party}", {"name": "P", "description": ""}, {"name": BELL}, "name"),
    ("{w}/manage/rules", {"title": "R", "body": ""}, {"title": ""}, "title"),
    ("{w}/manage/rules", {"title": "R", "body": ""}, {"body": LONG}, "body"),
    ("{w}/manage/rules/{rule}", {"title": "R", "body": ""}, {"title": BELL}, "title"),
    ("{w}/manage/sessions", SESSION, {"title": ""}, "title"),
    ("{w}/manage/sessions", SESSION, {"day": "tomorrow"}, "day"),
    ("{w}/manage/sessions", SESSION, {"start_time": "25:00"}, "start_time"),
    ("{w}/manage/sessions", SESSION, {"start_time": "10:00", "end_time": "09:00"}, "end_time"),
    ("{w}/manage/sessions", SESSION, {"place": "x" * 201}, "place"),
    ("{w}/manage/sessions", SESSION, {"level": "secret"}, "level"),
    ("{w}/manage/sessions/{session}", SESSION, {"start_time": "9am"}, "start_time"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"title": ""}, "title"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"kind": "lecture"}, "kind"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"phase": "lunch"}, "phase"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"duration_minutes": "0"}, "duration_minutes"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"duration_minutes": "ten"}, "duration_minutes"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"level": "loud"}, "level"),
    ("{w}/manage/sessions/{session}/items", ITEM, {"description": LONG}, "description"),
    ("{w}/manage/items/{item}", ITEM, {"duration_minutes": "2000"}, "duration_minutes"),
    ("{w}/manage/items/{item}", ITEM, {"title": BELL}, "title"),
    ("{w}/manage/staff", {"email": "a@b.org", "role": "observer"}, {"email": ""}, "email"),
    ("{w}/manage/staff", {"email": "a@b.org", "role": "observer"}, {"role": "king"}, "role"),
    ("{w}/manage/staff", {"email": "a@b.org", "role": "observer"}, {}, "email"),
    (
        "{w}/manage/roster",
        {"display_name": "N", "party_id": "{party}", "affiliation": ""},
        {"display_name": ""},
        "display_name",
    ),
    (
        "{w}/manage/roster",
        {"display_name": "N", "party_id": "{party}", "affiliation": ""},
        {"party_id": ""},
        "party_id",
    ),
    (
        "{w}/manage/roster",
        {"display_name": "N", "party_id": "{party}", "affiliation": ""},
        {"affiliation": LONG},
        "affiliation",
    ),
    ("{w}/manage/archive", {"confirm_title": ""}, {}, None),
]

# (method, url, body)
BODIES = [
    ("POST", "/api/v1/workshops", {}),
    ("POST", "/api/v1/workshops", {"title": "x" * 201}),
    ("POST", "/api/v1/workshops", {"title": 5}),
    ("POST", "/api/v1/workshops", {"title": "ok", "timezone": "Nowhere/Town"}),
    ("POST", "/api/v1/workshops", {"title": "ok", "k_min": 1}),
    ("POST", "/api/v1/workshops", {"title": "ok", "languages": ["en"]}),
    ("POST", "/api/v1/workshops", {"title": "ok", "surprise": True}),
    ("POST", "/api/v1/workshops", "not an object"),
    ("PATCH", "{w}", {"default_level": "public"}),
    ("PATCH", "{w}", {"start_date": "yesterday"}),
    ("PATCH", "{w}", {"title": None}),
    ("PATCH", "{w}", {"title": BELL}),
    ("POST", "{w}/status", {"to": "bogus"}),
    ("POST", "{w}/status", {"to": "archived"}),
    ("POST", "{w}/archive", {"confirm_title": "nope"}),
    ("POST", "{w}/parties", {"name": ""}),
    ("PATCH", "{w}/parties/{party}", {"name": BELL}),
    ("POST", "{w}/parties/{party}/move", {"direction": "left"}),
    ("POST", "{w}/rules", {"title": ""}),
    ("POST", "{w}/rules", {"title": "x", "body": "y" * 4001}),
    ("PATCH", "{w}/rules/{rule}", {"title": "\u0000"}),
    ("POST", "{w}/rules/{rule}/move", {"direction": 1}),
    ("POST", "{w}/sessions", {"title": "S", "start_time": "10:00", "end_time": "09:00"}),
    ("POST", "{w}/sessions", {"title": "S", "day": "2026-02-30"}),
    ("POST", "{w}/sessions", {"title": "S", "start_time": "10:00+02:00", "end_time": "11:00"}),
    ("PATCH", "{w}/sessions/{session}", {"level": "none"}),
    ("POST", "{w}/sessions/{session}/items", {"title": "I", "duration_minutes": 0}),
    ("POST", "{w}/sessions/{session}/items", {"title": "I", "kind": "lecture"}),
    ("POST", "{w}/sessions/{session}/items", {"title": "I", "duration_minutes": "ten"}),
    ("PATCH", "{w}/items/{item}", {"phase": "x"}),
    ("PATCH", "{w}/items/{item}", {"duration_minutes": 3.5}),
    ("POST", "{w}/staff", {"email": "nobody@example.org", "role": "observer"}),
    ("POST", "{w}/staff", {"email": "x", "role": "king"}),
    ("PATCH", "{w}/staff/{membership}", {"role": "boss"}),
    ("POST", "{w}/roster", {"display_name": "", "party_id": "nope"}),
    ("POST", "{w}/roster", {"display_name": "A", "party_id": "nope"}),
]


@pytest.fixture
def place(world) -> dict[str, str]:
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        meeting = agenda.add_session(db, viewer=viewer, workshop=workshop, data={"title": "S"})
        item = agenda.add_item(
            db, viewer=viewer, workshop=workshop, meeting_id=meeting.id, data={"title": "I"}
        )
        rule = db.exec(select(GroundRule).where(GroundRule.workshop_id == workshop.id)).first()
        from app.workshops.models import Membership

        membership = db.exec(
            select(Membership).where(Membership.user_id == world.users["observer"].id)
        ).one()
        return {
            "w": workshop.id,
            "session": meeting.id,
            "item": item.id,
            "rule": rule.id,
            "party": world.parties[0].id,
            "membership": membership.id,
        }


def _fill(text: str, place: dict[str, str]) -> str:
    for key, value in place.items():
        text = text.replace("{" + key + "}", value)
    return text


@pytest.fixture
def session_browser(app, world):  # type: ignore[no-untyped-def]
    return browser_for(app, world, "organizer")


@pytest.fixture
def counts(world):  # type: ignore[no-untyped-def]
    def snapshot() -> tuple[int, int]:
        with world.database.session() as db:
            workshop = db.get(Workshop, world.workshop.id)
            return workshop.rules_version, len(db.exec(select(Workshop)).all())

    return snapshot


@pytest.mark.parametrize(("url", "base", "changes", "field"), FORMS)
def test_every_form_refuses_bad_input_next_to_the_field(
    session_browser, place, counts, url, base, changes, field
) -> None:
    before = counts()
    data = {k: _fill(v, place) for k, v in {**base, **changes}.items()}
    if not changes and field == "email":
        data.pop("email")
    target = url.replace("{w}", "/w/{w}") if url.startswith("{w}") else url
    page = session_browser.post(_fill(target, place), data)
    assert 400 <= page.status_code < 500, (page.status_code, page.text[:500])
    assert 'class="error"' in page.text
    if field:
        assert 'aria-invalid="true"' in page.text
        assert f'{field}-error"' in page.text
        assert "aria-describedby=" in page.text
        kept = data.get(field, "")
        if (
            kept
            and kept not in (LONG, BELL)
            and field
            not in ("kind", "phase", "level", "role", "track", "default_level", "party_id")
        ):
            assert kept in page.text  # the submitted value is shown again
    assert counts() == before  # nothing was saved


@pytest.mark.parametrize(("method", "url", "body"), BODIES)
def test_every_api_body_refuses_bad_input(session_browser, place, method, url, body) -> None:
    target = url.replace("{w}", "/api/v1/workshops/{w}") if url.startswith("{w}") else url
    response = api(session_browser, method, _fill(target, place), body)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    error = response.json()["error"]
    assert error["message"]


def test_participant_accept_with_a_bad_version(app, world) -> None:
    p = browser_for(app, world, "participant")
    wid = world.workshop.id
    assert (
        api(p, "POST", f"/api/v1/workshops/{wid}/rules/accept", {"version": "abc"}).status_code
        == 422
    )
    assert p.post(f"/w/{wid}/rules/accept", {"version": "99"}).status_code == 409
