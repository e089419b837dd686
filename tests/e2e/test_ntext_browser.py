"""A negotiating text in real browsers: the facilitator drafts and publishes two versions of
a three-paragraph text through the forms, six participants of two parties mark every
paragraph on their phones (one reads the app, and the text's Hebrew version, in Hebrew) and
three send critiques; the
facilitator reveals them and publishes the figures. The first paragraph reaches "every
party can live with it"; the second version is shown beside the first, word by word.
Screenshots: /tmp/shots/ntext-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.room import runtime
from app.workshops.models import Workshop
from tests.factories import PASSWORD
from tests.ntext.helpers import text_world
from tests.room.conftest import accept_rules
from tests.room.helpers import tx

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 900}
SHOTS = Path("/tmp/shots")
FIRST = "\n\n".join(
    (
        "המים של הסרל יחולקו בין שלוש המדינות.",
        "המאגר יתמלא במשך שבע שנים.",
        "מחלוקות יובאו לוועדה משותפת.",
    )
)
SECOND = "\n\n".join(
    (
        "המים של הסרל יחולקו בין שלוש המדינות.",
        "המאגר יתמלא במשך שבע שנים לפחות, ובשנה שחונה המילוי ייעצר.",
        "מחלוקות יובאו תחילה לוועדה טכנית.",
    )
)
# The original (the workshop's first language); the Hebrew above is its Hebrew version.
FIRST_EN = "\n\n".join(
    (
        "The Sarel's water will be shared among the three states.",
        "The reservoir will fill over seven years.",
        "Disputes will go to a joint committee.",
    )
)
SECOND_EN = "\n\n".join(
    (
        "The Sarel's water will be shared among the three states.",
        "The reservoir will fill over at least seven years, and stop filling in a dry year.",
        "Disputes will go first to a technical committee.",
    )
)


def _sign_in(context, world):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(world.users["facilitator"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def _publish_version(page, url: str, text: str, hebrew: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.locator("#draft-text").fill(text)
    page.locator("#draft-text-he").fill(hebrew)
    page.locator("form[action$='/draft'] button").click()
    page.locator("form[action$='/publish'] button").click()
    page.wait_for_url(re.compile(re.escape(url)))


def _mark_all(page, url: str, values: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    for n, value in enumerate(values):
        form = page.locator("form.ntext-mark").nth(n)
        form.locator(f"input[value='{value}']").check()
        form.locator("button").click()
        page.wait_for_load_state()


def test_two_rounds_of_a_negotiating_text(server, chromium) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    world, item_id = text_world(server.settings, server.database, k=3, languages="en,he")
    wid = world.workshop.id
    url = f"/w/{wid}/text/{item_id}"
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, ws):
        runtime.start(db, viewer=fac, workshop=ws, item_id=item_id)
        runtime.set_intake(db, viewer=fac, workshop=ws, item_id=item_id, open_=True)
        runtime.set_results(db, viewer=fac, workshop=ws, item_id=item_id, shown=True)
    contexts = []
    staff = chromium.new_context(base_url=server.url, locale="en-GB")
    contexts.append(staff)
    facilitator = _sign_in(staff, world)
    pages = []
    try:
        _publish_version(facilitator, url, FIRST_EN, FIRST)
        for index in range(6):  # Riverside 0-2, Highland 3-5; participant 3 reads Hebrew
            locale = "he" if index == 3 else "en-GB"
            context = chromium.new_context(base_url=server.url, locale=locale, viewport=PHONE)
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(world.invitations[index].path())
            page.locator("form[action^='/join/'] button").click()
            page.wait_for_selector("#recovery-code")
            accept_rules(world, index)
            pages.append(page)
        # round 1: all can live with paragraph 1; Highland cannot live with paragraph 3
        for index, page in enumerate(pages):
            third = "agree" if index < 3 else "disagree"
            _mark_all(page, url, ["agree", "pass", third])
        for index in (0, 3, 4):
            page = pages[index]
            page.goto(url)
            box = page.locator("textarea[name='text']").nth(1)
            box.fill(
                ("שבע שנים קצר מדי.", "מי מגדיר שנה שחונה?", "Seven years is too short.")[index % 3]
            )
            page.locator("form.ntext-critique").nth(1).locator("button").click()
            page.wait_for_load_state()
        with tx(world, fac) as (db, ws):
            runtime.reveal(db, viewer=fac, workshop=ws, item_id=item_id)
        facilitator.goto(url)
        facilitator.locator("form[action$='/figures'] button").click()
        facilitator.wait_for_url(re.compile("#figures"))

        # round 2: the facilitator redrafts; everyone can live with paragraphs 1 and 3
        _publish_version(facilitator, url, SECOND_EN, SECOND)
        for index, page in enumerate(pages):
            _mark_all(page, url, ["agree", "agree" if index != 5 else "pass", "agree"])
        facilitator.goto(url)
        facilitator.locator("form[action$='/figures'] button").click()
        facilitator.wait_for_url(re.compile("#figures"))

        english, hebrew = pages[0], pages[3]
        english.goto(url)
        current = english.locator("#current")
        assert current.locator(".ntext-every-party").count() >= 1
        first = current.locator("li.ntext-paragraph").nth(0)
        assert "Every party can live with it" in first.inner_text()
        english.screenshot(path=str(SHOTS / "ntext-marking-en-360.png"), full_page=True)
        assert "The reservoir will fill over at least seven years" in current.inner_text()
        hebrew.goto(url)
        assert hebrew.locator("html").get_attribute("dir") == "rtl"
        assert "המאגר יתמלא במשך שבע שנים לפחות" in hebrew.locator("#current").inner_text()
        assert hebrew.locator("#current li.ntext-paragraph p[lang='he']").count() >= 3
        assert hebrew.locator("#current .ntext-every-party").count() >= 1
        hebrew.screenshot(path=str(SHOTS / "ntext-marking-he-360.png"), full_page=True)
        # the second version beside the first, word by word, with round 1's critiques on v1
        versions = english.locator("#versions")
        assert versions.locator("ins").count() >= 2 and versions.locator("del").count() >= 1
        assert "מי מגדיר שנה שחונה?" in versions.locator("#v-1").inner_text()
        assert "מי מגדיר שנה שחונה?" not in versions.locator("#v-2").inner_text()
        desktop = chromium.new_context(base_url=server.url, locale="en-GB")
        contexts.append(desktop)
        diff_page = _sign_in(desktop, world)
        diff_page.set_viewport_size({"width": 1000, "height": 900})
        diff_page.goto(url + "#versions")
        diff_page.locator("#versions").screenshot(path=str(SHOTS / "ntext-version-diff.png"))
        hebrew.locator("#versions").screenshot(path=str(SHOTS / "ntext-version-diff-he-360.png"))
        he_versions = hebrew.locator("#versions")  # the diff in the language read
        assert any("לפחות" in t for t in he_versions.locator("ins").all_inner_texts())
        with server.database.session() as db:
            assert db.get(Workshop, wid) is not None
    finally:
        for context in contexts:
            context.close()
