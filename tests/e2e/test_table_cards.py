"""At 360 px the staff, roster and audit tables become cards of labelled fields: every cell
(Role, Status, Actions included) is inside the viewport, in English and in Arabic (RTL).
Screenshots: screenshots/cards-<page>-<lang>-360.png."""

from __future__ import annotations

from typing import Any

import pytest

from app.audit import service as audit
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, staff_viewer

PHONE = 360

OUT_OF_VIEW = """(width) => [...document.querySelectorAll('table.cards td, table.cards td *')]
  .filter(e => e.getClientRects().length)
  .filter(e => { const r = e.getBoundingClientRect(); return r.right > width + 1 || r.left < -1; })
  .slice(0, 5)
  .map(e => e.tagName + ' ' + (e.getAttribute('data-label') || e.textContent.slice(0, 30)))"""

LABELS = """() => [...document.querySelectorAll('table.cards td')]
  .map(td => getComputedStyle(td, '::before').content)"""


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_tables_become_labelled_cards_on_a_phone(chromium: Any, server: Any, lang: str) -> None:
    world = server.world(
        names=["Dr. Layla Haddad", "Avraham Ben-David"],
        affiliations=["University of the Valley, Department of Water", "Civic Forum"],
    )
    ws = world.workshop.id
    organizer = world.users["organizer"]
    with server.database.transaction() as db:
        viewer = staff_viewer(db, organizer)
        audit.record(db, viewer=viewer, workshop_id=ws, action="workshop.export", detail="md")
    context = chromium.new_context(
        base_url=server.url, locale=lang, viewport={"width": PHONE, "height": 800}
    )
    context.add_cookies([{"name": "tt_lang", "value": lang, "url": server.url}])
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/login")
        page.fill("#email", organizer.email)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        SCREENSHOTS.mkdir(exist_ok=True)
        for name in ("roster", "staff", "audit"):
            response = page.goto(f"/w/{ws}/manage/{name}")
            assert response is not None and response.status == 200, name
            assert page.locator("table.cards td").count() > 0, name
            page.screenshot(
                path=str(SCREENSHOTS / f"cards-{name}-{lang}-{PHONE}.png"), full_page=True
            )
            out = page.evaluate(OUT_OF_VIEW, PHONE)
            assert not out, f"{name} ({lang}): out of view at {PHONE}px: {out}"
            labels = page.evaluate(LABELS)
            assert all(label not in ("none", "normal", '""') for label in labels), (name, labels)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= PHONE + 1, f"{name} ({lang}) scrolls sideways: {scroll}px"
    finally:
        context.close()
