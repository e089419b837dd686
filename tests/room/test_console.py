"""The facilitator console: running the agenda, timer, intake, themes, queue, permissions."""

from __future__ import annotations

import re

import pytest

from app.room import queue
from app.room.queue import Waiting, fair_order
from tests.room.helpers import SMALL_BATCH, participant_viewer, tx


def _start(browser, room, item) -> None:
    response = browser.post(f"/w/{room.wid}/console/items/{item.id}/start")
    assert response.status_code == 303, response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [("organizer", 200), ("facilitator", 200), ("rapporteur", 404), ("observer", 404)],
)
def test_console_is_for_facilitating_roles(room, role, status) -> None:
    browser = room.staff(role)
    assert browser.get(f"/w/{room.wid}/console").status_code == status
    assert browser.get(f"/w/{room.wid}/console/region/agenda").status_code == status
    response = browser.post(f"/w/{room.wid}/console/items/{room.plenary.id}/start")
    assert response.status_code == (303 if status == 200 else 404)


def test_participant_and_stranger_get_404_on_the_console(room) -> None:
    participant, _ = room.participant(0)
    assert participant.get(f"/w/{room.wid}/console").status_code == 404
    assert participant.post(f"/w/{room.wid}/console/advance").status_code == 404
    api = participant.client.post(
        f"/api/v1/workshops/{room.wid}/room/advance", headers={"X-CSRF-Token": participant.token}
    )
    assert api.status_code == 404


def test_room_requires_accepted_rules(room) -> None:
    browser = room.browser()
    browser.join(room.world.invitations[5])
    response = browser.get(f"/w/{room.wid}/room", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/w/{room.wid}/rules?next=/w/{room.wid}/room"


def test_one_live_item_advance_and_finish(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.plenary)
    clash = facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/start")
    assert clash.status_code == 409
    assert facilitator.post(f"/w/{room.wid}/console/advance").status_code == 303
    page = facilitator.get(f"/w/{room.wid}/console")
    assert "Options for the water dispute" in page.text and "Open intake" in page.text
    state = facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/console").json()
    states = {i["title"]: i["state"] for i in state["items"]}
    assert states == {
        "Opening round": "done",
        "Options for the water dispute": "live",
        "Statements for the press": "planned",
    }
    assert state["item"]["started_on"]
    done = facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/finish")
    assert done.status_code == 303
    participant, _ = room.participant(0)
    assert "Waiting for the facilitator" in participant.get(f"/w/{room.wid}/room").text


def test_intake_gates_the_proposal_form(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    participant, _ = room.participant(0)
    assert 'name="idempotency_key"' not in participant.get(f"/w/{room.wid}/room/region/intake").text
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    assert 'name="idempotency_key"' in participant.get(f"/w/{room.wid}/room/region/intake").text
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "0"})
    refused = participant.post(
        f"/w/{room.wid}/room/proposals", {"text": "late", "idempotency_key": "x" * 32}
    )
    assert refused.status_code == 409


def test_bad_input_is_shown_next_to_the_field_and_kept(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    participant, _ = room.participant(0)
    page = participant.get(f"/w/{room.wid}/room")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    long_text = "x" * 2001
    response = participant.post(
        f"/w/{room.wid}/room/proposals", {"text": long_text, "idempotency_key": key}
    )
    assert response.status_code == 422
    assert "at most 2000 characters" in response.text and long_text in response.text
    bad = participant.post(
        f"/w/{room.wid}/room/proposals", {"text": "bell \x07", "idempotency_key": key}
    )
    assert bad.status_code == 422 and "control character" in bad.text
    timer = facilitator.post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/timer",
        {"timer": "start", "minutes": "0"},
    )
    assert timer.status_code == 422 and "between 1 and 240" in timer.text
    hide = facilitator.post(f"/w/{room.wid}/console/proposals/{'0' * 32}/hide", {"reason": "x"})
    assert hide.status_code == 404


def test_timer_start_pause_resume_extend(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.plenary)
    url = f"/w/{room.wid}/console/items/{room.plenary.id}/timer"
    assert facilitator.post(url, {"timer": "start", "minutes": "5"}).status_code == 303
    participant, _ = room.participant(0)
    region = participant.get(f"/w/{room.wid}/room/region/timer").text
    assert re.search(r'data-ends-at="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', region)
    assert re.search(r"data-countdown>[45]:\d\d<", region)
    facilitator.post(url, {"timer": "pause"})
    paused = participant.get(f"/w/{room.wid}/room/region/timer").text
    assert "data-ends-at" not in paused and "paused" in paused
    facilitator.post(url, {"timer": "extend", "minutes": "10"})
    api = facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/console").json()
    assert 14 * 60 < api["item"]["timer"]["remaining_seconds"] <= 15 * 60
    facilitator.post(url, {"timer": "resume"})
    assert "data-ends-at" in participant.get(f"/w/{room.wid}/room/region/timer").text
    facilitator.post(url, {"timer": "clear"})
    assert "data-ends-at" not in participant.get(f"/w/{room.wid}/room/region/timer").text


