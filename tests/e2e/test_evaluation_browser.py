"""The attitude survey in real browsers, without scripts of our own: the organizer builds it
from the examples and opens it, six participants in two parties answer before and after, the
organizer publishes and sees the change per statement, records a briefing in the transfer
log, and downloads the impact report as a PDF (rendered to PNG under /tmp/shots/)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.workshops.models import Workshop
from tests.factories import PASSWORD
from tests.room.conftest import accept_rules

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
EXAMPLES = ("A negotiated solution is possible.", "I trust the other side's intentions.")
QUESTION = "What, if anything, changed for you?"


def _answer(page, wid: str, moment: str, values: tuple[int, int], written: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/w/{wid}/evaluation")
    form = page.locator(f"form[action$='/evaluation/answers/{moment}']")
    for fieldset, value in zip(form.locator("fieldset").all(), values, strict=True):
        fieldset.locator(f"input[value='{value}']").check()
    form.get_by_label(QUESTION).fill(written)
    form.get_by_role("button", name="Send my answers").click()
    page.locator(f"#answer-{moment}", has_text="Thank you").wait_for()


def test_six_answer_before_and_after_and_the_organizer_sees_the_change(
    server, chromium, shot
) -> None:
    world = server.world(title="Valley water dialogue", status="live", participants_per_party=3)
    with server.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        workshop.k_min = 3
    wid = world.workshop.id
    staff = chromium.new_context(base_url=server.url, locale="en-GB")
    organizer = staff.new_page()
    organizer.set_default_timeout(15_000)
    organizer.goto("/login")
    organizer.get_by_label("E-mail address").fill(world.users["organizer"].email)
    organizer.get_by_label("Password").fill(PASSWORD)
    organizer.get_by_role("button", name="Sign in").click()
    organizer.wait_for_url(re.compile(r"/$"))
    organizer.goto(f"/w/{wid}/evaluation")
    for example in EXAMPLES:
        organizer.locator("form", has_text=example).get_by_role("button", name="Add").click()
        organizer.wait_for_url(re.compile(r"#statements$"))
    organizer.get_by_label("New statement").fill(QUESTION)
    organizer.get_by_label("Free text").check()
    organizer.get_by_role("button", name="Add statement").click()
    organizer.wait_for_url(re.compile(r"#statements$"))
    for _moment in ("pre", "post"):
        organizer.locator("#moments").get_by_role("button", name="Open").first.click()
        organizer.wait_for_url(re.compile(r"#moments$"))

    contexts = [staff]
    pages = []
    try:
        for index in range(6):  # Riverside: 0-2, Highland: 3-5
            context = chromium.new_context(base_url=server.url, locale="en-GB")
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(world.invitations[index].path())
            page.locator("form[action^='/join/'] button").click()
            page.wait_for_selector("#recovery-code")
            accept_rules(world, index)
            pages.append(page)
        for n, page in enumerate(pages):
            _answer(page, wid, "pre", (1 + n % 3, 2 + n % 2), "")
        for n, page in enumerate(pages):
            _answer(page, wid, "post", (2 + n % 3 + n % 2, 2 + n % 3), f"Written thought {n}")

        organizer.goto(f"/w/{wid}/evaluation")
        assert "Written thought" not in organizer.locator("main").inner_text()  # pending
        organizer.get_by_role("button", name="Reveal the written answers").click()
        organizer.wait_for_url(re.compile(r"#texts$"))
        written = organizer.locator("#texts").inner_text()
        assert all(f"Written thought {n}" in written for n in range(6))
        organizer.get_by_role("button", name="Publish the results").click()
        organizer.wait_for_url(re.compile(r"#results$"))
        results = organizer.locator("#results")
        first = results.locator("article", has_text=EXAMPLES[0])
        assert first.locator("table.survey-change td.change").first.inner_text() == "+1.5"
        second = results.locator("article", has_text=EXAMPLES[1])
        assert second.locator("table.survey-change td.change").first.inner_text() == "+0.5"
        assert "Riverside" in first.inner_text()  # both parties of three, answers differ
        SHOTS.mkdir(exist_ok=True)
        organizer.screenshot(path=str(SHOTS / "eval-results.png"), full_page=True)
        shot(organizer, "results")
        participant_view = pages[0]
        participant_view.goto(f"/w/{wid}/evaluation")
        assert "+1.5" in participant_view.locator("#results").inner_text()

        organizer.goto(f"/w/{wid}/transfer")
        organizer.get_by_label("Briefed to").fill("Ministry of Water Resources")
        organizer.get_by_label("On", exact=True).fill("2026-12-01")
        organizer.get_by_label("Outcome (now or later)").fill("Cited in a policy paper")
        organizer.get_by_role("button", name="Record", exact=True).click()
        organizer.wait_for_url(re.compile(r"/transfer$"))
        assert "Ministry of Water Resources" in organizer.locator("main").inner_text()

        organizer.goto(f"/w/{wid}/evaluation")
        with organizer.expect_download(timeout=60_000) as download:  # a PDF takes a while
            organizer.locator("#impact").get_by_role("button", name="PDF").click(no_wait_after=True)
        pdf = SHOTS / "eval-impact.pdf"
        download.value.save_as(str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
        for old in SHOTS.glob("eval-impact-*.png"):
            old.unlink()
        subprocess.run(
            ["/usr/bin/pdftoppm", "-png", "-r", "70", str(pdf), str(SHOTS / "eval-impact")],
            check=True,
        )
        assert list(SHOTS.glob("eval-impact-*.png"))
    finally:
        for context in contexts:
            context.close()
