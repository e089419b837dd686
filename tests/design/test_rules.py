"""Ground rules: the starter set, the consent gate, re-acceptance after a change, ordering."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.policy import Viewer
from app.roster.models import Participant, RulesAcceptance
from app.rules import service as rules
from app.rules.models import GroundRule
from app.workshops.models import Workshop
from tests.design.conftest import api, browser_for

CHATHAM = (
    "When a meeting, or part thereof, is held under the Chatham House Rule, participants are "
    "free to use the information received, but neither the identity nor the affiliation of "
    "the speaker(s), nor that of any other participant, may be revealed."
)


def _rules(world) -> list[GroundRule]:
    with world.database.session() as db:
        return list(
            db.exec(
                select(GroundRule)
                .where(GroundRule.workshop_id == world.workshop.id)
                .order_by(GroundRule.position)
            )
        )


def _version(world) -> int:
    with world.database.session() as db:
        return db.get(Workshop, world.workshop.id).rules_version


def test_starter_set_holds_the_chatham_house_rule_verbatim(world) -> None:
    rows = _rules(world)
    assert CHATHAM in rows[0].body
    titles = " ".join(r.title.lower() for r in rows)
    for topic in ("personal capacity", "listen", "recording", "quoting", "equality", "facilitator"):
        assert topic in titles
    assert _version(world) == 1


def test_gate_accept_and_reaccept_after_a_change(app, world) -> None:
    wid = world.workshop.id
    p = browser_for(app, world, "participant")
    home = p.get(f"/w/{wid}")
    assert "I accept these ground rules" in home.text
    assert f'href="/w/{wid}/room"' not in home.text
    accepted = p.post(f"/w/{wid}/rules/accept", {"version": "1"})
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/w/{wid}"
    home = p.get(f"/w/{wid}")
    assert "I accept these ground rules" not in home.text
    assert f'href="/w/{wid}/room"' in home.text

    facilitator = browser_for(app, world, "facilitator")
    rule = _rules(world)[2]
    saved = facilitator.post(
        f"/w/{wid}/manage/rules/{rule.id}", {"title": rule.title, "body": "Changed text."}
    )
    assert saved.status_code == 303
    assert _version(world) == 2
    home = p.get(f"/w/{wid}")
    assert "I accept these ground rules" in home.text
    assert "they have changed since" in home.text
    overview = browser_for(app, world, "organizer").get(f"/w/{wid}/manage")
    assert "0 of 1 joined participants" in overview.text
    assert p.post(f"/w/{wid}/rules/accept", {"version": "2"}).status_code == 303
    overview = browser_for(app, world, "organizer").get(f"/w/{wid}/manage")
    assert "1 of 1 joined participants" in overview.text
    with world.database.session() as db:
        versions = sorted(r.version for r in db.exec(select(RulesAcceptance)))
    assert versions == [1, 2]


def test_require_accepted_gate(app, world) -> None:
    p = browser_for(app, world, "participant")
    with world.database.session() as db:
        participant = db.exec(select(Participant).where(Participant.status == "active")).one()
        workshop = db.get(Workshop, world.workshop.id)
        viewer = Viewer(kind="participant", participant_id=participant.id, workshop_id=workshop.id)
        with pytest.raises(rules.RulesNotAccepted):
            rules.require_accepted(db, viewer=viewer, workshop=workshop)
    p.post(f"/w/{world.workshop.id}/rules/accept", {"version": "1"})
    with world.database.session() as db:
        workshop = db.get(Workshop, world.workshop.id)
        rules.require_accepted(db, viewer=viewer, workshop=workshop)


def test_accepting_a_stale_version_is_refused(app, world, org) -> None:
    wid = world.workshop.id
    p = browser_for(app, world, "participant")
    org.post(f"/w/{wid}/manage/rules", {"title": "Phones stay outside", "body": ""})
    refused = p.post(f"/w/{wid}/rules/accept", {"version": "1"})
    assert refused.status_code == 409
    assert "changed while you were reading" in refused.text
    assert p.post(f"/w/{wid}/rules/accept", {"version": "2"}).status_code == 303


def test_acceptances_are_apart_from_contributions() -> None:
    columns = set(RulesAcceptance.model_fields)
    assert columns == {"participant_id", "version", "accepted_on"}


def test_staff_cannot_accept_and_api_accept(app, world, org) -> None:
    wid = world.workshop.id
    assert api(org, "POST", f"/api/v1/workshops/{wid}/rules/accept", {}).status_code == 404
    p = browser_for(app, world, "participant")
    listed = api(p, "GET", f"/api/v1/workshops/{wid}/rules").json()
    assert listed["accepted"] is False and listed["version"] == 1
    done = api(p, "POST", f"/api/v1/workshops/{wid}/rules/accept", {"version": 1})
    assert done.status_code == 200 and done.json() == {"accepted": True, "version": 1}
    assert api(p, "GET", f"/api/v1/workshops/{wid}/rules").json()["accepted"] is True


@pytest.mark.parametrize("htmx", [False, True])
def test_reorder_rules(org, world, htmx) -> None:
    wid = world.workshop.id
    before = [r.id for r in _rules(world)]
    headers = {"HX-Request": "true"} if htmx else {}
    url = f"/w/{wid}/manage/rules/{before[1]}/move" + ("?fragment=rule_list" if htmx else "")
    moved = org.post(url, {"direction": "up"}, headers=headers)
    if htmx:
        assert moved.status_code == 200
        assert moved.text.lstrip().startswith('<div id="rule_list">')
        assert "<html" not in moved.text
    else:
        assert moved.status_code == 303
    after = [r.id for r in _rules(world)]
    assert after == [before[1], before[0], *before[2:]]
    assert _version(world) == 2
    # the first cannot go further up: nothing changes, no new version
    org.post(f"/w/{wid}/manage/rules/{after[0]}/move", {"direction": "up"})
    assert [r.id for r in _rules(world)] == after and _version(world) == 2


def test_add_edit_delete_rules_bump_the_version(org, world) -> None:
    wid = world.workshop.id
    assert org.post(f"/w/{wid}/manage/rules", {"title": "Be on time"}).status_code == 303
    rule = _rules(world)[-1]
    assert rule.title == "Be on time" and _version(world) == 2
    org.post(f"/w/{wid}/manage/rules/{rule.id}", {"title": "Be on time", "body": "Please."})
    assert _version(world) == 3
    # saving without a change makes no new version
    org.post(f"/w/{wid}/manage/rules/{rule.id}", {"title": "Be on time", "body": "Please."})
    assert _version(world) == 3
    assert org.post(f"/w/{wid}/manage/rules/{rule.id}/delete").status_code == 303
    assert _version(world) == 4 and len(_rules(world)) == 7


@pytest.mark.parametrize("role", ["rapporteur", "observer", "participant"])
def test_only_organizers_and_facilitators_edit_rules(app, world, role) -> None:
    b = browser_for(app, world, role)
    assert b.post(f"/w/{world.workshop.id}/manage/rules", {"title": "X"}).status_code == 404
    assert _version(world) == 1
