"""The reveal gate, the shuffle, per-contribution tags and the contribution schema."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.models import metadata
from app.room import proposals, reactions, runtime
from app.room.models import Proposal, Reaction
from tests.room.helpers import (
    SMALL_BATCH,
    listing,
    open_round,
    participant_viewer,
    reveal,
    submit,
    tx,
)


def test_no_contribution_table_points_at_participant_or_party() -> None:
    for name in ("proposal", "reaction"):
        table = metadata.tables[name]
        targets = {fk.column.table.name for fk in table.foreign_keys}
        assert not targets & {"participant", "party", "user_account", "membership"}, name
        for column in table.columns:
            lowered = column.name.lower()
            assert "participant" not in lowered and "party" not in lowered, column.name
            assert "user" not in lowered and "author_id" not in lowered, column.name
            assert column.name not in {"created_at", "updated_at", "submitted_at"}, column.name
    tally = metadata.tables["reaction_tally"]
    assert {c.name for c in tally.columns} == {"proposal_id", "party_id", "value", "count"}


def test_reveal_gate(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    alice, bob = participant_viewer(world, 0), participant_viewer(world, 3)
    mine = submit(world, alice, "Joint monitoring of the river")
    theirs = submit(world, bob, "A shared water commission")

    seen = listing(world, alice, item)
    assert [p.text for p in seen.pending] == ["Joint monitoring of the river"]
    assert seen.pending[0].mine and seen.revealed == []
    assert theirs.id not in {p.id for p in seen.pending}

    # two pending: fewer than the minimum batch, so staff see nothing of them yet
    assert listing(world, world.viewer("facilitator"), item).pending == []
    more = [submit(world, participant_viewer(world, i), f"Idea {i}") for i in (1, 2, 4)]
    everyone = {mine.id, theirs.id, *(p.id for p in more)}
    facilitator = listing(world, world.viewer("facilitator"), item)
    assert {p.id for p in facilitator.pending} == everyone
    assert not any(p.mine for p in facilitator.pending)
    for role in ("rapporteur", "observer"):
        assert listing(world, world.viewer(role), item).count == 0
    organizer = listing(world, world.viewer("organizer"), item)
    assert len(organizer.pending) == 5  # organizers facilitate too

    assert reveal(world, item, override_reason=None) == 5
    for viewer in (alice, bob, world.viewer("observer")):
        after = listing(world, viewer, item)
        assert after.pending == [] and {p.id for p in after.revealed} == everyone
    assert [p.mine for p in listing(world, alice, item).revealed if p.id == mine.id] == [True]


def test_reveal_gate_over_http(room) -> None:
    facilitator = room.staff("facilitator")
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/start")
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})
    author, _ = room.participant(0)
    other, _ = room.participant(4)
    page = author.get(f"/w/{room.wid}/room")
    key = page.text.split('name="idempotency_key" value="')[1].split('"')[0]
    response = author.post(
        f"/w/{room.wid}/room/proposals", {"text": "Pilot a joint fishery", "idempotency_key": key}
    )
    assert response.status_code == 303
    assert "Pilot a joint fishery" in author.get(f"/w/{room.wid}/room").text
    assert "Pilot a joint fishery" not in other.get(f"/w/{room.wid}/room").text
    assert "Pilot a joint fishery" not in other.get(f"/w/{room.wid}/room/region/proposals").text
    observer = room.staff("observer")
    assert "Pilot a joint fishery" not in observer.get(f"/w/{room.wid}/room").text
    assert "Pilot a joint fishery" not in facilitator.get(f"/w/{room.wid}/console").text
    facilitator.post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/reveal",
        {"override_reason": SMALL_BATCH},
    )
    assert "Pilot a joint fishery" in other.get(f"/w/{room.wid}/room/region/proposals").text
    assert "Pilot a joint fishery" in observer.get(f"/w/{room.wid}/room").text


def _spearman(order: list[int]) -> float:
    n = len(order)
    d2 = sum((rank - index) ** 2 for index, rank in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


@pytest.mark.slow
def test_shown_order_does_not_follow_submission(room) -> None:
    """200 batches of 8: the mean Spearman correlation between submission and shown order
    stays near zero, and the first submission is not pinned to any place."""
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    authors = [participant_viewer(world, i % 6) for i in range(8)]
    observer = world.viewer("observer")
    correlations: list[float] = []
    first_places: set[int] = set()
    facilitator = world.viewer("facilitator")
    for run in range(200):
        with tx(world, facilitator) as (db, workshop):
            ids = []
            for i in range(8):
                row = proposals.submit(
                    db,
                    world.settings,
                    viewer=authors[i],
                    workshop=workshop,
                    text=f"run {run} proposal {i}",
                    idempotency_key=proposals.new_idempotency_key(),
                )
                ids.append(row.id)
            runtime.reveal(db, viewer=facilitator, workshop=workshop, item_id=item)
        with tx(world, observer) as (db, _workshop):
            shown = list(
                db.exec(
                    select(Proposal.id)
                    .where(Proposal.item_id == item, Proposal.batch == run + 1)
                    .order_by(Proposal.shuffle_key)
                )
            )
        order = [ids.index(pid) for pid in shown]
        correlations.append(_spearman(order))
        first_places.add(order.index(0))
    mean = sum(correlations) / len(correlations)
    assert abs(mean) < 0.1, mean
    assert len(first_places) >= 6


def test_shuffle_is_the_listing_order(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    for i in range(6):
        submit(world, participant_viewer(world, i), f"idea {i}")
    reveal(world, item)
    shown = listing(world, world.viewer("observer"), item).revealed
    with tx(world, world.viewer("observer")) as (db, _w):
        keys_in_order = [
            db.get(Proposal, p.id).shuffle_key  # type: ignore[union-attr]
            for p in shown
        ]
    assert keys_in_order == sorted(keys_in_order)


def test_tags_differ_for_every_contribution(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    alice = participant_viewer(world, 0)
    mine = [submit(world, alice, f"proposal {i}") for i in range(4)]
    reveal(world, item)
    with tx(world, alice) as (db, workshop):
        for proposal in mine:
            reactions.react(
                db,
                world.settings,
                viewer=alice,
                workshop=workshop,
                proposal_id=proposal.id,
                value="agree",
            )
    with tx(world, alice) as (db, _w):
        proposal_tags = [db.get(Proposal, p.id).author_tag for p in mine]  # type: ignore[union-attr]
        reaction_tags = [r.author_tag for r in db.exec(select(Reaction))]
    tags = proposal_tags + reaction_tags
    assert len(tags) == 8 and None not in tags
    assert len(set(tags)) == len(tags)
    assert not {t[:16] for t in proposal_tags} & {t[:16] for t in reaction_tags}  # type: ignore[index]


def test_views_carry_no_author_fields() -> None:
    from dataclasses import fields

    from app.room import present

    forbidden = {"author_tag", "participant_id", "party_id", "author", "tag", "idempotency_key"}
    for view in (
        present.ProposalView,
        present.SupportView,
        present.ResultsView,
        present.RoomItemView,
        present.MyQueueView,
    ):
        assert not {f.name for f in fields(view)} & forbidden, view
