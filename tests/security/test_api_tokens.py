"""API tokens: created on the account page, stored hashed, Bearer without CSRF, 401 JSON."""

from __future__ import annotations

import re

from sqlmodel import select

from app.accounts.models import ApiToken
from app.security.tokens import token_hash
from tests.factories import Browser, make_world
from tests.security.helpers import fill, unsafe_routes

TOKEN_RE = re.compile(r'<code class="secret">(tt_[^<]+)</code>')


def _create_token(browser: Browser, name: str = "script") -> str:
    browser.get("/account")
    page = browser.post("/account/tokens", {"name": name})
    assert page.status_code == 200
    match = TOKEN_RE.search(page.text)
    assert match, page.text
    return match.group(1)


def test_token_is_shown_once_and_stored_hashed(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    token = _create_token(browser)
    assert len(token) >= 3 + 43
    with database.session() as db:
        (row,) = db.exec(select(ApiToken))
        assert row.token_hash == token_hash(token)
        assert token not in repr(row.model_dump())
    assert token not in browser.get("/account").text  # never shown again


def test_bearer_token_authenticates_without_cookie_or_csrf(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    token = _create_token(browser)
    bare = client.__class__(client.app)
    headers = {"Authorization": f"Bearer {token}"}
    me = bare.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["email"] == world.users["organizer"].email
    assert me.json()["roles"] == {world.workshop.id: "organizer"}
    # A state change with the token alone: no cookie, no CSRF token, no Origin.
    created = bare.post("/account/tokens", data={"name": "second"}, headers=headers)
    assert created.status_code == 200
    with database.session() as db:
        assert len(list(db.exec(select(ApiToken)))) == 2
    assert "tt_session" not in bare.cookies


def test_bad_token_is_401_json(client, settings, database) -> None:
    make_world(settings, database)
    for value in ("Bearer tt_nope", "Bearer ", "bearer " + "x" * 300):
        response = client.get("/api/v1/me", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["error"]["status"] == 401
        assert "nope" not in response.text


def test_bad_token_on_an_unsafe_api_call_is_401_not_a_csrf_403(client) -> None:
    routes = unsafe_routes(client.app, "/api/")
    assert routes
    for method, path in routes:
        response = client.request(
            method, fill(path), json={}, headers={"Authorization": "Bearer tt_nope"}
        )
        assert response.status_code == 401, (method, path)
        assert response.json()["error"]["status"] == 401


def test_revoked_token_stops_working(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    token = _create_token(browser)
    with database.session() as db:
        (row,) = db.exec(select(ApiToken))
    assert browser.post(f"/account/tokens/{row.id}/delete").status_code == 303
    bare = client.__class__(client.app)
    assert bare.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_of_a_deactivated_user_stops_working(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    user = world.users["organizer"]
    browser.login(user)
    token = _create_token(browser)
    with database.transaction() as db:
        row = db.get(type(user), user.id)
        assert row
        row.is_active = False
        db.add(row)
    bare = client.__class__(client.app)
    assert bare.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_another_users_token_cannot_be_deleted(client, settings, database) -> None:
    world = make_world(settings, database)
    owner = Browser(client)
    owner.login(world.users["organizer"])
    _create_token(owner)
    with database.session() as db:
        (row,) = db.exec(select(ApiToken))
    intruder = Browser(client.__class__(client.app))
    intruder.login(world.users["facilitator"])
    intruder.get("/account")
    assert intruder.post(f"/account/tokens/{row.id}/delete").status_code == 404
    with database.session() as db:
        assert db.get(ApiToken, row.id) is not None


def test_api_with_session_cookie_needs_the_csrf_header(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    browser.get("/account")
    routes = unsafe_routes(client.app, "/api/")
    assert routes
    for method, path in routes:
        refused = client.request(method, fill(path, world.workshop.id), json={})
        assert refused.status_code == 403, (method, path)
        assert refused.json()["error"]["status"] == 403
