"""A password asked again inside a session (changing it, two-step set-up, turning it off, new
recovery codes) cannot be guessed at leisure from a session left open: every wrong answer,
password or code, counts against the account, the count outlives the refused request, and
past the limit even the right answer waits (429, the form shown again), while nothing changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from app.accounts.models import User
from app.security import passwords
from app.two_step.models import StaffRecoveryCode, StaffTotp
from tests.factories import PASSWORD, Browser, make_world
from tests.security.two_step_helpers import SECRET_RE, code_at, enrol, wrong_code

NEW_PASSWORD = "a new and long enough passphrase"


def _setup_waiting(browser: Browser) -> str:
    assert browser.post("/account/two-step/start").status_code == 303
    match = SECRET_RE.search(browser.get("/account").text)
    assert match
    return match.group(1).replace(" ", "")


def _state(database: Any, user_id: str) -> tuple[bool, bool, int, bool]:
    with database.session() as db:
        user = db.get(User, user_id)
        totp = db.get(StaffTotp, user_id)
        codes = len(db.exec(select(StaffRecoveryCode)).all())
        assert user is not None
        return (
            passwords.verify_password(user.password_hash, PASSWORD),
            totp is not None and totp.confirmed_at is not None,
            codes,
            totp is not None,
        )


@pytest.mark.parametrize(
    ("form", "wrong"),
    [("password", "password")]
    + [(form, wrong) for form in ("setup", "off", "codes") for wrong in ("password", "code")],
)
def test_a_password_asked_again_is_throttled_per_account(
    client: Any, settings: Any, database: Any, form: str, wrong: str
) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    browser = Browser(client)
    browser.login(user)
    browser.get("/account")
    if form == "setup":
        secret = _setup_waiting(browser)
    elif form in ("off", "codes"):
        secret, _ = enrol(browser)
    path, fields = {
        "password": (
            "/account/password",
            lambda pw, _c: {"current": pw, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        ),
        "setup": ("/account/two-step/confirm", lambda pw, c: {"password": pw, "code": c}),
        "off": ("/account/two-step/disable", lambda pw, c: {"password": pw, "code": c}),
        "codes": ("/account/two-step/recovery-codes", lambda pw, c: {"password": pw, "code": c}),
    }[form]
    right_code = code_at(secret, 1) if form != "password" else ""
    bad = fields("not my password", right_code) if wrong == "password" else None
    if bad is None:
        bad = fields(PASSWORD, wrong_code(secret))
    before = _state(database, user.id)
    for _ in range(settings.login_limit):
        assert browser.post(path, bad).status_code == 422
    blocked = browser.post(path, fields(PASSWORD, right_code))
    assert blocked.status_code == 429
    assert "Too many wrong answers" in blocked.text and "<form" in blocked.text
    assert _state(database, user.id) == before  # nothing changed, not even by the right one
    if form in ("off", "codes"):
        return  # another session of it would need the second step: the password forms suffice
    other = Browser(client.__class__(client.app))  # the same account elsewhere waits too
    other.login(user)
    other.get("/account")
    assert other.post(path, fields(PASSWORD, right_code)).status_code == 429


def test_a_right_answer_clears_the_count(client: Any, settings: Any, database: Any) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    browser.get("/account")
    wrong = {"current": "not my password", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(settings.login_limit - 1):
        assert browser.post("/account/password", wrong).status_code == 422
    short = {"current": PASSWORD, "new": "short", "confirm": "short"}
    assert browser.post("/account/password", short).status_code == 422  # the password was right
    for _ in range(settings.login_limit - 1):
        assert browser.post("/account/password", wrong).status_code == 422
    done = {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert browser.post("/account/password", done).status_code == 200
