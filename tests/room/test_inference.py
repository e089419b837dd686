"""Attribution by inference (DESIGN.md, Anonymity 7): what is published cannot be differenced,
keeps every reaction deniable, counts people once and is not blocked by an empty party."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from app.room import consensus, runtime
from app.room.consensus import Counts
from app.workshops.models import Party, Workshop
from tests.factories import make_world
from tests.room.conftest import add_agenda
from tests.room.helpers import open_round, participant_viewer, reveal, submit, tx
from tests.room.test_reactions import publish, react, support_of

VALUES = ("agree", "disagree", "pass")


def _cells(size: int) -> list[tuple[int, int, int, int]]:
    """Every (agree, disagree, pass, no reaction) split of a party of `size`."""
    return [
        (a, d, p, size - a - d - p)
        for a in range(size + 1)
        for d in range(size + 1 - a)
        for p in range(size + 1 - a - d)
    ]


def _view(cells: tuple[tuple[int, int, int, int], ...], k: int) -> object:
    """What the room is shown of one proposal: the published support (production code)."""
    by_party = {str(i): Counts(a, d, p) for i, (a, d, p, _n) in enumerate(cells)}
    support = consensus.support(sum(by_party.values(), Counts()), by_party, sorted(by_party), k)
    return (support.reacted, support.band, support.k_holds, support.parties)


@pytest.mark.parametrize(
    "sizes", [(3, 3), (2, 4), (4, 5), (6, 6), (3, 4, 5), (4, 4, 4), (2, 3, 4), (3, 3, 3)]
)
def test_every_published_view_leaves_each_reaction_deniable(sizes: tuple[int, ...]) -> None:
    """Brute force over rooms of 3-12 in 2-3 parties: for every view the app can publish,
    every participant who may have reacted has at least two possible reactions."""
    k = 3
    possible: dict[object, list[set[str]]] = defaultdict(lambda: [set() for _ in sizes])
    for cells in itertools.product(*(_cells(size) for size in sizes)):
        seen = possible[_view(cells, k)]
        for party, cell in enumerate(cells):
            seen[party].update(v for v, n in zip(VALUES, cell[:3], strict=True) if n > 0)
    assert possible
    for view, parties in possible.items():
        for party, values in enumerate(parties):
            assert len(values) != 1, (sizes, view, party, values)


def _world(settings, database, per_party: tuple[int, ...], k: int, extra_party: bool = False):
    world = make_world(settings, database, status="live", participants_per_party=max(per_party))
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        workshop.k_min = k
        if extra_party:
            db.add(Party(workshop_id=workshop.id, name="Nobody yet", position=9))
    world.workshop.k_min = k
    contribution, _plenary, _rec = add_agenda(world)
    return world, contribution.id


def _fac_results(world, item):
    return support_of(world, item, publishing=False)


def test_one_more_reaction_changes_nothing_published(settings, database) -> None:
    """k = 3, party cells 3/4/3 all agree, published; one more participant disagrees: no
    published figure moves (room, console) until at least k people have changed."""
    world, item = _world(settings, database, (4, 4, 4), k=3)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        db.add(Party(workshop_id=workshop.id, name="Third", position=3))
    open_round(world, item)
    proposal = submit(world, participant_viewer(world, 0), "A joint fund")
    for extra in range(1, 3):
        submit(world, participant_viewer(world, extra), f"Extra {extra}")
    reveal(world, item)
    voters = [0, 1, 2, 4, 5, 6, 7]  # party A: 3, party B: 4
    for index in voters:
        react(world, participant_viewer(world, index), proposal.id, "agree")
    assert publish(world, item) == 0
    before = _fac_results(world, item)
    react(world, participant_viewer(world, 3), proposal.id, "disagree")
    assert publish(world, item) == 1  # withheld: one person changed
    after = _fac_results(world, item)
    assert after.supports == before.supports
    for index in (0, 1):
        react(world, participant_viewer(world, index), proposal.id, "pass")
    assert publish(world, item) == 0  # three people changed since: it may move now
    moved = _fac_results(world, item)
    assert moved.supports != before.supports


def test_a_party_of_exactly_k_that_agrees_is_never_shown_as_unanimous(settings, database) -> None:
    world, item = _world(settings, database, (3, 3), k=3)
    open_round(world, item)
    proposal = submit(world, participant_viewer(world, 0), "Unanimous?")
    for extra in range(1, 3):
        submit(world, participant_viewer(world, extra), f"Extra {extra}")
    reveal(world, item)
    for index in range(6):
        react(world, participant_viewer(world, index), proposal.id, "agree")
    support = next(s for s in support_of(world, item).supports if s.proposal_id == proposal.id)
    assert support.k_holds and {p.band for p in support.parties} == {"broad"}
    fields = {name for p in support.parties for name in vars(p)}
    assert not fields & {"agree", "agreement_percent", "disagree"}


def test_an_empty_party_does_not_block_breakdowns(settings, database) -> None:
    world, item = _world(settings, database, (4, 4), k=3, extra_party=True)
    open_round(world, item)
    proposal = submit(world, participant_viewer(world, 0), "Seen by all")
    for extra in range(1, 3):
        submit(world, participant_viewer(world, extra), f"Extra {extra}")
    reveal(world, item)
    for index in range(8):
        react(world, participant_viewer(world, index), proposal.id, "agree")
    results = support_of(world, item)
    support = next(s for s in results.supports if s.proposal_id == proposal.id)
    assert support.k_holds and len(support.parties) == 2
    assert [(b.members, b.reason) for b in results.blocking] == [(0, "empty")]


def test_publishing_is_the_facilitators_and_is_audited(settings, database) -> None:
    world, item = _world(settings, database, (3, 3), k=3)
    open_round(world, item)
    alice = participant_viewer(world, 0)
    with tx(world, alice) as (db, workshop), pytest.raises(Exception):
        runtime.publish(db, viewer=alice, workshop=workshop, item_id=item)
    publish(world, item)
    from sqlmodel import select

    from app.audit.models import AuditEntry

    with database.session() as db:
        actions = [e.action for e in db.exec(select(AuditEntry))]
    assert "room.results.publish" in actions