def test_themes_and_results_toggle(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    participant, _ = room.participant(0)
    page = participant.get(f"/w/{room.wid}/room")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    participant.post(f"/w/{room.wid}/room/proposals", {"text": "Water", "idempotency_key": key})
    facilitator.post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/reveal",
        {"override_reason": SMALL_BATCH},
    )
    api = f"/api/v1/workshops/{room.wid}/room"
    headers = {"X-CSRF-Token": facilitator.token}
    theme = facilitator.client.post(
        f"{api}/items/{room.contribution.id}/themes", json={"name": "Resources"}, headers=headers
    )
    assert theme.status_code == 201, theme.text
    state = facilitator.client.get(f"{api}/console").json()
    pid = state["proposals"]["revealed"][0]["id"]
    facilitator.client.put(
        f"{api}/proposals/{pid}/theme", json={"theme_id": theme.json()["id"]}, headers=headers
    )
    facilitator.client.patch(
        f"{api}/themes/{theme.json()['id']}", json={"name": "Shared resources"}, headers=headers
    )
    assert "Shared resources" in participant.get(f"/w/{room.wid}/room/region/proposals").text
    assert "Results" not in participant.get(f"/w/{room.wid}/room/region/results").text
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/results", {"shown": "1"})
    shown = participant.get(f"/w/{room.wid}/room/region/results").text
    assert "Results" in shown and "No results have been published yet." in shown
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/publish")
    shown = participant.get(f"/w/{room.wid}/room/region/results").text
    assert "Published on" in shown and "too few reactions to show" in shown


def test_fair_order_alternates_parties_then_favours_the_quiet() -> None:
    waiting = [
        Waiting("a1", "A", 0, 1),
        Waiting("a2", "A", 2, 2),
        Waiting("b1", "B", 1, 3),
        Waiting("a3", "A", 0, 4),
        Waiting("b2", "B", 0, 5),
    ]
    order = [w.key for w in fair_order(waiting, last_party="A")]
    assert order == ["b2", "a1", "b1", "a3", "a2"]
    assert [w.key for w in fair_order(waiting[:1], None)] == ["a1"]


def test_speaking_queue_names_only_for_staff(room) -> None:
    world = room.world
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.plenary)
    speakers = [room.participant(i)[0] for i in (0, 1, 3)]
    for browser in speakers:
        assert browser.post(f"/w/{room.wid}/room/queue").status_code == 303
    assert "You have asked for the floor" in speakers[0].get(f"/w/{room.wid}/room").text
    console = facilitator.get(f"/w/{room.wid}/console").text
    names = [world.invitations[i].participant.display_name for i in (0, 1, 3)]
    for name in names:
        assert name in console
    for browser in speakers:
        page = browser.get(f"/w/{room.wid}/room").text
        assert not any(name in page for name in names)
    entries = facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/queue").json()
    assert len(entries) == 3 and {e["status"] for e in entries} == {"waiting"}
    assert set(entries[0]) == {"id", "name", "party", "status", "spoken"}
    first = entries[0]["id"]
    facilitator.post(f"/w/{room.wid}/console/queue/{first}", {"status": "speaking"})
    after = facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/queue").json()
    assert after[0]["id"] == first and after[0]["status"] == "speaking"
    speakers[2].post(f"/w/{room.wid}/room/queue/withdraw")
    rapporteur = room.staff("rapporteur")
    assert rapporteur.client.get(f"/api/v1/workshops/{room.wid}/room/queue").status_code == 404
    viewer = participant_viewer(world, 0)
    with tx(world, viewer) as (db, workshop):
        assert queue.for_item is not None
        with pytest.raises(Exception):
            queue.for_item(db, viewer=viewer, workshop=workshop, item=room.plenary)


