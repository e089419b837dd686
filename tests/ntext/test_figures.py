"""Per-paragraph figures obey the results rules: published snapshots only, bands (never a
count of who agreed), k per party before any breakdown, no differencing below k, each
person counted once; "every party can live with it" only where k holds."""

from __future__ import annotations

import pytest

from app.errors import Conflict
from tests.ntext.helpers import (
    mark,
    publish_figures,
    publish_text,
    read,
    start,
    text_world,
    viewers,
)

THREE = "The water is shared.\n\nA joint board decides.\n\nDisputes go to arbitration."


@pytest.fixture
def text(settings, database):  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    ids = publish_text(world, item_id, THREE)
    return world, item_id, ids, viewers(world)


def figure(world, viewer, item_id, number):  # type: ignore[no-untyped-def]
    current = read(world, viewer, item_id).current
    assert current is not None
    return current.paragraphs[number].figure


def test_nothing_before_a_snapshot_is_published_and_shown(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    for v in people:
        mark(world, v, ids[0], "agree")
    assert figure(world, people[0], item_id, 0) is None  # marks alone change nothing
    publish_figures(world, item_id, show=False)
    assert figure(world, people[0], item_id, 0) is None  # published, not shown to the room
    assert figure(world, world.viewer("facilitator"), item_id, 0) is not None
    publish_figures(world, item_id, show=True)
    assert figure(world, people[0], item_id, 0) is not None


# (marks per party: Riverside, Highland) -> k holds, overall band shown, every party
CASES = [
    ((3, 3), True, None, True),  # every party >= k: party bands, no overall band
    ((2, 3), False, "broad", False),  # one party below k: only the overall band
    ((1, 1), False, None, False),  # fewer than k in all: nothing but "too few"
    ((3, 0), False, "broad", False),  # a party with no marks: no breakdown
]


@pytest.mark.parametrize(("counts", "holds", "overall", "every"), CASES)
def test_party_breakdown_only_where_k_holds(text, counts, holds, overall, every) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    riverside, highland = people[:3], people[3:]
    for v in riverside[: counts[0]] + highland[: counts[1]]:
        mark(world, v, ids[1], "agree")
    publish_figures(world, item_id)
    shown = figure(world, people[0], item_id, 1)
    assert shown.k_holds is holds
    assert shown.band == overall
    assert shown.every_party is every
    assert bool(shown.parties) is holds
    if holds:
        assert {p.band for p in shown.parties} == {"broad"}


def test_cannot_live_with_it_in_one_party_is_not_every_party(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    for n, v in enumerate(people):
        mark(world, v, ids[2], "agree" if n < 3 else "disagree")
    publish_figures(world, item_id)
    shown = figure(world, people[0], item_id, 2)
    assert shown.k_holds and not shown.every_party
    assert sorted(p.band for p in shown.parties) == ["broad", "little"]


def test_a_change_by_fewer_than_k_is_withheld(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    for v in people:
        mark(world, v, ids[0], "agree")
    assert publish_figures(world, item_id) == 0
    before = figure(world, people[0], item_id, 0)
    mark(world, people[0], ids[0], "disagree")  # one person changes: not publishable
    assert publish_figures(world, item_id) == 1
    assert figure(world, people[0], item_id, 0) == before
    for v in people[1:3]:
        mark(world, v, ids[0], "disagree")  # now three have changed
    assert publish_figures(world, item_id) == 0
    assert figure(world, people[0], item_id, 0) != before


def test_each_person_counted_once(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    for value in ("agree", "disagree", "pass", "agree"):
        for v in people[:3]:
            mark(world, v, ids[0], value)
    publish_figures(world, item_id)
    assert figure(world, world.viewer("facilitator"), item_id, 0).marked == 3


def test_a_replaced_version_takes_no_marks(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    publish_text(world, item_id, THREE + "\n\nA fourth paragraph.")
    with pytest.raises(Conflict):
        mark(world, people[0], ids[0], "agree")


def test_my_mark_is_mine_alone(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    mark(world, people[0], ids[0], "disagree")
    assert read(world, people[0], item_id).current.paragraphs[0].my_mark == "disagree"
    assert read(world, people[1], item_id).current.paragraphs[0].my_mark is None
    assert read(world, world.viewer("facilitator"), item_id).current.paragraphs[0].my_mark is None
