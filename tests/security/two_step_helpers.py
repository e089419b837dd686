"""Helpers for the two-step sign-in tests: enrol through the account page, sign in with a code."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from app.accounts.models import User
from tests.factories import PASSWORD, Browser

SECRET_RE = re.compile(r'id="two-step-secret">([^<]+)<')
CODES_RE = re.compile(r'<ul id="recovery-codes">(.*?)</ul>', re.S)
CODE_RE = re.compile(r'<code class="secret">([^<]+)</code>')


def code_at(secret: str, steps_ahead: int = 0) -> str:
    """The code of the current time step, or of one `steps_ahead` (the window is one step)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def wrong_code(secret: str) -> str:
    window = {code_at(secret, k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in window)


def enrol(browser: Browser) -> tuple[str, list[str]]:
    """Set up two-step sign-in on the signed-in account: (the secret, the recovery codes)."""
    browser.get("/account")
    assert browser.post("/account/two-step/start").status_code == 303
    page = browser.get("/account")
    match = SECRET_RE.search(page.text)
    assert match, page.text
    secret = match.group(1).replace(" ", "")
    done = browser.post(
        "/account/two-step/confirm", {"password": PASSWORD, "code": code_at(secret)}
    )
    assert done.status_code == 200, done.text
    listed = CODES_RE.search(done.text)
    assert listed, done.text
    return secret, CODE_RE.findall(listed.group(1))


def sign_in(browser: Browser, user: User, code: str, **extra: Any) -> Any:
    """Password, then the code: the second step's response."""
    first = browser.post("/login", {"email": user.email, "password": PASSWORD, **extra})
    assert first.status_code == 200 and 'action="/login/two-step"' in first.text, first.text
    return browser.post("/login/two-step", {"code": code, **extra})


def client_from(app: Any, host: str) -> Browser:
    return Browser(TestClient(app, client=(host, 40000)))
