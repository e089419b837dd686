"""CSRF: a per-session token on every state change, plus Origin / Sec-Fetch-Site checks."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import func, select

from app.accounts.models import ApiToken, AuthSession
from app.roster.models import Participant
from tests.factories import Browser, make_world

EXPIRED = "did not come from Tracktwo"
FOREIGN = "came from another site"


def _tokens(database) -> int:  # type: ignore[no-untyped-def]
    with database.session() as db:
        return int(db.exec(select(func.count()).select_from(ApiToken)).one())


@pytest.fixture
def staff(client, settings, database):  # type: ignore[no-untyped-def]
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    browser.get("/account")
    return browser


def _refused(response, message: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "This form has expired" in response.text  # the page's title
    assert message in response.text
    assert "Back to the start page" in response.text
    assert response.headers["cache-control"] == "no-store"


def test_a_valid_token_is_accepted(staff, database) -> None:
    response = staff.post("/account/tokens", {"name": "laptop"})
    assert response.status_code == 200
    assert _tokens(database) == 1


def test_missing_token_is_refused_and_nothing_changes(staff, database) -> None:
    response = staff.client.post("/account/tokens", data={"name": "laptop"})
    _refused(response, EXPIRED)
    assert _tokens(database) == 0


def test_wrong_token_is_refused(staff, database) -> None:
    response = staff.post("/account/tokens", {"name": "laptop", "csrf_token": "x" * 43})
    _refused(response, EXPIRED)
    assert _tokens(database) == 0


def test_token_of_another_session_is_refused(client, settings, database, staff) -> None:
    other = Browser(client.__class__(client.app))
    world_b = make_world(settings, database, title="Other")
    other.login(world_b.users["organizer"])
    other.get("/account")
    assert other.token and other.token != staff.token
    response = staff.post("/account/tokens", {"name": "laptop", "csrf_token": other.token})
    _refused(response, EXPIRED)
    assert _tokens(database) == 0


def test_htmx_header_carries_the_token(staff, database) -> None:
    response = staff.client.post(
        "/account/tokens",
        data={"name": "laptop"},
        headers={"X-CSRF-Token": staff.token, "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert _tokens(database) == 1


def test_body_carries_the_token_for_htmx_too(staff) -> None:
    page = staff.get("/account")
    assert f'"X-CSRF-Token": "{staff.token}"' in page.text  # hx-headers on <body>


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    ],
)
def test_foreign_origin_is_refused_even_with_the_token(staff, database, headers) -> None:
    response = staff.post("/account/tokens", {"name": "laptop"}, headers=headers)
    _refused(response, FOREIGN)
    assert _tokens(database) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_own_origin_is_accepted(staff, database, headers) -> None:
    response = staff.post("/account/tokens", {"name": "laptop"}, headers=headers)
    assert response.status_code == 200
    assert _tokens(database) == 1


def test_sign_out_needs_the_token(staff, database) -> None:
    response = staff.client.post("/logout", follow_redirects=False)
    _refused(response, EXPIRED)
    with database.session() as db:
        assert db.exec(select(func.count()).select_from(AuthSession)).one() == 1


def test_sign_in_form_needs_the_cookie_token(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    response = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery staple"},
        follow_redirects=False,
    )
    _refused(response, EXPIRED)
    assert "tt_session" not in client.cookies


def test_sign_in_from_a_foreign_origin_is_refused(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.get("/login")
    user = world.users["organizer"]
    response = browser.post(
        "/login",
        {"email": user.email, "password": "correct horse battery staple"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    _refused(response, FOREIGN)
    assert "tt_session" not in client.cookies


def test_claiming_an_invitation_needs_the_token(client, settings, database) -> None:
    world = make_world(settings, database)
    invitation = world.invitations[0]
    client.get(invitation.path())
    response = client.post(invitation.path(), follow_redirects=False)
    _refused(response, EXPIRED)
    with database.session() as db:
        participant = db.get(Participant, invitation.participant.id)
        assert participant and participant.status == "invited"  # the link is not used up


def test_get_never_claims_an_invitation(client, settings, database) -> None:
    world = make_world(settings, database)
    invitation = world.invitations[0]
    for _ in range(3):
        assert client.get(invitation.path()).status_code == 200
    with database.session() as db:
        participant = db.get(Participant, invitation.participant.id)
        assert participant and participant.status == "invited"
    assert Browser(client).join(invitation)  # still claimable


def _unsafe_routes(app):  # type: ignore[no-untyped-def]
    for route in iter_route_contexts(app.routes):
        for method in sorted((route.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            yield method, route.path


def test_every_unsafe_route_refuses_a_missing_token(staff, database) -> None:
    """Whatever the route, a signed-in browser's state change without the token is a 403."""
    checked = 0
    for method, path in _unsafe_routes(staff.client.app):
        url = re.sub(r"{[^}]+}", "0" * 32, path)
        kw = {"json": {}} if path.startswith("/api/") else {"data": {"name": "x"}}
        response = staff.client.request(method, url, follow_redirects=False, **kw)
        assert response.status_code == 403, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert response.json()["error"]["status"] == 403
        else:
            assert EXPIRED in response.text
        foreign = staff.client.request(
            method,
            url,
            follow_redirects=False,
            headers={"X-CSRF-Token": staff.token, "Origin": "https://evil.example"},
            **kw,
        )
        assert foreign.status_code == 403, (method, path, foreign.status_code)
        checked += 1
    assert checked >= 8
    assert _tokens(database) == 0
