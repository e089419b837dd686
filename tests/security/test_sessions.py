"""Server-side sessions: cookie attributes, rotation at sign-in, sign-out, expiry, revocation."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.accounts.models import AuthSession
from app.config import Settings
from app.db import Database
from app.ids import utcnow
from app.main import create_app
from app.roster import service as roster
from app.security.tokens import token_hash
from app.workshops.models import Workshop
from tests.factories import Browser, make_world
from tests.security.helpers import attributes, fresh, session_rows, set_cookies


def _me(client, cookie_name: str, token: str):  # type: ignore[no-untyped-def]
    """/api/v1/me from a browser that holds only this session cookie."""
    other = fresh(client)
    return other.get("/api/v1/me", headers={"Cookie": f"{cookie_name}={token}"})


def test_staff_cookie_attributes_over_https(https_client, https_settings, https_database) -> None:
    world = make_world(https_settings, https_database)
    browser = Browser(https_client)
    response = browser.login(world.users["organizer"])
    cookies = set_cookies(response)
    assert "__Host-tt_session" in cookies, cookies
    attrs = attributes(cookies["__Host-tt_session"])
    assert "secure" in attrs
    assert "httponly" in attrs
    assert attrs["samesite"].lower() == "lax"
    assert attrs["path"] == "/"
    assert "domain" not in attrs  # __Host- forbids a Domain attribute
    assert "max-age" not in attrs and "expires" not in attrs  # a browser-session cookie
    value = cookies["__Host-tt_session"].split(";", 1)[0].split("=", 1)[1]
    assert len(value) >= 22  # >= 128 bits of base64url
    rows = session_rows(https_database)
    assert [r.token_hash for r in rows] == [token_hash(value)]  # stored hashed, never raw
    assert value not in {r.token_hash for r in rows}


def test_anonymous_csrf_cookie_attributes_over_https(https_client) -> None:
    response = https_client.get("/login")
    cookies = set_cookies(response)
    assert "__Host-tt_csrf" in cookies
    attrs = attributes(cookies["__Host-tt_csrf"])
    assert {"secure", "httponly"} <= set(attrs)
    assert attrs["path"] == "/" and attrs["samesite"].lower() == "lax"


def test_participant_cookies_over_https(https_client, https_settings, https_database) -> None:
    world = make_world(https_settings, https_database)
    browser = Browser(https_client)
    browser.get(world.invitations[0].path())
    response = browser.post(world.invitations[0].path())
    assert response.status_code == 303
    cookies = set_cookies(response)
    for name in ("__Host-tt_session", "__Host-tt_author", "__Host-tt_recovery"):
        attrs = attributes(cookies[name])
        assert {"secure", "httponly"} <= set(attrs), name
        assert attrs["path"] == "/" and attrs["samesite"].lower() == "lax"
        assert "domain" not in attrs


def test_plain_http_development_cookies_are_not_secure(client, settings, database) -> None:
    world = make_world(settings, database)
    response = Browser(client).login(world.users["organizer"])
    cookies = set_cookies(response)
    assert "tt_session" in cookies and "__Host-tt_session" not in cookies
    attrs = attributes(cookies["tt_session"])
    assert "secure" not in attrs
    assert "httponly" in attrs and attrs["samesite"].lower() == "lax"


def test_session_id_rotates_at_sign_in(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["observer"])
    first = client.cookies.get("tt_session")
    assert first and _me(client, "tt_session", first).json()["kind"] == "staff"
    browser.login(world.users["organizer"])
    second = client.cookies.get("tt_session")
    assert second and second != first
    assert _me(client, "tt_session", first).status_code == 401  # the old id is refused
    assert _me(client, "tt_session", second).json()["email"] == world.users["organizer"].email
    assert len(session_rows(database)) == 1


def test_participant_join_rotates_an_existing_session(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["observer"])
    staff = client.cookies.get("tt_session")
    browser.join(world.invitations[0])
    participant = client.cookies.get("tt_session")
    assert participant and staff and participant != staff
    assert _me(client, "tt_session", staff).status_code == 401
    assert _me(client, "tt_session", participant).json()["kind"] == "participant"


def test_sign_out_ends_the_session_on_the_server(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    token = client.cookies.get("tt_session")
    assert token and _me(client, "tt_session", token).status_code == 200
    browser.get("/account")
    response = browser.post("/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    cleared = attributes(set_cookies(response)["tt_session"])
    assert cleared.get("max-age") == "0"
    assert session_rows(database) == []
    assert _me(client, "tt_session", token).status_code == 401  # a copied cookie is dead too
    page = fresh(client).get(
        "/account", headers={"Cookie": f"tt_session={token}"}, follow_redirects=False
    )
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/account"


def _age_session(database: Database, **changes: object) -> None:
    with database.transaction() as db:
        for row in db.exec(select(AuthSession)):
            for name, value in changes.items():
                setattr(row, name, value)
            db.add(row)


def test_staff_session_default_lifetimes() -> None:
    assert Settings().staff_idle_minutes == 30  # ASVS L2
    assert Settings().staff_absolute_hours == 12


def test_staff_session_has_absolute_expiry(client, settings, database) -> None:
    world = make_world(settings, database)
    Browser(client).login(world.users["organizer"])
    (row,) = session_rows(database)
    assert row.expires_at is not None
    assert row.expires_at - row.created_at == timedelta(hours=settings.staff_absolute_hours)


def test_staff_session_idle_expiry(client, settings, database) -> None:
    world = make_world(settings, database)
    Browser(client).login(world.users["organizer"])
    token = client.cookies.get("tt_session")
    assert token
    idle = timedelta(minutes=settings.staff_idle_minutes)
    _age_session(database, last_seen_at=utcnow() - idle + timedelta(minutes=2))
    assert _me(client, "tt_session", token).status_code == 200  # still inside the idle window
    (row,) = session_rows(database)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)  # activity moves the window
    _age_session(database, last_seen_at=utcnow() - idle - timedelta(seconds=5))
    assert _me(client, "tt_session", token).status_code == 401
    assert session_rows(database) == []  # an expired session is deleted, not just ignored


def test_staff_session_absolute_expiry_despite_activity(client, settings, database) -> None:
    world = make_world(settings, database)
    Browser(client).login(world.users["organizer"])
    token = client.cookies.get("tt_session")
    assert token
    _age_session(
        database,
        created_at=utcnow() - timedelta(hours=12),
        expires_at=utcnow() - timedelta(seconds=1),
    )
    assert _me(client, "tt_session", token).status_code == 401
    assert session_rows(database) == []


def test_staff_expiry_is_configurable(database_url) -> None:
    from fastapi.testclient import TestClient

    settings = Settings(
        env="test",
        database_url=database_url,
        htmx_source="local",
        staff_idle_minutes=5,
        staff_absolute_hours=1,
    )
    database = Database(settings)
    try:
        world = make_world(settings, database)
        with TestClient(create_app(settings, database)) as client:
            Browser(client).login(world.users["organizer"])
            token = client.cookies.get("tt_session")
            assert token
            (row,) = session_rows(database)
            assert row.expires_at and row.expires_at - row.created_at == timedelta(hours=1)
            _age_session(database, last_seen_at=utcnow() - timedelta(minutes=6))
            assert _me(client, "tt_session", token).status_code == 401
    finally:
        database.dispose()


def test_participant_session_lasts_until_the_workshop_is_archived(
    client, settings, database
) -> None:
    world = make_world(settings, database)
    Browser(client).join(world.invitations[0])
    token = client.cookies.get("tt_session")
    assert token
    (row,) = session_rows(database)
    assert row.kind == "participant" and row.expires_at is None
    _age_session(database, created_at=utcnow() - timedelta(days=30))
    _age_session(database, last_seen_at=utcnow() - timedelta(days=30))
    assert _me(client, "tt_session", token).json()["kind"] == "participant"
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop
        workshop.status = "closed"
        db.add(workshop)
    assert _me(client, "tt_session", token).json()["kind"] == "participant"  # closed: reads
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop
        workshop.status = "archived"
        db.add(workshop)
    assert _me(client, "tt_session", token).status_code == 401


def test_revocation_ends_every_session_of_the_participant(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    code = browser.join(world.invitations[0])
    first = client.cookies.get("tt_session")
    other = fresh(client)
    other_browser = Browser(other)
    other_browser.get("/recover")
    assert other_browser.post("/recover", {"code": code}).status_code == 303
    second = other.cookies.get("tt_session")
    assert first and second and first != second
    assert len(session_rows(database)) == 2
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        roster.revoke(
            db,
            viewer=world.viewer("organizer"),
            workshop=workshop,  # type: ignore[arg-type]
            participant_id=world.invitations[0].participant.id,
        )
    assert session_rows(database) == []
    for token in (first, second):
        assert _me(client, "tt_session", token).status_code == 401
    again = Browser(fresh(client))
    again.get("/recover")
    refused = again.post("/recover", {"code": code})
    assert refused.status_code == 400  # the recovery code died with the revocation
