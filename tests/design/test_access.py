"""Every /w/{id}/manage page and every design API route answers 404 to anyone who may not
use it: a participant or staff member of another workshop, a participant of this one."""

from __future__ import annotations

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import select

from app.accounts import invitations
from app.agenda import service as agenda
from app.rules.models import GroundRule
from app.workshops import staff
from app.workshops.models import Membership, Workshop
from tests.design.conftest import api, browser_for
from tests.factories import make_world

API_PREFIXES = (
    "/api/v1/workshops/{workshop_id}/parties",
    "/api/v1/workshops/{workshop_id}/rules",
    "/api/v1/workshops/{workshop_id}/sessions",
    "/api/v1/workshops/{workshop_id}/agenda",
    "/api/v1/workshops/{workshop_id}/items",
    "/api/v1/workshops/{workshop_id}/staff",
    "/api/v1/workshops/{workshop_id}/roster",
    "/api/v1/workshops/{workshop_id}/audit",
    "/api/v1/workshops/{workshop_id}/status",
    "/api/v1/workshops/{workshop_id}/archive",
)


def _routes(app, *, manage: bool) -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        wanted = (
            path.startswith("/w/{workshop_id}/manage")
            if manage
            else (path.startswith(API_PREFIXES) or path == "/api/v1/workshops/{workshop_id}")
        )
        if wanted:
            found.extend(
                (method, path) for method in sorted(context.methods or ()) if method != "HEAD"
            )
    return sorted(set(found))


@pytest.fixture
def ids(world) -> dict[str, str]:
    viewer = world.viewer("organizer")
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        meeting = agenda.add_session(db, viewer=viewer, workshop=workshop, data={"title": "S"})
        item = agenda.add_item(
            db, viewer=viewer, workshop=workshop, meeting_id=meeting.id, data={"title": "I"}
        )
        rule = db.exec(select(GroundRule).where(GroundRule.workshop_id == workshop.id)).first()
        membership = db.exec(
            select(Membership).where(Membership.workshop_id == workshop.id)
        ).first()
        invited = staff.invite(
            db,
            world.settings,
            viewer=viewer,
            workshop=workshop,
            email="invited@example.org",
            role="observer",
        )
        assert isinstance(invited, invitations.Issued)
        return {
            "invitation_id": invited.invitation.id,
            "workshop_id": workshop.id,
            "meeting_id": meeting.id,
            "item_id": item.id,
            "rule_id": rule.id,
            "party_id": world.parties[0].id,
            "membership_id": membership.id,
            "participant_id": world.invitations[1].participant.id,
        }


def _body(method: str, path: str) -> dict[str, str] | None:
    """A well-formed body, so that only the access check can refuse."""
    if method not in ("POST", "PATCH"):
        return None
    if path.endswith("/move"):
        return {"direction": "up"}
    if path.endswith(("/revoke", "/readmit", "/accept")):
        return {}
    if path.endswith("/status"):
        return {"to": "live"}
    if path.endswith("/archive"):
        return {"confirm_title": "x"}
    if "/staff" in path:
        return (
            {"role": "observer"} if method == "PATCH" else {"email": "a@b.org", "role": "observer"}
        )
    if path.endswith("/roster"):
        return {"display_name": "x", "party_id": "y"}
    if "/parties" in path:
        return {"name": "x"}
    return {"title": "x"}


def _url(path: str, ids: dict[str, str]) -> str:
    return path.format(**ids)


def test_route_table_is_complete(app) -> None:
    manage = _routes(app, manage=True)
    assert len(manage) >= 30
    assert ("GET", "/w/{workshop_id}/manage/audit") in manage
    assert ("POST", "/w/{workshop_id}/manage/roster/{participant_id}/readmit") in manage


OUTSIDERS = [
    "participant-of-B",
    "organizer-of-B",
    "facilitator-of-B",
    "participant-of-A",
    "observer-of-A",
]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_manage_page(app, settings, database, world, ids, who) -> None:
    other = make_world(settings, database, title="Another workshop")
    role = who.split("-of-")[0]
    b = browser_for(app, other if who.endswith("B") else world, role)
    for method, path in _routes(app, manage=True):
        url = _url(path, ids)
        response = b.get(url, follow_redirects=False) if method == "GET" else b.post(url, {})
        assert response.status_code == 404, (method, url, response.status_code)
    for method, path in _routes(app, manage=False):
        readable = ("/rules", "/sessions", "/agenda", "{workshop_id}")
        if who == "observer-of-A":
            readable = (*readable, "/parties")  # party names: staff only
        if who.endswith("A") and method == "GET" and path.endswith(readable):
            continue  # members of A may read these
        if who == "participant-of-A" and path.endswith("/rules/accept"):
            continue
        if who.endswith("A") and path.endswith("/items/{item_id}") and method == "GET":
            continue
        response = api(b, method, _url(path, ids), _body(method, path))
        assert response.status_code == 404, (method, path, response.status_code)


def test_rapporteur_sees_only_the_overview(app, world, ids) -> None:
    b = browser_for(app, world, "rapporteur")
    for method, path in _routes(app, manage=True):
        if method != "GET":
            continue
        expected = 200 if path == "/w/{workshop_id}/manage" else 404
        assert b.get(_url(path, ids)).status_code == expected, path


def test_anonymous_gets_404_on_manage_pages(client, ids) -> None:
    for method, path in [r for r in _routes(client.app, manage=True) if r[0] == "GET"]:
        assert client.get(_url(path, ids), follow_redirects=False).status_code == 404, path
