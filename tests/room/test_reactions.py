"""Reactions, tallies, the k rule through the service, merges, and concurrent clients."""

from __future__ import annotations

import threading

from sqlmodel import col, select

from app.policy import Viewer
from app.room import common, moderation, reactions, results, runtime
from app.room.models import Reaction, ReactionTally
from tests.factories import make_world
from tests.room.conftest import add_agenda
from tests.room.helpers import listing, open_round, participant_viewer, reveal, submit, tx


def react(world, viewer: Viewer, proposal_id: str, value: str) -> None:
    with tx(world, viewer) as (db, workshop):
        reactions.react(
            db,
            world.settings,
            viewer=viewer,
            workshop=workshop,
            proposal_id=proposal_id,
            value=value,
        )


def publish(world, item_id: str) -> int:
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        return runtime.publish(db, viewer=fac, workshop=workshop, item_id=item_id)


def support_of(world, item_id: str, viewer: Viewer | None = None, *, publishing: bool = True):
    """The results as published (the facilitator publishes first, unless told not to)."""
    if publishing:
        publish(world, item_id)
    viewer = viewer or world.viewer("facilitator")
    shown = listing(world, viewer, item_id).revealed
    with tx(world, viewer) as (db, workshop):
        item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
        return results.for_item(db, viewer=viewer, workshop=workshop, item=item, proposals=shown)


def tallies(world) -> dict[tuple[str, str], int]:
    with world.database.session() as db:
        return {(t.party_id, t.value): t.count for t in db.exec(select(ReactionTally))}


def test_reaction_is_one_per_participant_and_changeable(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    proposal = submit(world, participant_viewer(world, 0), "A joint fund")
    reveal(world, item)
    voter = participant_viewer(world, 1)
    react(world, voter, proposal.id, "agree")
    react(world, voter, proposal.id, "agree")
    react(world, voter, proposal.id, "disagree")
    with world.database.session() as db:
        rows = list(db.exec(select(Reaction)))
    assert [r.value for r in rows] == ["disagree"]
    party = voter.party_id
    assert tallies(world) == {(party, "agree"): 0, (party, "disagree"): 1}
    assert listing(world, voter, item).revealed[0].my_reaction == "disagree"
    assert listing(world, participant_viewer(world, 2), item).revealed[0].my_reaction is None


def test_reactions_close_with_the_item(room) -> None:
    import pytest

    from app.errors import Conflict

    world = room.world
    item = room.contribution.id
    open_round(world, item)
    proposal = submit(world, participant_viewer(world, 0), "Close me")
    reveal(world, item)
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=item)
    with pytest.raises(Conflict):
        react(world, participant_viewer(world, 1), proposal.id, "agree")


def _world_with(settings, database, per_party: int, k: int):
    world = make_world(settings, database, status="live", participants_per_party=per_party)
    with database.transaction() as db:
        workshop = db.get(type(world.workshop), world.workshop.id)
        workshop.k_min = k
        db.add(workshop)
    world.workshop.k_min = k
    contribution, _plenary, _rec = add_agenda(world)
    return world, contribution.id


def test_k_rule_at_the_boundary(settings, database) -> None:
    world, item = _world_with(settings, database, per_party=4, k=4)
    open_round(world, item)
    short = submit(world, participant_viewer(world, 0), "Joint patrols")
    full = submit(world, participant_viewer(world, 1), "Joint schools")
    reveal(world, item)
    # party A: participants 0..3, party B: 4..7. On `short` three of B react: k-1.
    for index in range(8):
        value = "agree" if index < 6 else ("pass" if index == 6 else "disagree")
        if index < 7:
            react(world, participant_viewer(world, index), short.id, value)
        react(world, participant_viewer(world, index), full.id, value)
    supports = {s.proposal_id: s for s in support_of(world, item).supports}
    below, at = supports[short.id], supports[full.id]
    assert below.reacted == 7 and not below.k_holds and below.parties == []
    assert below.band == "broad"  # 6 of 7 agree: a band, never "6 agree"
    assert at.k_holds and at.reacted == 8
    assert [(s.reacted, s.band) for s in at.parties] == [(4, "broad"), (4, "divided")]