def test_fragments_render_single_regions(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    participant, _ = room.participant(0)
    for region in ("agenda", "timer", "intake", "proposals", "results", "queue"):
        response = participant.get(f"/w/{room.wid}/room/region/{region}")
        assert response.status_code == 200
        assert "<html" not in response.text and "hx-get" in response.text
    for region in ("agenda", "timer", "proposals", "pending", "results"):
        response = facilitator.get(
            f"/w/{room.wid}/console/region/{region}?item={room.contribution.id}"
        )
        assert response.status_code == 200, region
        assert "<html" not in response.text
    assert participant.get(f"/w/{room.wid}/room/region/nope").status_code == 404
    page = participant.get(f"/w/{room.wid}/room").text
    assert f'data-live-url="/w/{room.wid}/events"' in page
    assert 'hx-trigger="live:proposals from:body"' in page
    assert "level level-chatham" in page


def _propose(room, browser, text: str) -> None:
    page = browser.get(f"/w/{room.wid}/room").text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    response = browser.post(f"/w/{room.wid}/room/proposals", {"text": text, "idempotency_key": key})
    assert response.status_code == 303, response.text


def test_polled_pending_region_changes_only_when_a_group_joins(room) -> None:
    """The polled region answers 204 while what staff see stands: arrivals below the minimum
    batch (5) change nothing; the fifth brings all five; a sixth changes nothing again."""
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    page = facilitator.get(f"/w/{room.wid}/console").text
    url = re.search(r'hx-get="(/w/[^"]+/console/region/pending[^"]+)"', page).group(1)
    url = url.replace("&amp;", "&")
    assert facilitator.get(url).status_code == 204
    people = [room.participant(i)[0] for i in range(6)]
    for n in range(4):
        _propose(room, people[n], f"Fresh {n}")
        assert facilitator.get(url).status_code == 204, n
    _propose(room, people[4], "Fresh 4")
    changed = facilitator.get(url)
    assert changed.status_code == 200
    assert all(f"Fresh {n}" in changed.text for n in range(5))
    url = re.search(r'hx-get="(/w/[^"]+/console/region/pending[^"]+)"', changed.text).group(1)
    _propose(room, people[5], "Fresh 5")
    assert facilitator.get(url.replace("&amp;", "&")).status_code == 204


def test_staff_in_the_room_see_no_pending_as_their_own(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    participant, _ = room.participant(0)
    key = re.search(
        r'name="idempotency_key" value="([^"]+)"', participant.get(f"/w/{room.wid}/room").text
    ).group(1)
    participant.post(f"/w/{room.wid}/room/proposals", {"text": "Unseen", "idempotency_key": key})
    page = facilitator.get(f"/w/{room.wid}/room").text
    assert "My proposals" not in page and "Unseen" not in page


def test_api_state_has_no_author_fields_anywhere(room) -> None:
    facilitator = room.staff("facilitator")
    _start(facilitator, room, room.contribution)
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    author, _ = room.participant(0)
    other, _ = room.participant(3)
    author.get(f"/w/{room.wid}/room")
    api = f"/api/v1/workshops/{room.wid}/room"
    made = author.client.post(
        f"{api}/proposals",
        json={"text": "API idea", "idempotency_key": "a" * 20},
        headers={"X-CSRF-Token": author.token},
    ).json()
    other.get(f"/w/{room.wid}/room")
    hidden = other.client.put(
        f"{api}/proposals/{made['id']}/reaction",
        json={"value": "agree"},
        headers={"X-CSRF-Token": other.token},
    )
    assert hidden.status_code == 404  # pending: invisible, not "not allowed"
    assert other.client.get(api).json()["proposals"]["pending"] == []
    facilitator.post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/reveal",
        {"override_reason": SMALL_BATCH},
    )
    reacted = other.client.put(
        f"{api}/proposals/{made['id']}/reaction",
        json={"value": "agree"},
        headers={"X-CSRF-Token": other.token},
    )
    assert reacted.status_code == 200, reacted.text
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/results", {"shown": "1"})
    forbidden = {"author_tag", "participant_id", "party_id", "idempotency_key", "shuffle_key"}

    def keys_of(value) -> set[str]:
        if isinstance(value, dict):
            return set(value) | set().union(*(keys_of(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(*(keys_of(v) for v in value)) if value else set()
        return set()

    for browser, url in ((author, api), (other, api), (facilitator, f"{api}/console")):
        state = browser.client.get(url).json()
        assert not keys_of(state) & forbidden
    mine = author.client.get(api).json()["proposals"]["revealed"]
    theirs = other.client.get(api).json()["proposals"]["revealed"]
    assert [p["mine"] for p in mine] == [True] and [p["mine"] for p in theirs] == [False]
    assert theirs[0]["my_reaction"] == {"agree": 1, "disagree": 0, "pass": 0}
    assert mine[0]["my_reaction"] == {"agree": 0, "disagree": 0, "pass": 0}


def test_timer_buttons_speak_the_facilitators_language(room) -> None:
    """Pause, Resume and Clear went through _() as a variable, so they stayed English."""
    facilitator = room.staff("facilitator")
    assert facilitator.post("/language", {"language": "ar"}).status_code == 303
    _start(facilitator, room, room.plenary)
    url = f"/w/{room.wid}/console/items/{room.plenary.id}/timer"
    facilitator.post(url, {"timer": "start", "minutes": "5"})
    running = facilitator.get(f"/w/{room.wid}/console").text
    assert ">إيقاف مؤقت</button>" in running and ">مسح</button>" in running
    facilitator.post(url, {"timer": "pause"})
    paused = facilitator.get(f"/w/{room.wid}/console").text
    assert ">استئناف</button>" in paused
    for english in (">Pause<", ">Resume<", ">Clear<"):
        assert english not in running + paused


def test_an_item_id_with_a_nul_is_not_found_not_a_crash(room) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL refuses a NUL in any text parameter (the fuzz's 500 on the console JSON):
    the API answers 422, the page 404, on both engines."""
    facilitator = room.staff("facilitator")
    api = facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/console?item=a%00b")
    assert api.status_code == 422
    page = facilitator.get(f"/w/{room.wid}/console?item=a%00b")
    assert page.status_code in (200, 404)  # the live item's console, or no such item
    assert facilitator.get(f"/w/{room.wid}/console/items/a%00b/start").status_code in (404, 405)
