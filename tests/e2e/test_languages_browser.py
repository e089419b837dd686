"""Every participant in their own language (issue 18), in a real browser: an Arabic-speaking
participant joins a workshop whose rules were written in English and Arabic, reads and
accepts the Arabic rules, and sees a revealed English proposal with its Arabic translation
beside it, on a 360 px wide phone screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.l10n import gettext_in
from app.translations import texts
from app.workshops import service as workshops
from tests.room.conftest import add_agenda
from tests.room.helpers import open_round, participant_viewer, reveal, submit

pytestmark = pytest.mark.browser

ENGLISH = "A joint commission to monitor the river, with members from both banks"
ARABIC = "لجنة مشتركة لمراقبة النهر، تضم أعضاء من الضفتين"
SHOTS = Path(os.environ.get("TRACKTWO_SHOTS", "/tmp/shots"))


def test_an_arabic_speaker_reads_accepts_the_arabic_rules_and_a_translated_proposal(
    server, chromium, shot
) -> None:
    world = server.world(
        title="Dialogue on the Northern Valley",
        status="live",
        participants_per_party=3,
        languages="en,ar",
    )
    wid = world.workshop.id
    item, _plenary, _on_record = add_agenda(world)
    open_round(world, item.id)
    target = submit(world, participant_viewer(world, 1), ENGLISH)
    for i in range(2, 6):
        submit(world, participant_viewer(world, i), f"Option {i}: shared data on water levels")
    assert reveal(world, item.id, override_reason=None) == 5
    translator = world.viewer("translator")
    with world.database.transaction() as db:
        workshop = workshops.get(db, wid, viewer=translator, action="translate")
        texts.save(
            db,
            viewer=translator,
            workshop=workshop,
            kind="proposal",
            object_id=target.id,
            lang="ar",
            text=ARABIC,
        )

    context = chromium.new_context(
        base_url=server.url, locale="ar", viewport={"width": 360, "height": 780}
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(world.invitations[0].path())
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_selector("#recovery-code")
        page.locator("form[action$='/recovery-code/kept'] button[type=submit]").click()
        page.wait_for_url(f"**/w/{wid}")

        # the rules, in Arabic: each rule marked as Arabic, none falling back to English
        page.goto(f"/w/{wid}/rules")
        rules = page.locator("ol.rules > li")
        assert rules.count() == 7
        assert all(li.get_attribute("lang") == "ar" for li in rules.all())
        assert all(li.get_attribute("dir") == "rtl" for li in rules.all())
        chatham = gettext_in("ar", "The Chatham House Rule")
        assert page.get_by_role("heading", name=chatham).is_visible()
        assert page.locator(".original-language").count() == 0
        assert "Chatham House Rule" not in page.locator("ol.rules").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "langs-rules-ar-360.png"), full_page=True)
        page.locator("form[action$='/rules/accept'] button[type=submit]").click()
        page.wait_for_url(f"**/w/{wid}**")

        # the room: the English proposal with its Arabic translation beside it
        page.goto(f"/w/{wid}/room")
        pair = page.locator(".proposal-pair").filter(has_text=ENGLISH)
        assert pair.count() == 1
        original = pair.locator(".proposal-text")
        translation = pair.locator(".proposal-translation .user-text")
        assert original.inner_text().strip() == ENGLISH
        assert original.get_attribute("dir") == "auto"
        assert translation.inner_text().strip() == ARABIC
        assert translation.get_attribute("lang") == "ar"
        assert translation.get_attribute("dir") == "auto"
        assert original.is_visible() and translation.is_visible()
        label = gettext_in("ar", "Translation (%(language)s)") % {"language": "العربية"}
        assert pair.get_by_text(label).is_visible()
        # the English text is laid out left to right, the Arabic right to left
        assert original.evaluate("e => getComputedStyle(e).direction") == "ltr"
        assert translation.evaluate("e => getComputedStyle(e).direction") == "rtl"
        # nothing wider than the phone's screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        pair.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "langs-room-ar-360.png"), full_page=True)
        shot(page, "room-ar-360")
    finally:
        context.close()