def test_results_hidden_from_participants_until_shown(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    submit(world, participant_viewer(world, 0), "Seen later")
    reveal(world, item)
    alice = participant_viewer(world, 1)
    assert support_of(world, item, alice) is None
    assert support_of(world, item, world.viewer("observer")) is None
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.set_results(db, viewer=fac, workshop=workshop, item_id=item, shown=True)
    assert support_of(world, item, alice) is not None
    assert support_of(world, item, world.viewer("observer")) is not None


def test_merge_counts_each_person_once(room) -> None:
    """Support after a merge counts people, not reactions: the kept proposal's reactors
    only (a duplicate's reactions are not added), so nobody is counted twice."""
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    target = submit(world, participant_viewer(world, 0), "Share water data")
    duplicate = submit(world, participant_viewer(world, 1), "Publish water data jointly")
    third = submit(world, participant_viewer(world, 2), "Data on water, shared")
    reveal(world, item)
    for index in (1, 2, 3, 4, 5):  # k = 5: enough for a figure
        react(world, participant_viewer(world, index), target.id, "agree")
    react(world, participant_viewer(world, 3), duplicate.id, "disagree")  # reacted to both
    react(world, participant_viewer(world, 0), duplicate.id, "agree")
    react(world, participant_viewer(world, 0), third.id, "agree")
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        moderation.merge(
            db, viewer=fac, workshop=workshop, proposal_id=third.id, into_id=duplicate.id
        )
    with tx(world, fac) as (db, workshop):
        moderation.merge(
            db, viewer=fac, workshop=workshop, proposal_id=duplicate.id, into_id=target.id
        )
    shown = listing(world, participant_viewer(world, 5), item).revealed
    assert [(p.id, p.merged_count) for p in shown] == [(target.id, 2)]
    support = support_of(world, item)
    assert [(s.proposal_id, s.reacted) for s in support.supports] == [(target.id, 5)]
    room_size = len(world.invitations)
    assert all(s.reacted <= room_size for s in support.supports)


def test_hide_and_edit_without_authors(room) -> None:
    world = room.world
    item = room.contribution.id
    open_round(world, item)
    rude = submit(world, participant_viewer(world, 0), "Something rude")
    unclear = submit(world, participant_viewer(world, 1), "we shud share")
    reveal(world, item)
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        moderation.hide(db, viewer=fac, workshop=workshop, proposal_id=rude.id, reason="Insult")
        moderation.edit(
            db, viewer=fac, workshop=workshop, proposal_id=unclear.id, text="We should share"
        )
    seen = listing(world, participant_viewer(world, 2), item).revealed
    assert [(p.text, p.edited, p.hidden, p.hide_reason) for p in seen] == [
        ("We should share", True, False, "")
    ]
    moderated = listing(world, fac, item).revealed
    assert {(p.id, p.hidden, p.hide_reason) for p in moderated} == {
        (rude.id, True, "Insult"),
        (unclear.id, False, ""),
    }


def test_concurrent_reactions_are_counted_exactly(settings, database) -> None:
    """Many clients at once, each with its own session on the same database file."""
    world, item = _world_with(settings, database, per_party=8, k=3)
    open_round(world, item)
    proposal = submit(world, participant_viewer(world, 0), "Count me right")
    reveal(world, item)
    voters = [participant_viewer(world, i) for i in range(16)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(voters) + 2)

    def worker(viewer: Viewer, value: str) -> None:
        try:
            barrier.wait()
            react(world, viewer, proposal.id, value)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(v, "agree" if i % 3 else "disagree"))
        for i, v in enumerate(voters)
    ]
    # the same participant submitting twice at once (double click on two tabs)
    threads += [threading.Thread(target=worker, args=(voters[0], "disagree")) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    with world.database.session() as db:
        rows = list(db.exec(select(Reaction).where(col(Reaction.proposal_id) == proposal.id)))
    assert len(rows) == 16
    counted = tallies(world)
    assert sum(counted.values()) == 16
    for party in world.parties:
        assert sum(n for (pid, _v), n in counted.items() if pid == party.id) == 8
    support = support_of(world, item).supports[0]
    assert support.reacted == 16 and support.k_holds
