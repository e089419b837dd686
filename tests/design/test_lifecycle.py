"""The workshop lifecycle: every transition allowed and refused, archive, read-only states."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.agenda import service as agenda
from app.audit.models import AuditEntry
from app.errors import Conflict, Invalid
from app.workshops import service
from app.workshops.models import Workshop
from tests.design.conftest import api, browser_for

ALLOWED = {
    ("draft", "open"),
    ("open", "draft"),
    ("open", "live"),
    ("open", "closed"),
    ("live", "open"),
    ("live", "closed"),
    ("closed", "live"),
}
ALL = [(a, b) for a in service.STATUSES for b in service.STATUSES]


def _prepare(world, status: str) -> None:
    """Give the workshop an agenda item (needed to go live) and put it in `status`."""
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        meeting = agenda.add_session(db, viewer=viewer, workshop=workshop, data={"title": "Day 1"})
        agenda.add_item(
            db, viewer=viewer, workshop=workshop, meeting_id=meeting.id, data={"title": "Opening"}
        )
        workshop.status = status
        db.add(workshop)


@pytest.mark.parametrize(("before", "after"), ALL)
def test_every_transition(world, before, after) -> None:
    _prepare(world, before)
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        if (before, after) in ALLOWED:
            service.transition(db, viewer=viewer, workshop=workshop, to=after)
            assert workshop.status == after
        else:
            with pytest.raises(Conflict):
                service.transition(db, viewer=viewer, workshop=workshop, to=after)
            assert workshop.status == before


@pytest.mark.parametrize(("before", "after"), sorted(ALLOWED))
def test_transition_through_the_page_is_audited(app, world, before, after) -> None:
    _prepare(world, before)
    b = browser_for(app, world, "organizer")
    page = b.post(f"/w/{world.workshop.id}/manage/status", {"to": after})
    assert page.status_code == 303
    with world.database.session() as db:
        assert db.get(Workshop, world.workshop.id).status == after
        entries = db.exec(select(AuditEntry).where(AuditEntry.action == "workshop.status")).all()
        assert [e.detail for e in entries] == [f"{before} -> {after}"]


def test_refused_transition_renders_message(org, world) -> None:
    page = org.post(f"/w/{world.workshop.id}/manage/status", {"to": "archived"})
    assert page.status_code == 409
    assert "archive page" in page.text
    page = org.post(f"/w/{world.workshop.id}/manage/status", {"to": "nonsense"})
    assert page.status_code == 422


@pytest.mark.parametrize("role", ["facilitator", "rapporteur", "observer"])
def test_only_organizers_change_state(app, world, role) -> None:
    _prepare(world, "open")
    b = browser_for(app, world, role)
    assert b.post(f"/w/{world.workshop.id}/manage/status", {"to": "live"}).status_code == 404
    with world.database.session() as db:
        assert db.get(Workshop, world.workshop.id).status == "open"


def test_open_needs_rules_and_live_needs_an_item(world) -> None:
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        with pytest.raises(Conflict, match="agenda item"):
            service.transition(db, viewer=viewer, workshop=workshop, to="live")
        workshop.status = "draft"
        from app.rules import service as rules

        for rule in rules.list_rules(db, workshop, viewer=viewer):
            rules.delete(db, viewer=viewer, workshop=workshop, rule_id=rule.id)
        with pytest.raises(Conflict, match="ground rule"):
            service.transition(db, viewer=viewer, workshop=workshop, to="open")


def test_archive_needs_closed_and_the_title(org, world) -> None:
    wid = world.workshop.id
    page = org.post(f"/w/{wid}/manage/archive", {"confirm_title": world.workshop.title})
    assert page.status_code == 409  # still open
    _prepare(world, "closed")
    page = org.post(f"/w/{wid}/manage/archive", {"confirm_title": "wrong title"})
    assert page.status_code == 409  # valid alone, not with what is stored (Inconsistent)
    assert 'aria-invalid="true"' in page.text and "wrong title" in page.text
    page = org.post(f"/w/{wid}/manage/archive", {"confirm_title": world.workshop.title})
    assert page.status_code == 303
    with world.database.session() as db:
        workshop = db.get(Workshop, wid)
        assert workshop.status == "archived" and workshop.archived_at is not None
        assert db.exec(select(AuditEntry).where(AuditEntry.action == "workshop.archive")).first()


def test_archived_is_read_only(org, world, settings) -> None:
    _prepare(world, "closed")
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        service.archive(db, viewer=viewer, workshop=workshop, confirm_title=workshop.title)
    wid = world.workshop.id
    with world.database.transaction() as db:
        workshop = db.get(Workshop, wid)
        for to in service.STATUSES:
            with pytest.raises(Conflict):
                service.transition(db, viewer=viewer, workshop=workshop, to=to)
        with pytest.raises(Conflict):
            service.update(
                db, settings, viewer=viewer, workshop=workshop, data={"title": "x"}, partial=True
            )
    assert org.post(f"/w/{wid}/manage/rules", {"title": "New"}).status_code == 409
    assert org.post(f"/w/{wid}/manage/sessions", {"title": "New"}).status_code == 409
    assert org.post(f"/w/{wid}/manage/parties", {"name": "New"}).status_code == 409
    assert api(org, "PATCH", f"/api/v1/workshops/{wid}", {"title": "x"}).status_code == 409
    assert org.get(f"/w/{wid}/manage").status_code == 200


def test_participants_cannot_enter_a_draft(app, world) -> None:
    b = browser_for(app, world, "participant")
    assert b.get(f"/w/{world.workshop.id}").status_code == 200
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        workshop.status = "draft"
        db.add(workshop)
    assert b.get(f"/w/{world.workshop.id}", follow_redirects=False).status_code == 404


def test_create_workshop_page(org, world) -> None:
    page = org.post(
        "/workshops/new",
        {
            "title": "حوار الوادي",
            "purpose": "שיחה על עתיד העמק",
            "track": "track1_5",
            "start_date": "2026-12-01",
            "end_date": "2026-12-03",
            "timezone": "Asia/Jerusalem",
            "languages": "ar, he, en",
            "k_min": "4",
            "default_level": "off_record",
            "archive_after_days": "90",
        },
    )
    assert page.status_code == 303, page.text
    manage = org.get(page.headers["location"])
    assert manage.status_code == 200 and "حوار الوادي" in manage.text
    with world.database.session() as db:
        created = db.exec(select(Workshop).where(Workshop.title == "حوار الوادي")).one()
        assert created.k_min == 4 and created.languages == "ar,he,en"
        assert created.rules_version == 1 and created.default_level == "off_record"


def test_k_defaults_from_settings_and_never_below_3(org, settings) -> None:
    page = org.post(
        "/workshops/new", {"title": "T", "timezone": "UTC", "languages": "en", "k_min": "2"}
    )
    assert page.status_code == 422 and "between 3 and" in page.text
    body = api(org, "POST", "/api/v1/workshops", {"title": "Via API"})
    assert body.status_code == 201, body.text
    assert body.json()["k_min"] == settings.default_k


def test_invalid_time_zone_and_dates(world, settings) -> None:
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        with pytest.raises(Invalid) as refused:
            service.update(
                db,
                settings,
                viewer=viewer,
                workshop=workshop,
                data={
                    "timezone": "Mars/Olympus",
                    "start_date": "2026-05-02",
                    "end_date": "2026-05-01",
                },
                partial=True,
            )
        assert set(refused.value.errors) == {"timezone", "end_date"}


def test_archiving_through_the_page_and_api_shreds(org, world) -> None:
    from app.roster.models import Participant
    from app.workshops.models import WorkshopKey

    _prepare(world, "closed")
    wid = world.workshop.id
    refused = api(org, "POST", f"/api/v1/workshops/{wid}/archive", {"confirm_title": "no"})
    assert refused.status_code == 409  # valid alone, not with what is stored (Inconsistent)
    done = api(
        org, "POST", f"/api/v1/workshops/{wid}/archive", {"confirm_title": world.workshop.title}
    )
    assert done.status_code == 200 and done.json()["status"] == "archived"
    with world.database.session() as db:
        assert db.get(WorkshopKey, wid) is None
        names = [
            p.display_name
            for p in db.exec(select(Participant).where(Participant.workshop_id == wid))
        ]
        assert names and all(name is None for name in names)
