"""Real browser: set-up pages and the participant home with Arabic and Hebrew content, on a
360 px phone; reordering with htmx (no full reload); no console errors or CSP violations.
Screenshots go to screenshots/ (gitignored)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import chromium, person, server, shot  # noqa: F401 (fixtures)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api").expect

PHONE = {"width": 360, "height": 740}


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    found: list[str] = []
    page.on(
        "console",
        lambda m: (
            found.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: found.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            found.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.status != 422 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return found


def test_rtl_setup_and_participant_home_on_a_phone(server, person, shot) -> None:  # noqa: F811
    world = server.world(title="حوار الوادي الشمالي", parties=("ضفة النهر", "המרומים"))
    org = person()
    errors = _watch(org)
    org.set_viewport_size(PHONE)
    org.goto("/login")
    org.fill("#email", world.users["organizer"].email)
    org.fill("#password", PASSWORD)
    org.click("button[type=submit]:has-text('Sign in')")
    wid = world.workshop.id

    org.goto(f"/w/{wid}/manage/settings")
    org.fill("#purpose", "שיחה לא רשמית על עתיד העמק, על הצרכים והפחדים של שני הצדדים.")
    org.click("button:has-text('Save settings')")
    org.goto(f"/w/{wid}/manage/agenda")
    org.fill("#new-session-title", "اليوم الأول: الاحتياجات والمخاوف")
    org.fill("#new-session-place", "ירושלים")
    org.click("button:has-text('Add session')")
    for title in ("افتتاح الجلسة", "צרכים ופחדים", "عصف ذهني مشترك"):
        org.click("summary:has-text('Add an item')")
        org.fill("[id^=new-item-][id$=-title]", title)
        org.click("button:has-text('Add item')")
    org.click("summary:has-text('Add an item')")
    org.fill("[id^=new-item-][id$=-title]", "")
    org.click("button:has-text('Add item')")
    assert org.locator("[id^=new-item-][id$=-title-error]").is_visible()
    org.goto(f"/w/{wid}/manage/agenda")
    org.evaluate("window.__marker = 1")
    org.locator("button[aria-label^='Move up: عصف']").click()
    expect(org.locator(".agenda-item strong").nth(1)).to_contain_text("عصف")
    assert org.evaluate("window.__marker") == 1  # swapped by htmx, not a page reload
    shot(org, "agenda-360")
    org.goto(f"/w/{wid}/manage")
    shot(org, "overview-360")
    org.goto(f"/w/{wid}/manage/rules")
    shot(org, "rules-360")
    assert not errors, errors

    participant = person()
    perrors = _watch(participant)
    participant.set_viewport_size(PHONE)
    participant.goto(world.invitations[0].path())
    participant.get_by_role("button", name="Join the workshop").click()
    participant.wait_for_selector("#recovery-code")
    participant.goto(f"/w/{wid}")
    assert participant.locator("#rules button:has-text('I accept')").is_visible()
    shot(participant, "home-before-accept-360")
    participant.click("#rules button:has-text('I accept')")
    participant.wait_for_url(re.compile(f"/w/{wid}$"))
    assert participant.locator("a:has-text('Enter the room')").is_visible()
    assert participant.locator("h1[dir=auto]").inner_text() == "حوار الوادي الشمالي"
    width = participant.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    shot(participant, "home-360")
    assert not perrors, perrors
