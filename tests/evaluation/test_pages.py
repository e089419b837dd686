"""The survey over HTTP, without JavaScript: the organizer builds and opens it, participants
answer with their device's key; the follow-up works after the workshop is closed, with the
recovery code on a new device, and stops at archive, which deletes every answer."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from app.evaluation.models import SurveyResponse, SurveyTally
from app.roster.models import RulesAcceptance
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.factories import Browser, World, make_world
from tests.room.helpers import tx


def _browser(client: TestClient) -> Browser:
    other = TestClient(client.app)
    other.portal = client.portal
    return Browser(other)


def _participant(client: TestClient, world: World, n: int) -> tuple[Browser, str]:
    browser = _browser(client)
    code = browser.join(world.invitations[n])
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        db.add(
            RulesAcceptance(
                participant_id=world.invitations[n].participant.id, version=workshop.rules_version
            )
        )
    return browser, code


def _answer(browser: Browser, wid: str, moment: str, value: int) -> int:
    page = browser.get(f"/w/{wid}/evaluation")
    assert page.status_code == 200, page.text
    names = re.findall(rf'action="/w/{wid}/evaluation/answers/{moment}"', page.text)
    assert names, page.text
    ids = sorted(set(re.findall(r'type="radio" name="([0-9a-f]{32})"', page.text)))
    return browser.post(
        f"/w/{wid}/evaluation/answers/{moment}", dict.fromkeys(ids, str(value))
    ).status_code


def test_build_answer_follow_up_after_close_and_nothing_after_archive(
    client: TestClient, settings, database
) -> None:
    # parties of k (5): a smaller one keeps no tally of its own (policy.keeps_party_tally)
    world = make_world(settings, database, status="live", participants_per_party=5)
    wid = world.workshop.id
    organizer = _browser(client)
    organizer.login(world.users["organizer"])
    page = organizer.get(f"/w/{wid}/evaluation")
    assert "A negotiated solution is possible." in page.text  # the library of examples
    assert re.search(r"<title>[^<]*</title>", page.text)  # nothing of the page in its title
    assert (
        organizer.post(
            f"/w/{wid}/evaluation/items", {"prompt": "A negotiated solution is possible."}
        ).status_code
        == 303
    )
    assert organizer.post(f"/w/{wid}/evaluation/items", {"prompt": ""}).status_code == 422
    for moment in ("pre", "follow_up"):
        assert (
            organizer.post(f"/w/{wid}/evaluation/moments/{moment}", {"state": "open"}).status_code
            == 303
        )
    person, code = _participant(client, world, 0)
    other, _ = _participant(client, world, 1)
    assert _answer(person, wid, "pre", 2) == 303
    assert "Thank you" in person.get(f"/w/{wid}/evaluation").text
    assert (
        organizer.post(f"/w/{wid}/evaluation/items", {"prompt": "Late"}).status_code == 409
    )  # answers exist: frozen

    staff = world.viewer("organizer")
    with tx(world, staff) as (db, workshop):
        workshops.transition(db, viewer=staff, workshop=workshop, to="closed")
    later = _browser(client)  # months later, another device: the recovery code
    assert later.post("/recover", {"code": code}).status_code == 303
    assert _answer(later, wid, "follow_up", 4) == 303
    with database.session() as db:
        assert len({r.pairing_tag for r in db.exec(select(SurveyResponse))}) == 1  # paired

    assert (
        organizer.post(f"/w/{wid}/evaluation/moments/follow_up", {"state": "ended"}).status_code
        == 303
    )
    assert (
        other.post(f"/w/{wid}/evaluation/answers/follow_up", {"x": "3"}).status_code == 409
    )  # ended

    world.archive(close=False)
    assert later.get(f"/w/{wid}/evaluation").status_code in (401, 303, 404, 410)
    with database.session() as db:
        assert list(db.exec(select(SurveyResponse))) == []  # the pairing is gone
        assert list(db.exec(select(SurveyTally)))  # counts stay
