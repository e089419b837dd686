"""Two-step sign-in in a real browser: set it up on the account page (the QR code loads under
the CSP), sign in with a code, require it for a workshop; axe finds no serious violation on
the set-up, the code page and the page that sends a member without it to set it up."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _axe_serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _password_step(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_set_up_sign_in_with_a_code_and_require_it(server, person, shot) -> None:
    world = server.world(title="Dialogue on the Northern Valley")
    ws = world.workshop.id
    organizer = person()
    _password_step(organizer, world.users["organizer"].email)
    organizer.goto("/account")
    organizer.get_by_role("button", name="Set up two-step sign-in").click()
    organizer.wait_for_selector("#two-step-secret")
    qr = organizer.locator("#two-step img")
    assert organizer.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0
    secret = organizer.locator("#two-step-secret").inner_text().replace(" ", "")
    assert not _axe_serious(organizer)
    shot(organizer, "1-set-up")
    organizer.fill("#setup-password", PASSWORD)
    organizer.fill("#setup-code", pyotp.TOTP(secret).now())
    organizer.get_by_role("button", name="Turn on").click()
    organizer.wait_for_selector("#recovery-codes")
    assert organizer.locator("#recovery-codes li").count() == 10
    assert not _axe_serious(organizer)

    again = person()
    _password_step(again, world.users["organizer"].email)
    assert again.get_by_role("heading", name="Two-step sign-in").is_visible()
    assert not _axe_serious(again)
    shot(again, "2-code")
    again.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    again.locator("main form button[type=submit]").click()
    again.wait_for_url(lambda url: "/login" not in url)
    again.goto(f"/w/{ws}/manage/settings")
    again.check("#staff_two_step")
    again.get_by_role("button", name="Save settings").click()
    again.wait_for_url(f"**/w/{ws}/manage")

    facilitator = person()
    _password_step(facilitator, world.users["facilitator"].email)
    response = facilitator.goto(f"/w/{ws}/console")
    assert response is not None and response.status == 403
    heading = "This workshop requires two-step sign-in"
    assert facilitator.get_by_role("heading", name=heading).is_visible()
    assert not _axe_serious(facilitator)
    shot(facilitator, "3-required")
    facilitator.locator("main a.button").click()
    facilitator.wait_for_selector("#two-step")
    assert "next=" in facilitator.url
