"""Published results in real browsers: six participants in two parties react, the
facilitator publishes, one participant changes their mind and nothing anyone sees moves until
enough others have changed too (DESIGN.md, Anonymity 7; docs/adversary-model.md)."""

from __future__ import annotations

import re
import time

import pytest

from app.room import runtime
from app.workshops.models import Workshop
from tests.factories import PASSWORD
from tests.room.conftest import accept_rules, add_agenda
from tests.room.helpers import open_round, participant_viewer, submit, tx

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 900}


def _results(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("#room-results, #console-results").first.inner_text())


def _publish(facilitator, item_id: str) -> None:  # type: ignore[no-untyped-def]
    facilitator.locator(f"form[action$='/items/{item_id}/publish'] button").click()
    facilitator.wait_for_url(re.compile(r"/console"))


def test_published_results_do_not_move_for_one_change(server, chromium, shot) -> None:
    world = server.world(title="Results dialogue", status="live", participants_per_party=3)
    with server.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        workshop.k_min = 3
    contribution, _plenary, _record = add_agenda(world)
    item, wid = contribution.id, world.workshop.id
    open_round(world, item)
    texts = ["A joint water commission", "Shared flood warnings", "Exchange of engineers"]
    for n, text in enumerate(texts):
        submit(world, participant_viewer(world, n), text)
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, ws):
        runtime.reveal(db, viewer=fac, workshop=ws, item_id=item)
        runtime.set_results(db, viewer=fac, workshop=ws, item_id=item, shown=True)

    contexts = []
    pages = []
    for index in range(6):  # Riverside: 0-2, Highland: 3-5; two of them read Arabic
        locale = "ar" if index in (2, 5) else "en-GB"
        context = chromium.new_context(base_url=server.url, locale=locale, viewport=PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(world.invitations[index].path())
        page.locator("form[action^='/join/'] button").click()
        page.wait_for_selector("#recovery-code")
        accept_rules(world, index)
        page.goto(f"/w/{wid}/room")
        page.wait_for_selector("body[data-live='connected']")
        pages.append(page)
    staff = chromium.new_context(base_url=server.url, locale="en-GB")
    contexts.append(staff)
    facilitator = staff.new_page()
    facilitator.goto("/login")
    facilitator.get_by_label("E-mail address").fill(world.users["facilitator"].email)
    facilitator.get_by_label("Password").fill(PASSWORD)
    facilitator.get_by_role("button", name="Sign in").click()
    facilitator.wait_for_url(re.compile(r"/$"))
    try:
        for page in pages:
            card = page.locator(".proposal", has_text=texts[0]).first
            card.locator("button[value='agree']").click()
            page.wait_for_selector("body[data-live='connected']")
        facilitator.goto(f"/w/{wid}/console")
        _publish(facilitator, item)
        for page in pages:
            page.locator("#room-results .party-shares").first.wait_for(timeout=5_000)
        first = [_results(page) for page in pages]
        assert "Broad support" in first[0] and "Riverside" in first[0]
        assert all(re.search(r"\b6\b", text) for text in first)
        shot(pages[0], "1-published-en-360")
        shot(pages[2], "2-published-ar-360")

        # One participant changes their mind; the facilitator publishes again.
        pages[0].locator(".proposal", has_text=texts[0]).first.locator(
            "button[value='disagree']"
        ).click()
        _publish(facilitator, item)
        time.sleep(1.5)  # any live update would have arrived by now
        assert [_results(page) for page in pages] == first
        assert "kept their earlier figures" in facilitator.content()
        shot(facilitator, "3-console-withheld")

        # Two more of the same party change: k = 3 changed, the figures may move now.
        for index in (1, 2):
            pages[index].locator(".proposal", has_text=texts[0]).first.locator(
                "button[value='disagree']"
            ).click()
        _publish(facilitator, item)
        for page in pages:
            page.wait_for_function(
                "(before) => document.querySelector('#room-results').innerText !== before",
                arg=first[pages.index(page)],
                timeout=5_000,
            )
        moved = [_results(page) for page in pages]
        assert all(after != before for after, before in zip(moved, first, strict=True))
        shot(pages[3], "4-moved-en-360")
        shot(pages[5], "5-moved-ar-360")
        for page in [*pages, facilitator]:
            html = page.content()
            for invitation in world.invitations:
                assert invitation.participant.display_name not in html
    finally:
        for context in contexts:
            context.close()
