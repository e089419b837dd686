"""Sign-offs are bound to the exact text: any change to the draft makes them stale, release
needs sign-offs on the current fingerprint, and the release records that fingerprint."""

from __future__ import annotations

import json

from sqlmodel import select

from app.summary import fingerprint, service
from app.summary.formats.json import _adapter
from app.summary.models import SummaryComment, SummaryReview, SummarySignoff
from app.workshops.models import Workshop
from tests.summary.seed import seed
from tests.summary.test_export import audit, staff, workspace
from tests.summary.test_review import open_review, participant, state


def _sign_everyone(client, s, wid):  # type: ignore[no-untyped-def]
    """A sign-off from party 0 and from party 1 (the every-party rule with N = 1)."""
    browsers = [participant(client, s.world.invitations[i]) for i in (0, 2)]
    for browser in browsers:
        assert browser.post(f"/w/{wid}/summary/review/signoff").status_code == 303
    return browsers


def _current(database, settings, world) -> str:  # type: ignore[no-untyped-def]
    with database.session() as db:
        workshop = db.get(Workshop, world.workshop.id)
        viewer = world.viewer("organizer")
        return service.current_fingerprint(db, settings, workshop, viewer)


def test_a_change_after_the_sign_offs_refuses_release(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid).status_code == 303
    _sign_everyone(client, s, wid)
    assert state(database, s.world, settings).rule_met
    before = _current(database, settings, s.world)
    workspace(organizer, wid)
    unites = s.proposals["unites"].id
    response = organizer.post(f"/w/{wid}/summary/proposals/{unites}", {"choice": "exclude"})
    assert response.status_code == 303
    assert _current(database, settings, s.world) != before
    review = state(database, s.world, settings)
    assert not review.rule_met and review.signoffs == 0 and review.stale_signoffs == 2
    response = organizer.post(f"/w/{wid}/summary/release", {"override": ""})
    assert response.status_code == 409 and "release rule is not met" in response.text
    assert not state(database, s.world, settings).released
    assert audit(database, wid, "summary.release") == []


def test_release_after_fresh_sign_offs_records_the_fingerprint(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid).status_code == 303
    browsers = _sign_everyone(client, s, wid)
    workspace(organizer, wid)
    unites = s.proposals["unites"].id
    organizer.post(f"/w/{wid}/summary/proposals/{unites}", {"choice": "exclude"})
    for browser in browsers:  # sign again, on the version now shown
        page = browser.get(f"/w/{wid}/summary/review")
        assert 'data-signoff="stale"' in page.text
        assert browser.post(f"/w/{wid}/summary/review/signoff").status_code == 303
        assert 'data-signoff="current"' in browser.get(f"/w/{wid}/summary/review").text
    review = state(database, s.world, settings)
    assert review.rule_met and review.signoffs == 2 and review.stale_signoffs == 0
    current = _current(database, settings, s.world)
    workspace(organizer, wid)
    assert organizer.post(f"/w/{wid}/summary/release", {"override": ""}).status_code == 303
    (entry,) = audit(database, wid, "summary.release")
    assert current in entry.detail
    with database.session() as db:
        (row,) = db.exec(select(SummaryReview)).all()
        assert row.released_fingerprint == current
        assert {r.fingerprint for r in db.exec(select(SummarySignoff))} == {current}
    # the released bytes are the text that was signed: re-read the model and hash it again
    body = organizer.post(f"/w/{wid}/summary/export.json").content
    model = _adapter.validate_python(json.loads(body))
    assert model.fingerprint == current and fingerprint.of(model) == current
    markdown = organizer.post(f"/w/{wid}/summary/export.md").text
    assert fingerprint.short(current) in markdown


def test_a_sign_off_on_a_version_not_shown_is_refused(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    organizer = staff(client, s.world)
    assert open_review(organizer, wid).status_code == 303
    p1 = participant(client, s.world.invitations[0])
    seen = _current(database, settings, s.world)
    p1.get(f"/w/{wid}/summary/review")
    workspace(organizer, wid)
    organizer.post(f"/w/{wid}/summary/proposals/{s.proposals['unites'].id}", {"choice": "exclude"})
    response = p1.post(f"/w/{wid}/summary/review/signoff", {"seen": seen})
    assert response.status_code == 409
    assert (
        p1.post(f"/w/{wid}/summary/review/comment", {"body": "ok", "seen": seen}).status_code == 409
    )
    assert p1.post(f"/w/{wid}/summary/review/comment", {"body": "ok"}).status_code == 303
    with database.session() as db:
        (c,) = db.exec(select(SummaryComment)).all()
        assert c.fingerprint == _current(database, settings, s.world)


def _api(browser, method: str, url: str, body=None):  # type: ignore[no-untyped-def]
    headers = {"X-CSRF-Token": browser.ensure_token()}
    return browser.client.request(method, url, json=body, headers=headers)


def test_the_json_api_binds_sign_offs_to_the_version_too(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    s = seed(settings, database, leak_names=False)
    wid = s.world.workshop.id
    base = f"/api/v1/workshops/{wid}/summary"
    organizer = staff(client, s.world)
    opened = _api(
        organizer, "POST", f"{base}/review/open", {"rule": "every_party", "min_signoffs": 1}
    )
    assert opened.status_code == 200, opened.text
    signers = [participant(client, s.world.invitations[i]) for i in (0, 2)]
    for p in signers:
        mine = _api(p, "GET", f"{base}/review/mine").json()
        signed = _api(p, "POST", f"{base}/review/signoff", {"seen": mine["fingerprint"]})
        assert signed.status_code == 200 and signed.json()["signed"] is True
    assert _api(organizer, "GET", f"{base}/review").json()["rule_met"] is True
    unites = s.proposals["unites"].id
    changed = _api(organizer, "POST", f"{base}/choices/{unites}", {"choice": "exclude"})
    assert changed.status_code == 200
    review = _api(organizer, "GET", f"{base}/review").json()
    assert review["rule_met"] is False and review["stale_signoffs"] == 2
    refused = _api(organizer, "POST", f"{base}/release", {"override": ""})
    assert (
        refused.status_code == 409 and "override" in refused.json()["error"]["fields"]
    )  # valid alone, not with what is stored (Inconsistent)
    mine = _api(signers[0], "GET", f"{base}/review/mine").json()
    assert mine["signed"] is False and mine["signed_version"] != mine["version"]
    stale = _api(signers[0], "POST", f"{base}/review/signoff", {"seen": "0" * 64})
    assert stale.status_code == 409
    for p in signers:
        assert _api(p, "POST", f"{base}/review/signoff", {}).json()["signed"] is True
    released = _api(organizer, "POST", f"{base}/release", {"override": ""})
    assert released.status_code == 200, released.text
    assert released.json()["released_version"] == released.json()["version"]
    assert len(audit(database, wid, "summary.release")) == 1
