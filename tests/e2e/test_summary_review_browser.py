"""The participant review in a real browser: a participant signs off, the rapporteur changes
the draft, the participant sees the sign-off marked stale, and signs again."""

from __future__ import annotations

import pytest

from app.notes import service as notes
from app.summary import service as summary
from app.workshops.models import Workshop
from tests.room.conftest import accept_rules

pytestmark = pytest.mark.browser


def test_a_sign_off_goes_stale_after_a_change_and_is_given_again(server, chromium, shot) -> None:  # type: ignore[no-untyped-def]
    world = server.world(title="Review dialogue", status="live")
    wid = world.workshop.id
    organizer = world.viewer("organizer")
    with server.database.transaction() as db:
        workshop = db.get(Workshop, wid)
        summary.open_review(
            db, server.settings, workshop, viewer=organizer, rule="minimum", min_signoffs=1
        )
    context = chromium.new_context(base_url=server.url, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(world.invitations[0].path())
        page.locator("form[action^='/join/'] button").click()
        page.wait_for_selector("#recovery-code")
        accept_rules(world, 0)
        page.goto(f"/w/{wid}/summary/review")
        page.get_by_role("button", name="I can live with this").click()
        page.wait_for_selector("[data-signoff='current']")
        signed = page.locator("[data-version]").get_attribute("data-version")
        with server.database.transaction() as db:  # the rapporteur changes the draft
            notes.create(
                db,
                server.settings,
                viewer=world.viewer("rapporteur"),
                workshop=db.get(Workshop, wid),
                body="Both sides asked for a second meeting.",
                visibility="summary",
            )
        page.goto(f"/w/{wid}/summary/review")
        stale = page.locator("[data-signoff='stale']")
        stale.wait_for()
        assert signed and signed in stale.inner_text()
        assert "changed since you signed" in stale.inner_text()
        assert page.locator("[data-version]").get_attribute("data-version") != signed
        shot(page, "summary-review-stale")
        page.get_by_role("button", name="I can live with this").click()
        page.wait_for_selector("[data-signoff='current']")
        assert page.locator("[data-signoff='stale']").count() == 0
    finally:
        context.close()
    with server.database.session() as db:
        review = summary.review_state(db, server.settings, db.get(Workshop, wid), viewer=organizer)
        assert review is not None and review.signoffs == 1 and review.stale_signoffs == 0
