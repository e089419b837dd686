"""Attribution by inference (issue 14): the minimum reveal batch and its override, what staff
see of pending proposals, and tightened levels. The room has 6 participants and k = 5, so the
minimum batch is 5."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from app.audit.models import AuditEntry
from app.errors import Conflict, Invalid
from app.room.models import Proposal
from tests.room.helpers import (
    listing,
    open_round,
    participant_viewer,
    reveal,
    stored_pending,
    submit,
)

MINIMUM_NOTICE = "fewer than the usual minimum of 5"


def _audit(world, action: str) -> list[AuditEntry]:
    with world.database.session() as db:
        return list(
            db.exec(
                select(AuditEntry).where(
                    AuditEntry.workshop_id == world.workshop.id, AuditEntry.action == action
                )
            )
        )


def _open(room, item) -> object:
    facilitator = room.staff("facilitator")
    facilitator.post(f"/w/{room.wid}/console/items/{item.id}/start")
    facilitator.post(f"/w/{room.wid}/console/items/{item.id}/intake", {"open": "1"})
    return facilitator


def _propose(room, browser, text: str, item=None, **extra: str) -> None:
    page = browser.get(f"/w/{room.wid}/room").text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    form = {"text": text, "idempotency_key": key, **extra}
    assert browser.post(f"/w/{room.wid}/room/proposals", form).status_code == 303


# -- the minimum batch -----------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2])
def test_a_reveal_below_the_minimum_is_refused_without_a_reason(room, count) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    texts = [f"Idea {n}" for n in range(count)]
    for n, text in enumerate(texts):
        submit(world, participant_viewer(world, n), text)
    for reason in (None, "", "   "):
        with pytest.raises(Conflict) as refused:
            reveal(world, item, override_reason=reason)
        assert "at least 5" in refused.value.message
        assert str(count) not in refused.value.message  # the refusal does not count them
    assert stored_pending(world, item) == texts
    with pytest.raises(Invalid):
        reveal(world, item, override_reason="bell \x07")
    assert _audit(world, "room.reveal") == _audit(world, "room.reveal.override") == []


def test_an_override_is_logged_and_announced_to_the_room(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    submit(world, participant_viewer(world, 0), "Joint patrols")
    submit(world, participant_viewer(world, 3), "A hotline")
    assert reveal(world, item, override_reason="Only two ideas came in  ") == 2
    [entry] = _audit(world, "room.reveal.override")
    assert "2 proposals" in entry.detail and "minimum of 5" in entry.detail
    assert entry.detail.endswith("reason: Only two ideas came in")
    assert _audit(world, "room.reveal") == []
    watcher, _ = room.participant(5)
    for url in (f"/w/{room.wid}/room", f"/w/{room.wid}/room/region/proposals"):
        assert f"A batch of 2 was revealed, {MINIMUM_NOTICE}." in watcher.get(url).text
    state = watcher.client.get(f"/api/v1/workshops/{room.wid}/room").json()
    assert state["item"]["small_batch"] == 2 and state["min_batch"] == 5
    # a full batch afterwards is an ordinary reveal, and the notice goes
    for n in range(5):
        submit(world, participant_viewer(world, n), f"More {n}")
    assert reveal(world, item, override_reason=None) == 5
    assert len(_audit(world, "room.reveal")) == 1
    assert MINIMUM_NOTICE not in watcher.get(f"/w/{room.wid}/room").text


def test_the_api_holds_the_same_minimum(room) -> None:
    facilitator = _open(room, room.contribution)
    for n in (0, 3):
        _propose(room, room.participant(n)[0], f"API idea {n}")
    url = f"/api/v1/workshops/{room.wid}/room/items/{room.contribution.id}/reveal"
    headers = {"X-CSRF-Token": facilitator.token}
    for body in (None, {}, {"override_reason": ""}, {"override_reason": None}):
        refused = facilitator.client.post(url, json=body, headers=headers)
        assert refused.status_code == 409, refused.text
        assert "at least 5" in refused.json()["error"]["message"]
    bad = facilitator.client.post(url, json={"override_reason": "x\x00"}, headers=headers)
    assert bad.status_code == 422
    done = facilitator.client.post(url, json={"override_reason": "Small room"}, headers=headers)
    assert done.status_code == 200 and done.json() == {"revealed": 2}
    assert len(_audit(room.world, "room.reveal.override")) == 1


def test_the_console_form_asks_for_a_reason_below_the_minimum(room) -> None:
    facilitator = _open(room, room.contribution)
    _propose(room, room.participant(0)[0], "Form idea")
    console = facilitator.get(f"/w/{room.wid}/console").text
    assert 'name="override_reason"' in console and "fewer than 5" in console
    url = f"/w/{room.wid}/console/items/{room.contribution.id}/reveal"
    refused = facilitator.post(url)
    assert refused.status_code == 409
    assert "at least 5" in refused.text and 'id="override-reason-error"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert facilitator.post(url, {"override_reason": "Last call"}).status_code == 303
    assert "Form idea" in room.participant(1)[0].get(f"/w/{room.wid}/room").text


# -- the facilitator never watches texts arrive ----------------------------------------------


def test_below_the_minimum_staff_see_no_text_and_no_count(room) -> None:
    facilitator = _open(room, room.contribution)
    texts = [f"Secret arrival {n}" for n in range(4)]
    for n, text in enumerate(texts):
        _propose(room, room.participant(n)[0], text)
    item = room.contribution.id
    pages = [
        facilitator.get(f"/w/{room.wid}/console").text,
        facilitator.get(f"/w/{room.wid}/console/region/pending?item={item}").text,
        facilitator.get(f"/w/{room.wid}/console/region/proposals?item={item}").text,
        facilitator.get(f"/w/{room.wid}/room").text,
        facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/console").text,
        facilitator.client.get(f"/api/v1/workshops/{room.wid}/room").text,
    ]
    for body in pages:
        assert not any(text in body for text in texts)
    pending_region = pages[1]
    assert "(4)" not in pending_region and "waiting to be revealed" not in pending_region
    state = facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/console").json()
    assert state["proposals"]["pending"] == []


def test_the_staff_count_moves_in_groups_never_per_arrival(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    facilitator = world.viewer("facilitator")
    seen = []
    for n in range(11):
        submit(world, participant_viewer(world, n % 6), f"Arrival {n}")
        seen.append(len(listing(world, facilitator, item).pending))
    assert seen == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10]
    assert len(stored_pending(world, item)) == 11


def test_pending_texts_are_shown_to_staff_in_an_order_not_of_submission(room) -> None:
    """The order staff see is the random shuffle key's: over 30 rounds of 5 the first
    submission takes several places, and each shown list follows the shuffle keys."""
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    facilitator = world.viewer("facilitator")
    places: set[int] = set()
    for run in range(30):
        ids = [submit(world, participant_viewer(world, n), f"r{run} n{n}").id for n in range(5)]
        shown = [p.id for p in listing(world, facilitator, item).pending]
        assert sorted(shown) == sorted(ids)
        with world.database.session() as db:
            keys = {p.id: p.shuffle_key for p in db.exec(select(Proposal)) if p.id in ids}
        assert shown == sorted(ids, key=keys.__getitem__)
        places.add(shown.index(ids[0]))
        reveal(world, item, override_reason=None)
    assert len(places) >= 3


# -- levels ----------------------------------------------------------------------------------


def test_tightening_a_level_removes_attribution_from_every_view(room) -> None:
    world = room.world
    facilitator = _open(room, room.on_record)
    author, _ = room.participant(0)
    name = world.invitations[0].participant.display_name
    _propose(room, author, "On the record, with my name", attribute="1")
    url = f"/w/{room.wid}/console/items/{room.on_record.id}/reveal"
    assert facilitator.post(url, {"override_reason": "Press statement"}).status_code == 303
    reader, _ = room.participant(4)
    views = {
        "room": lambda: reader.get(f"/w/{room.wid}/room").text,
        "region": lambda: reader.get(f"/w/{room.wid}/room/region/proposals").text,
        "json": lambda: reader.client.get(f"/api/v1/workshops/{room.wid}/room").text,
        "console": lambda: facilitator.get(f"/w/{room.wid}/console").text,
        "console json": lambda: (
            facilitator.client.get(f"/api/v1/workshops/{room.wid}/room/console").text
        ),
    }
    assert all(name in view() for view in views.values())
    organizer = room.staff("organizer")
    organizer.get(f"/w/{room.wid}")
    changed = organizer.client.patch(
        f"/api/v1/workshops/{room.wid}/items/{room.on_record.id}",
        json={"level": "chatham"},
        headers={"X-CSRF-Token": organizer.token},
    )
    assert changed.status_code == 200, changed.text
    for label, view in views.items():
        assert name not in view(), label
    with world.database.session() as db:
        assert all(p.attribution is None for p in db.exec(select(Proposal)))
    notice = "was changed from On the record to Chatham House"
    assert notice in reader.get(f"/w/{room.wid}/room").text
    assert [e.detail for e in _audit(world, "item.level")] == ["on_record -> chatham"]
