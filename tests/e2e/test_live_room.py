"""The live room in real browsers: a facilitator and three participants from two parties.

A participant submits; the others see nothing; the facilitator reveals; every participant
sees the proposal without reloading within 2 seconds; they react; the facilitator publishes
the results, which reach every participant live.
"""

from __future__ import annotations

import re

import pytest

from app.workshops.models import Workshop
from tests.factories import PASSWORD
from tests.room.conftest import accept_rules, add_agenda

pytestmark = pytest.mark.browser

TEXT = "A joint commission to publish river flow data every week"


def _errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    found: list[str] = []
    page.on(
        "console",
        lambda m: (
            found.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text  # favicon; see below
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


def _live(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("body[data-live='connected']", timeout=10_000)


def test_reveal_reaches_every_participant_live(server, person, shot) -> None:
    world = server.world(title="Dialogue on the Northern Valley", status="live")
    with server.database.transaction() as db:  # three reactors make a figure (k = 3)
        db.get(Workshop, world.workshop.id).k_min = 3
    contribution, _plenary, _record = add_agenda(world)
    wid = world.workshop.id

    facilitator = person()
    errors = _errors(facilitator)
    facilitator.goto("/login")
    facilitator.get_by_label("E-mail address").fill(world.users["facilitator"].email)
    facilitator.get_by_label("Password").fill(PASSWORD)
    facilitator.get_by_role("button", name="Sign in").click()
    facilitator.wait_for_url(re.compile(r"/$"))
    facilitator.goto(f"/w/{wid}/console")
    _live(facilitator)
    facilitator.locator(f"form[action$='/items/{contribution.id}/start'] button").click()
    facilitator.wait_for_url(re.compile(r"/console"))
    facilitator.get_by_role("button", name="Open intake").click()
    facilitator.get_by_role("button", name="Close intake").wait_for()
    shot(facilitator, "1-console-intake-open")

    # Riverside: invitations 0 and 1; Highland: invitation 2.
    participants = []
    for index in (0, 1, 2):
        page = person()
        errors += _errors(page)
        page.goto(world.invitations[index].path())
        page.get_by_role("button", name="Join the workshop").click()
        page.wait_for_selector("#recovery-code")
        accept_rules(world, index)
        page.goto(f"/w/{wid}/room")
        _live(page)
        participants.append(page)
    author, others = participants[0], participants[1:]

    author.get_by_role("textbox", name="Proposal").fill(TEXT)
    author.get_by_role("button", name="Submit").click()
    author.get_by_text("My proposals, not yet revealed").wait_for()
    assert author.locator(".proposal-text", has_text=TEXT).is_visible()
    shot(author, "2-author-pending")
    for page in others:
        assert page.locator(".proposal-text", has_text=TEXT).count() == 0
    shot(others[0], "3-other-before-reveal")

    # one proposal is fewer than the minimum batch: the console shows no text of it, and the
    # reveal needs a reason, which the room is told of
    facilitator.reload()
    _live(facilitator)
    assert facilitator.locator(".proposal-text", has_text=TEXT).count() == 0
    shot(facilitator, "4-console-pending")
    facilitator.get_by_label(re.compile("^Reason, if fewer than")).fill("A small first round")
    facilitator.get_by_role("button", name="Reveal all pending").click()
    for page in participants:
        page.locator(".proposal-text", has_text=TEXT).first.wait_for(
            timeout=2_000
        )  # live, no reload
    for page in participants:
        page.get_by_text("A batch of 1 was revealed").wait_for(timeout=2_000)
    shot(others[0], "5-other-after-reveal")

    facilitator.get_by_role("button", name="Show results").click()
    for page in participants:
        page.get_by_role("heading", name="Results").wait_for(timeout=2_000)
        page.get_by_role("button", name="Agree").first.click()
        page.get_by_role("button", name="Agree", pressed=True).wait_for()
    for page in participants:  # reactions publish nothing: figures wait for a snapshot
        assert "No results have been published yet." in page.locator("#room-results").inner_text()
    facilitator.get_by_role("button", name="Publish results now").click()
    for page in participants:
        page.wait_for_function(
            "() => document.querySelector('#room-results').innerText.includes('Published on')",
            timeout=2_000,
        )
        figures = page.locator("#room-results .result-figures").first.inner_text()
        assert "3" in figures and "totals only" in figures  # k not reached: no parties
    shot(participants[2], "6-room-results")
    shot(facilitator, "7-console-results")
    for page in [*participants, facilitator]:
        html = page.content()
        for invitation in world.invitations:
            assert invitation.participant.display_name not in html
    assert errors == []
