"""A participant claims an invitation in a real browser, keeps the recovery code, and is in."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

CODE_RE = re.compile(r"^[A-Z2-9]{5}(-[A-Z2-9]{5}){4}-[A-Z2-9]$")


def _errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors and CSP violations seen by the page."""
    found: list[str] = []
    page.on(
        "console",
        lambda msg: (
            found.append(msg.text)
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: found.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            found.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return found


def test_participant_joins_keeps_the_code_and_is_in(server, person, shot) -> None:
    world = server.world(title="Dialogue on the Northern Valley")
    invitation = world.invitations[0]
    page = person()
    errors = _errors(page)

    page.goto(invitation.path())
    assert page.get_by_role("heading", name="You are invited").is_visible()
    assert page.get_by_text("Dialogue on the Northern Valley").is_visible()
    shot(page, "1-invitation")

    page.get_by_role("button", name="Join the workshop").click()
    page.wait_for_selector("#recovery-code")
    code = page.locator("#recovery-code").inner_text().strip()
    assert CODE_RE.match(code), code
    assert page.get_by_role("heading", name="You have joined").is_visible()
    shot(page, "2-recovery-code")
    page.reload()  # a reload shows the code again (no re-post, no "this form has expired")
    assert page.locator("#recovery-code").inner_text().strip() == code

    cookies = {c["name"]: c for c in page.context.cookies()}
    for name in ("tt_session", "tt_author", "tt_recovery"):
        assert cookies[name]["httpOnly"] is True, name
        assert cookies[name]["sameSite"] == "Lax", name
        assert cookies[name]["path"] == "/", name
    assert page.evaluate("document.cookie") == ""  # nothing readable by scripts

    page.get_by_role("button", name="I have kept it safe: continue").click()
    page.wait_for_url(re.compile(rf"/w/{world.workshop.id}$"))
    assert page.get_by_role("heading", name="Dialogue on the Northern Valley").is_visible()
    assert page.get_by_role("button", name="I accept these ground rules").is_visible()
    assert page.get_by_role("link", name="Sign out").is_visible()
    shot(page, "3-workshop-home")

    # htmx loaded from our own origin, and nothing was blocked by the CSP.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert errors == []

    # The link is spent: someone else (or the same person later) cannot use it again.
    other = person()
    other.goto(invitation.path())
    assert other.get_by_text("This invitation link is not valid").is_visible()
    shot(other, "4-link-used")

    # The recovery code brings the same participant back on another device.
    device = person()
    device.goto("/recover")
    device.get_by_role("textbox", name="Recovery code").fill(code.lower())
    device.get_by_role("button", name="Continue").click()
    device.wait_for_url(re.compile(rf"/w/{world.workshop.id}$"))
    author = {c["name"]: c["value"] for c in device.context.cookies()}["tt_author"]
    assert author == cookies["tt_author"]["value"]  # the same authorship secret
    shot(device, "5-recovered")

    # Signing out says what is needed to come back, and lands on a participant page.
    device.get_by_role("link", name="Sign out").click()
    assert device.get_by_text("you need the recovery code").is_visible()
    device.get_by_role("button", name="Sign out").click()
    device.wait_for_url("**/signed-out")
    assert device.get_by_role("link", name="Use a recovery code").is_visible()
    shot(device, "6-signed-out")
