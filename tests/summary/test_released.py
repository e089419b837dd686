"""What archive keeps: the released summary, byte for byte, for the organizer and rapporteur;
participants of an archived workshop get a page that says it is archived."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.summary import service as summary
from app.summary.formats.registry import FORMATS
from app.workshops import service as workshops
from tests.datasafety.seed import seed
from tests.factories import Browser


def _download(browser: Browser, wid: str, fmt: str) -> Any:
    browser.get(f"/w/{wid}/summary/released")
    return browser.post(f"/w/{wid}/summary/released.{fmt}")


def test_the_released_summary_survives_archive_byte_for_byte(
    settings: Settings, database: Database, client: Any, app: Any
) -> None:
    s = seed(settings, database)
    wid = s.workshop_id
    organizer = s.world.viewer("organizer")
    # a participant's browser: archive deletes participants' sessions, so after it a
    # participant's request is as anonymous as this one
    participant = Browser(TestClient(app, base_url="http://testserver"))
    with database.transaction() as db:
        workshop = workshops.get(db, wid, viewer=organizer)
        summary.release(db, settings, workshop, viewer=organizer)

    staff = {
        role: Browser(TestClient(app, base_url="http://testserver"))
        for role in ("organizer", "rapporteur", "observer")
    }
    for role, browser in staff.items():
        browser.login(s.world.users[role])
    released: dict[str, bytes] = {}
    for fmt in FORMATS:
        answer = _download(staff["organizer"], wid, fmt)
        assert answer.status_code == 200, (fmt, answer.text[:300])
        assert answer.content
        released[fmt] = answer.content
    assert b"joint commission" in released["md"]  # it is the summary, with its proposals
    assert staff["observer"].get(f"/w/{wid}/summary/released").status_code == 404

    archive = f"/w/{wid}/manage/archive"
    staff["organizer"].get(archive)
    assert (
        staff["organizer"].post(archive, {"confirm_title": s.world.workshop.title}).status_code
        == 303
    )

    for role in ("organizer", "rapporteur"):
        browser = staff[role]
        page = browser.get(f"/w/{wid}/summary", follow_redirects=True)
        assert page.status_code == 200
        assert "This workshop is archived. What stays readable" in page.text
        for fmt in FORMATS:
            answer = _download(browser, wid, fmt)
            assert answer.status_code == 200, (role, fmt)
            assert answer.content == released[fmt], (role, fmt)
    assert staff["observer"].post(f"/w/{wid}/summary/released.md").status_code in (403, 404)
    # nothing else of the content: the live export has no key to read with any more
    staff["organizer"].get(f"/w/{wid}/summary/released")
    assert staff["organizer"].post(f"/w/{wid}/summary/export.md").status_code == 409

    room = participant.get(f"/w/{wid}/room")
    assert room.status_code == 410
    assert "This workshop is archived" in room.text
    assert "joint commission" not in room.text


def test_release_keeps_nothing_while_the_check_blocks(
    settings: Settings, database: Database, client: Any
) -> None:
    """Release is export: with an open attribution hit it is refused, and nothing is kept."""
    s = seed(settings, database)
    organizer = s.world.viewer("organizer")
    with database.transaction() as db:
        workshop = workshops.get(db, s.workshop_id, viewer=organizer)
        summary.add_term(db, workshop, viewer=organizer, term="joint commission")
    browser = Browser(client)
    browser.login(s.world.users["organizer"])
    browser.get(f"/w/{s.workshop_id}/summary")
    refused = browser.post(f"/w/{s.workshop_id}/summary/release", {"override": "now"})
    assert refused.status_code == 409
    page = browser.get(f"/w/{s.workshop_id}/summary/released")
    assert "No summary was released." in page.text
