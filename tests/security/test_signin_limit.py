"""Failed sign-ins slow down per account and client, and per client, by increasing delays
that nobody elsewhere can turn into a lock-out; refusals never reveal an account."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.models import RateLimit
from app.accounts.service import SIGN_IN_REFUSED, TOO_MANY
from app.ids import utcnow
from tests.factories import PASSWORD, Browser, make_user, make_world

ERROR_RE = re.compile(r'id="login-error">([^<]*)<')


def _browser(app, host: str) -> Browser:  # type: ignore[no-untyped-def]
    return Browser(TestClient(app, client=(host, 40000)))


def _attempt(browser: Browser, email: str, password: str):  # type: ignore[no-untyped-def]
    if browser.token is None:
        browser.get("/login")
    return browser.post("/login", {"email": email, "password": password})


def _error(response) -> str:  # type: ignore[no-untyped-def]
    match = ERROR_RE.search(response.text)
    assert match, response.text
    return match.group(1)


def _normalised(response, email: str) -> str:  # type: ignore[no-untyped-def]
    """The page without what legitimately differs: the echoed e-mail and the CSRF token."""
    text = response.text.replace(email, "EMAIL")
    return re.sub(r'value="[A-Za-z0-9_\-]{20,}"', 'value="TOKEN"', text).replace(
        re.search(r'"X-CSRF-Token": "([^"]*)"', text).group(1),
        "TOKEN",  # type: ignore[union-attr]
    )


def test_unknown_account_and_wrong_password_look_the_same(app, settings, database) -> None:
    world = make_world(settings, database)
    known = world.users["organizer"].email
    unknown = "nobody@example.org"
    a = _attempt(_browser(app, "10.0.0.1"), known, "wrong password!!")
    b = _attempt(_browser(app, "10.0.0.2"), unknown, "wrong password!!")
    assert a.status_code == b.status_code == 400
    assert _error(a) == _error(b) == SIGN_IN_REFUSED
    assert _normalised(a, known) == _normalised(b, unknown)
    assert "tt_session" not in a.cookies and "tt_session" not in b.cookies


def _age_failures(database, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Move every failure counter's last failure `seconds` into the past."""
    with database.transaction() as db:
        for row in db.exec(select(RateLimit)):
            row.window_start = row.window_start - timedelta(seconds=seconds)
            db.add(row)


def test_nobody_elsewhere_can_lock_an_account_out(app, settings, database) -> None:
    world = make_world(settings, database)
    email = world.users["organizer"].email
    attacker = _browser(app, "10.0.1.1")
    for _ in range(settings.login_limit * 3):
        _attempt(attacker, email, "wrong password!!")
    # the attacker's own client is slowed down, even with the right password ...
    blocked = _attempt(attacker, email, PASSWORD)
    assert blocked.status_code == 429 and _error(blocked) == TOO_MANY
    assert "tt_session" not in blocked.cookies
    # ... but the owner, from their own client, signs in at once
    owner = _attempt(_browser(app, "10.0.1.99"), email, PASSWORD)
    assert owner.status_code == 303


def test_delays_increase_and_then_the_right_password_works(app, settings, database) -> None:
    from app.accounts.ratelimit import BACKOFF_START

    world = make_world(settings, database)
    email = world.users["organizer"].email
    me = _browser(app, "10.0.1.2")
    for _ in range(settings.login_limit):
        assert _attempt(me, email, "wrong password!!").status_code == 400
    assert _attempt(me, email, PASSWORD).status_code == 429  # a delay, not a lock:
    _age_failures(database, BACKOFF_START + 1)
    assert _attempt(me, email, "wrong password!!").status_code == 400  # may try again
    assert _attempt(me, email, PASSWORD).status_code == 429
    _age_failures(database, BACKOFF_START + 1)  # the second delay is longer than the first
    assert _attempt(me, email, PASSWORD).status_code == 429
    _age_failures(database, BACKOFF_START)
    assert _attempt(me, email, PASSWORD).status_code == 303


def test_failed_sign_ins_are_logged_with_a_reason_and_no_secret(
    app, settings, database, caplog
) -> None:  # type: ignore[no-untyped-def]
    import logging

    caplog.set_level(logging.INFO)
    world = make_world(settings, database)
    email = world.users["organizer"].email
    browser = _browser(app, "10.0.1.3")
    _attempt(browser, email, "wrong password!!")
    _attempt(browser, "nobody@example.org", "another secret!!")
    lines = [r.getMessage() for r in caplog.records if r.name == "tracktwo.accounts"]
    assert lines == ["sign-in refused: wrong password", "sign-in refused: no such account"]
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (email, "nobody@example.org", "wrong password!!", "another secret!!"):
        assert secret not in everything
    assert "10.0.1.3" not in everything


def test_limit_per_client(app, settings, database) -> None:
    world = make_world(settings, database)
    attacker = _browser(app, "10.0.2.1")
    for i in range(settings.login_limit):
        response = _attempt(attacker, f"guess{i}@example.org", "wrong password!!")
        assert _error(response) == SIGN_IN_REFUSED
    blocked = _attempt(attacker, world.users["organizer"].email, PASSWORD)
    assert blocked.status_code == 429 and _error(blocked) == TOO_MANY
    elsewhere = _attempt(_browser(app, "10.0.2.2"), world.users["organizer"].email, PASSWORD)
    assert elsewhere.status_code == 303


def test_blocked_message_does_not_reveal_the_account(app, settings, database) -> None:
    world = make_world(settings, database)
    known = world.users["organizer"].email
    unknown = "nobody@example.org"
    for n, email in enumerate((known, unknown)):
        for _ in range(settings.login_limit):
            _attempt(_browser(app, f"10.0.3.{n}"), email, "wrong password!!")
    a = _attempt(_browser(app, "10.0.3.0"), known, "wrong password!!")
    b = _attempt(_browser(app, "10.0.3.1"), unknown, "wrong password!!")
    assert a.status_code == b.status_code == 429
    assert _error(a) == _error(b) == TOO_MANY


def test_the_window_passes(app, settings, database) -> None:
    world = make_world(settings, database)
    email = world.users["organizer"].email
    for _ in range(settings.login_limit * 4):
        _attempt(_browser(app, "10.0.4.1"), email, "wrong password!!")
    assert _attempt(_browser(app, "10.0.4.1"), email, PASSWORD).status_code == 429
    with database.transaction() as db:
        for row in db.exec(select(RateLimit)):
            row.window_start = utcnow() - timedelta(seconds=settings.login_window_seconds + 1)
            db.add(row)
    assert _attempt(_browser(app, "10.0.4.1"), email, PASSWORD).status_code == 303


def test_rate_limit_keys_store_no_email_or_address(app, settings, database) -> None:
    with database.transaction() as db:
        user = make_user(db)
    _attempt(_browser(app, "10.0.5.1"), user.email, "wrong password!!")
    with database.session() as db:
        keys = [row.key for row in db.exec(select(RateLimit))]
    assert len(keys) == 2
    assert all(user.email not in k and "10.0.5.1" not in k for k in keys)


def test_a_deactivated_account_is_refused_like_a_wrong_password(app, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["observer"]
    with database.transaction() as db:
        row = db.get(type(user), user.id)
        assert row
        row.is_active = False
        db.add(row)
    response = _attempt(_browser(app, "10.0.6.1"), user.email, PASSWORD)
    assert response.status_code == 400 and _error(response) == SIGN_IN_REFUSED
