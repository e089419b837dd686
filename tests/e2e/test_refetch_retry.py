"""A live refetch that fails is tried again (issue 17, "Connections"): the server answers 503
to the first refetch after an event, as it may while a whole room reconnects; the browser
tries again after a short jittered back-off and the region shows the new state."""

from __future__ import annotations

import pytest

from app.room import runtime
from tests.room.conftest import accept_rules, add_agenda
from tests.room.helpers import tx

pytestmark = pytest.mark.browser


def test_a_failed_refetch_is_tried_again(server, person) -> None:
    world = server.world(title="Dialogue on the Northern Valley", status="live")
    contribution, _plenary, _record = add_agenda(world)
    wid = world.workshop.id
    page = person()
    page.goto(world.invitations[0].path())
    page.get_by_role("button", name="Join the workshop").click()
    page.wait_for_selector("#recovery-code")
    accept_rules(world, 0)
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.start(db, viewer=fac, workshop=workshop, item_id=contribution.id)
    page.goto(f"/w/{wid}/room")
    page.wait_for_selector("body[data-live='connected']", timeout=10_000)
    assert page.locator("#room-timer [data-ends-at]").count() == 0

    answers: list[int] = []

    def first_fails(route) -> None:  # type: ignore[no-untyped-def]
        if not answers:
            answers.append(503)
            route.fulfill(status=503, body="busy", headers={"Retry-After": "1"})
        else:
            answers.append(200)
            route.continue_()

    page.route("**/room/region/timer", first_fails)
    with tx(world, fac) as (db, workshop):
        runtime.timer(
            db, viewer=fac, workshop=workshop, item_id=contribution.id, action="start", minutes=5
        )
    page.evaluate("document.body.dispatchEvent(new CustomEvent('live:timer', {bubbles: true}))")
    page.wait_for_selector("#room-timer [data-ends-at]", timeout=5_000)
    assert answers[:2] == [503, 200]
    assert page.locator("#room-timer").get_attribute("data-retries") is None  # fresh element
