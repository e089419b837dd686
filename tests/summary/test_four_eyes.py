"""Four eyes on names: keeping a hit that matches a participant's name or an affiliation
counts only once a second staff member approves it; both are in the audit log."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.summary import service
from app.workshops.models import Workshop
from tests.factories import Browser
from tests.summary.seed import seed
from tests.summary.test_export import audit, export, open_hits, resolve_all, staff, workspace

REASON = "He asked to be quoted; on the record."


def other_staff(client, world, role: str = "rapporteur") -> Browser:  # type: ignore[no-untyped-def]
    """A second staff member in a browser of their own (own cookies)."""
    browser = Browser(TestClient(client.app, base_url="http://testserver"))
    browser.login(world.users[role])
    return browser


def _name_hit(database, settings, world):  # type: ignore[no-untyped-def]
    return next(h for h in open_hits(database, settings, world) if h.match == "jose nunez")


def _api(browser, method: str, url: str, body=None):  # type: ignore[no-untyped-def]
    headers = {"X-CSRF-Token": browser.ensure_token()}
    return browser.client.request(method, url, json=body, headers=headers)


def test_a_kept_name_needs_a_second_staff_member_through_the_form(
    client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    workspace(organizer, wid)
    hit = _name_hit(database, settings, s.world)
    url = f"/w/{wid}/summary/hits/{hit.fingerprint}"
    assert organizer.post(url, {"action": "keep", "reason": REASON}).status_code == 303
    # still open: not kept until approved, and the export is blocked
    assert hit.fingerprint in {h.fingerprint for h in open_hits(database, settings, s.world)}
    with database.session() as db:
        workshop = db.get(Workshop, wid)
        draft = service.draft(db, settings, workshop, viewer=s.world.viewer("organizer"))
        assert "jose nunez" not in repr(draft)  # shown redacted until approved
    page = workspace(organizer, wid)
    assert f'data-awaiting="{hit.fingerprint[:12]}"' in page.text
    assert organizer.post(f"{url}/approve").status_code == 409  # the same user twice
    assert audit(database, wid, "summary.override.approve") == []
    rapporteur = other_staff(client, s.world)
    workspace(rapporteur, wid)
    assert rapporteur.post(f"{url}/approve").status_code == 303
    (kept,) = audit(database, wid, "summary.override")
    (approved,) = audit(database, wid, "summary.override.approve")
    assert kept.actor_user_id == s.world.users["organizer"].id
    assert approved.actor_user_id == s.world.users["rapporteur"].id
    assert s.world.users["organizer"].id in approved.detail  # the entry names both
    assert hit.fingerprint not in {h.fingerprint for h in open_hits(database, settings, s.world)}
    resolve_all(organizer, database, settings, s.world)
    response = export(organizer, wid, "md")
    assert response.status_code == 200 and "jose nunez" in response.text


def test_a_kept_name_needs_a_second_staff_member_through_the_api(
    client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database)
    wid = s.world.workshop.id
    base = f"/api/v1/workshops/{wid}/summary"
    organizer = staff(client, s.world)
    hit = _name_hit(database, settings, s.world)
    kept = _api(
        organizer, "POST", f"{base}/hits/{hit.fingerprint}", {"action": "keep", "reason": REASON}
    )
    assert kept.status_code == 200, kept.text
    check = _api(organizer, "GET", f"{base}/check").json()
    (row,) = [h for h in check["hits"] if h["fingerprint"] == hit.fingerprint]
    assert row["awaiting_approval"] is True and row["action"] is None
    assert _api(organizer, "POST", f"{base}/hits/{hit.fingerprint}/approve").status_code == 409
    rapporteur = other_staff(client, s.world)
    assert _api(rapporteur, "POST", f"{base}/hits/{hit.fingerprint}/approve").status_code == 200
    check = _api(organizer, "GET", f"{base}/check").json()
    (row,) = [h for h in check["hits"] if h["fingerprint"] == hit.fingerprint]
    assert row["awaiting_approval"] is False and row["action"] == "keep"
    (approved,) = audit(database, wid, "summary.override.approve")
    assert approved.actor_user_id == s.world.users["rapporteur"].id
    assert s.world.users["organizer"].id in approved.detail
    # nothing awaits approval any more: approving again is refused
    assert _api(rapporteur, "POST", f"{base}/hits/{hit.fingerprint}/approve").status_code == 404


def test_off_the_record_and_private_notes_never_reach_the_check_so_cannot_be_kept(
    client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from app.agenda.models import AgendaItem
    from app.notes.models import Note

    s = seed(settings, database)
    before = {h.fingerprint for h in open_hits(database, settings, s.world)}
    with database.transaction() as db:
        secret_id = s.items["secret"].id
        hidden = [
            n
            for n in db.exec(select(Note)).all()
            if n.visibility == "private" or n.item_id == secret_id
        ]
        assert len(hidden) >= 2  # a private note and a summary note of an off-record item
        for note in hidden:
            note.body = "jose nunez said this in private"
            db.add(note)
        secret = db.get(AgendaItem, s.items["secret"].id)
        assert secret is not None
        secret.description = "jose nunez, off the record"
        db.add(secret)
    after = {h.fingerprint for h in open_hits(database, settings, s.world)}
    assert after == before  # the export audience never reads them: no hit, nothing to keep
    with database.session() as db:
        workshop = db.get(Workshop, s.world.workshop.id)
        draft = repr(service.draft(db, settings, workshop, viewer=s.world.viewer("organizer")))
        assert "in private" not in draft and "off the record" not in draft.replace(
            "Security arrangements (off the record)", ""
        )
