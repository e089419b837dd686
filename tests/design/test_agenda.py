"""Sessions and agenda items: defaults, the no-relaxing rule, reordering, the home page."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.agenda import service as agenda
from app.agenda.models import AgendaItem, Meeting
from app.audit.models import AuditEntry
from app.errors import Conflict, Invalid
from app.workshops.models import Workshop
from tests.design.conftest import api, browser_for


def _session(world, **data):
    viewer = world.viewer("facilitator")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        return agenda.add_session(
            db, viewer=viewer, workshop=workshop, data={"title": "Day one", **data}
        )


def _item(world, meeting_id, **data):
    viewer = world.viewer("facilitator")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        return agenda.add_item(
            db,
            viewer=viewer,
            workshop=workshop,
            meeting_id=meeting_id,
            data={"title": "Item", **data},
        )


def _start(world, item_id: str) -> None:
    """What the live room does when the facilitator starts an item."""
    with world.database.transaction() as db:
        item = db.get(AgendaItem, item_id)
        item.state = "live"
        db.add(item)


def _update(world, item_id, **data):
    viewer = world.viewer("facilitator")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        return agenda.update_item(
            db, viewer=viewer, workshop=workshop, item_id=item_id, data=data, partial=True
        )


def test_session_defaults_to_workshop_level_and_items_to_session_level(world) -> None:
    meeting = _session(world)
    assert meeting.level == "chatham"
    strict = _session(
        world, level="off_record", day="2026-12-01", start_time="09:00", end_time="12:30"
    )
    item = _item(world, strict.id)
    assert item.level == "off_record" and item.position == 0
    second = _item(world, strict.id, level="on_record", kind="round", phase="brainstorming")
    assert second.level == "on_record" and second.position == 1


def test_sessions_and_items_through_pages(app, world) -> None:
    wid = world.workshop.id
    f = browser_for(app, world, "facilitator")
    added = f.post(
        f"/w/{wid}/manage/sessions",
        {
            "title": "اليوم الأول",
            "day": "2026-12-01",
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "Genève",
            "level": "chatham",
        },
    )
    assert added.status_code == 303
    with world.database.session() as db:
        meeting = db.exec(select(Meeting).where(Meeting.workshop_id == wid)).one()
    added = f.post(
        f"/w/{wid}/manage/sessions/{meeting.id}/items",
        {
            "title": "צרכים ופחדים",
            "description": "",
            "kind": "round",
            "phase": "needs_fears",
            "duration_minutes": "45",
            "level": "",
        },
    )
    assert added.status_code == 303
    page = f.get(f"/w/{wid}/manage/agenda")
    assert "اليوم الأول" in page.text and "צרכים ופחדים" in page.text
    p = browser_for(app, world, "participant")
    home = p.get(f"/w/{wid}")
    assert 'class="level level-chatham"' in home.text
    assert "צרכים ופחדים" in home.text and 'dir="auto"' in home.text


def test_a_started_item_can_be_made_stricter_never_relaxed(world) -> None:
    meeting = _session(world)
    item = _item(world, meeting.id, level="chatham")
    assert _update(world, item.id, level="on_record").level == "on_record"  # planned: free
    _start(world, item.id)
    assert _update(world, item.id, level="chatham").level == "chatham"
    assert _update(world, item.id, level="off_record").level == "off_record"
    for relaxed in ("chatham", "on_record"):
        with pytest.raises(Invalid) as refused:
            _update(world, item.id, level=relaxed)
        assert refused.value.errors == {"level": refused.value.errors["level"]}
    with world.database.session() as db:
        assert db.get(AgendaItem, item.id).level == "off_record"


def test_no_relaxing_through_page_and_api(app, world, org) -> None:
    wid = world.workshop.id
    meeting = _session(world, level="off_record")
    item = _item(world, meeting.id)
    _start(world, item.id)
    page = org.post(
        f"/w/{wid}/manage/items/{item.id}",
        {
            "title": "Item",
            "description": "",
            "kind": "plenary",
            "phase": "opening",
            "duration_minutes": "30",
            "level": "on_record",
        },
    )
    assert page.status_code == 409  # valid alone, not with what is stored (Inconsistent)
    assert "never" in page.text and 'aria-invalid="true"' in page.text
    body = api(org, "PATCH", f"/api/v1/workshops/{wid}/items/{item.id}", {"level": "chatham"})
    assert body.status_code == 409 and "level" in body.json()["error"]["fields"]
    # the edit page offers only the same or stricter levels
    edit = org.get(f"/w/{wid}/manage/items/{item.id}")
    assert 'value="on_record"' not in edit.text and 'value="off_record"' in edit.text


def _update_session(world, meeting_id, level):
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        return agenda.update_session(
            db,
            viewer=viewer,
            workshop=workshop,
            meeting_id=meeting_id,
            data={"level": level},
            partial=True,
        )


def _audit_details(world, action):
    with world.database.session() as db:
        rows = db.exec(
            select(AuditEntry).where(
                AuditEntry.workshop_id == world.workshop.id, AuditEntry.action == action
            )
        )
        return sorted(row.detail for row in rows)


def test_session_level_stricter_tightens_items_relaxed_never_once_started(world) -> None:
    meeting = _session(world, level="on_record")
    planned = _item(world, meeting.id)
    started = _item(world, meeting.id)
    _start(world, started.id)
    _update_session(world, meeting.id, "off_record")
    with world.database.session() as db:
        for item_id in (planned.id, started.id):
            item = db.get(AgendaItem, item_id)
            assert (item.level, item.level_was) == ("off_record", "on_record")
    assert _audit_details(world, "session.level") == ["on_record -> off_record"]
    assert _audit_details(world, "item.level") == ["on_record -> off_record"] * 2
    for relaxed in ("chatham", "on_record"):
        with pytest.raises(Invalid) as refused:
            _update_session(world, meeting.id, relaxed)
        assert "level" in refused.value.errors
    with world.database.session() as db:
        assert db.get(Meeting, meeting.id).level == "off_record"
        assert db.get(AgendaItem, planned.id).level == "off_record"


def test_a_session_is_relaxed_with_its_items_while_nothing_has_started(world) -> None:
    meeting = _session(world, level="off_record")
    item = _item(world, meeting.id)
    _update_session(world, meeting.id, "chatham")
    with world.database.session() as db:
        row = db.get(AgendaItem, item.id)
        assert (row.level, row.level_was) == ("chatham", "off_record")


def test_a_planned_item_is_not_relaxed_once_its_session_has_started(app, world, org) -> None:
    meeting = _session(world, level="off_record")
    planned = _item(world, meeting.id)
    sibling = _item(world, meeting.id)
    other_session = _session(world, level="off_record")
    elsewhere = _item(world, other_session.id)
    assert _update(world, planned.id, level="chatham").level == "chatham"  # nothing started
    _start(world, sibling.id)
    with pytest.raises(Invalid) as refused:
        _update(world, planned.id, level="on_record")
    assert "session has started" in refused.value.errors["level"]
    assert _update(world, planned.id, level="off_record").level == "off_record"  # stricter
    assert _update(world, elsewhere.id, level="on_record").level == "on_record"  # other session
    wid = world.workshop.id
    body = api(org, "PATCH", f"/api/v1/workshops/{wid}/items/{planned.id}", {"level": "chatham"})
    assert (
        body.status_code == 409 and "level" in body.json()["error"]["fields"]
    )  # valid alone, not with what is stored (Inconsistent)
    edit = org.get(f"/w/{wid}/manage/items/{planned.id}")
    assert 'value="chatham"' not in edit.text and 'value="off_record"' in edit.text


def test_started_items_and_their_sessions_cannot_be_deleted(world) -> None:
    meeting = _session(world)
    item = _item(world, meeting.id)
    _start(world, item.id)
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        with pytest.raises(Conflict):
            agenda.delete_item(db, viewer=viewer, workshop=workshop, item_id=item.id)
        with pytest.raises(Conflict):
            agenda.delete_session(db, viewer=viewer, workshop=workshop, meeting_id=meeting.id)


@pytest.mark.parametrize("htmx", [False, True])
def test_reorder_sessions_and_items(org, world, htmx) -> None:
    wid = world.workshop.id
    first, second = _session(world, title="A"), _session(world, title="B")
    items = [_item(world, first.id, title=t).id for t in ("x", "y", "z")]
    headers = {"HX-Request": "true"} if htmx else {}
    q = "?fragment=agenda_list" if htmx else ""
    r = org.post(
        f"/w/{wid}/manage/sessions/{second.id}/move{q}", {"direction": "up"}, headers=headers
    )
    assert r.status_code == (200 if htmx else 303)
    if htmx:
        assert r.text.lstrip().startswith('<div id="agenda_list">')
    r = org.post(f"/w/{wid}/manage/items/{items[2]}/move{q}", {"direction": "up"}, headers=headers)
    assert r.status_code == (200 if htmx else 303)
    with world.database.session() as db:
        sessions = db.exec(select(Meeting).order_by(Meeting.position)).all()
        assert [s.title for s in sessions] == ["B", "A"]
        rows = db.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == first.id)
            .order_by(AgendaItem.position)
        ).all()
        assert [i.title for i in rows] == ["x", "z", "y"]
    bad = org.post(f"/w/{wid}/manage/items/{items[0]}/move", {"direction": "sideways"})
    assert bad.status_code == 422


def test_home_highlights_the_live_item_and_api_agenda(app, world, org) -> None:
    wid = world.workshop.id
    meeting = _session(world)
    _item(world, meeting.id, title="Before")
    live = _item(world, meeting.id, title="Now running")
    _start(world, live.id)
    p = browser_for(app, world, "participant")
    home = p.get(f"/w/{wid}")
    assert 'class="agenda-item is-live" aria-current="step"' in home.text
    fragment = p.get(f"/w/{wid}?fragment=agenda", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="agenda"')
    body = api(p, "GET", f"/api/v1/workshops/{wid}/agenda").json()
    items = body["sessions"][0]["items"]
    assert [i["is_live"] for i in items] == [False, True]
    assert api(p, "POST", f"/api/v1/workshops/{wid}/sessions", {"title": "x"}).status_code == 404


def test_api_covers_sessions_and_items(org, world) -> None:
    wid = world.workshop.id
    s = api(org, "POST", f"/api/v1/workshops/{wid}/sessions", {"title": "S", "level": "off_record"})
    assert s.status_code == 201, s.text
    sid = s.json()["id"]
    i = api(
        org,
        "POST",
        f"/api/v1/workshops/{wid}/sessions/{sid}/items",
        {"title": "I", "kind": "break"},
    )
    assert i.status_code == 201 and i.json()["level"] == "off_record"
    iid = i.json()["id"]
    assert (
        api(org, "PATCH", f"/api/v1/workshops/{wid}/items/{iid}", {"duration_minutes": 15}).json()[
            "duration_minutes"
        ]
        == 15
    )
    assert (
        api(org, "PATCH", f"/api/v1/workshops/{wid}/sessions/{sid}", {"place": "Oslo"}).json()[
            "place"
        ]
        == "Oslo"
    )
    assert api(org, "DELETE", f"/api/v1/workshops/{wid}/items/{iid}").status_code == 204
    assert api(org, "DELETE", f"/api/v1/workshops/{wid}/sessions/{sid}").status_code == 204
    assert api(org, "GET", f"/api/v1/workshops/{wid}/sessions").json() == {"sessions": []}
