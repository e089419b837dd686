"""Idempotent submits, editing and withdrawing your own, recovery and re-admission."""

from __future__ import annotations

import re

import pytest

from app.errors import Conflict, NotFound
from app.room import proposals
from app.roster import service as roster
from tests.room.helpers import (
    listing,
    open_round,
    participant_viewer,
    reveal,
    stored_pending,
    submit,
    tx,
)

KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _room_key(browser, wid: str) -> str:
    match = KEY_RE.search(browser.get(f"/w/{wid}/room").text)
    assert match, "no proposal form"
    return match.group(1)


def _start_round(room) -> None:
    facilitator = room.staff("facilitator")
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/start")
    response = facilitator.post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"}
    )
    assert response.status_code == 303


def test_double_submit_creates_one_proposal(room) -> None:
    _start_round(room)
    author, _ = room.participant(0)
    key = _room_key(author, room.wid)
    form = {"text": "Open the border crossing on market days", "idempotency_key": key}
    first = author.post(f"/w/{room.wid}/room/proposals", form)
    second = author.post(f"/w/{room.wid}/room/proposals", form)
    assert first.status_code == second.status_code == 303
    assert stored_pending(room.world, room.contribution.id) == [form["text"]]


def test_double_submit_through_the_api(room) -> None:
    _start_round(room)
    author, _ = room.participant(1)
    author.get(f"/w/{room.wid}/room")
    body = {"text": "Exchange of teachers", "idempotency_key": "k" * 32}
    headers = {"X-CSRF-Token": author.token}
    url = f"/api/v1/workshops/{room.wid}/room/proposals"
    one = author.client.post(url, json=body, headers=headers)
    two = author.client.post(url, json=body, headers=headers)
    assert one.status_code == two.status_code == 201, one.text
    assert one.json()["id"] == two.json()["id"] and one.json()["mine"] == 1
    assert not {"author_tag", "idempotency_key", "participant_id"} & set(one.json())


def test_same_key_from_another_participant_is_not_theirs(room) -> None:
    world = room.world
    open_round(world, room.contribution.id)
    alice, bob = participant_viewer(world, 0), participant_viewer(world, 1)
    submit(world, alice, "Alice's idea", key="same-key-000000000000")
    with pytest.raises(Conflict):
        submit(world, bob, "Bob's idea", key="same-key-000000000000")


def test_edit_and_withdraw_own_until_revealed(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    alice, bob = participant_viewer(world, 0), participant_viewer(world, 3)
    mine = submit(world, alice, "first draft")
    gone = submit(world, alice, "second thought")
    with tx(world, bob) as (db, workshop):
        with pytest.raises(NotFound):
            proposals.edit(
                db, world.settings, viewer=bob, workshop=workshop, proposal_id=mine.id, text="x"
            )
    with tx(world, alice) as (db, workshop):
        proposals.edit(
            db, world.settings, viewer=alice, workshop=workshop, proposal_id=mine.id, text="final"
        )
        proposals.withdraw(db, world.settings, viewer=alice, workshop=workshop, proposal_id=gone.id)
    assert [p.text for p in listing(world, alice, item).pending] == ["final"]
    assert stored_pending(world, item) == ["final"]
    reveal(world, item)
    with tx(world, alice) as (db, workshop):
        with pytest.raises(Conflict):
            proposals.edit(
                db, world.settings, viewer=alice, workshop=workshop, proposal_id=mine.id, text="y"
            )


def test_attribution_only_on_record_and_only_when_asked(room) -> None:
    world = room.world
    alice = participant_viewer(world, 0)
    for item, expected in ((room.contribution, None), (room.on_record, alice.display_name)):
        open_round(world, item.id)
        with tx(world, alice) as (db, workshop):
            asked = proposals.submit(
                db,
                world.settings,
                viewer=alice,
                workshop=workshop,
                text="named",
                idempotency_key=proposals.new_idempotency_key(),
                attribute=True,
            )
            silent = proposals.submit(
                db,
                world.settings,
                viewer=alice,
                workshop=workshop,
                text="unnamed",
                idempotency_key=proposals.new_idempotency_key(),
            )
            assert asked.attribution == expected and silent.attribution is None
        fac = world.viewer("facilitator")
        with tx(world, fac) as (db, workshop):
            from app.room import runtime

            runtime.finish(db, viewer=fac, workshop=workshop, item_id=item.id)


def test_recovery_code_restores_authorship_on_a_second_client(room) -> None:
    _start_round(room)
    first, code = room.participant(0)
    key = _room_key(first, room.wid)
    first.post(f"/w/{room.wid}/room/proposals", {"text": "Recovered idea", "idempotency_key": key})
    second = room.browser()
    second.get("/recover")
    response = second.post("/recover", {"code": code})
    assert response.status_code == 303, response.text
    page = second.get(f"/w/{room.wid}/room")
    assert "Recovered idea" in page.text and "My proposals" in page.text
    pid = re.search(r"/room/proposals/([0-9a-f]{32})/edit", page.text).group(1)
    edited = second.post(f"/w/{room.wid}/room/proposals/{pid}/edit", {"text": "Recovered, edited"})
    assert edited.status_code == 303
    assert "Recovered, edited" in first.get(f"/w/{room.wid}/room").text


def test_readmitted_participant_cannot_edit_old_proposals(room) -> None:
    _start_round(room)
    old, _code = room.participant(2)
    key = _room_key(old, room.wid)
    old.post(
        f"/w/{room.wid}/room/proposals", {"text": "Before readmission", "idempotency_key": key}
    )
    page = old.get(f"/w/{room.wid}/room")
    pid = re.search(r"/room/proposals/([0-9a-f]{32})/edit", page.text).group(1)
    world = room.world
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        invitation = roster.readmit(
            db,
            viewer=organizer,
            workshop=workshop,
            participant_id=world.invitations[2].participant.id,
        )
    fresh = room.browser()
    fresh.join(invitation)
    page = fresh.get(f"/w/{room.wid}/room")
    assert "Before readmission" not in page.text
    refused = fresh.post(f"/w/{room.wid}/room/proposals/{pid}/edit", {"text": "hijack"})
    assert refused.status_code == 404
    assert stored_pending(world, room.contribution.id) == ["Before readmission"]
