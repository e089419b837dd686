"""A participant's own proposals are found by number, in O(own) (issue 17): each sees exactly
their own pending ones among many others', across windows, withdrawals and merges; the work
per request does not grow with others' pending proposals; racing submissions of one author
take the next number; a legacy workshop (per-id tags) keeps working."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from app import policy
from app.policy import OwnProposals, Viewer
from app.policy import mine as mine_policy
from app.room import common, moderation, proposals, runtime
from app.room.models import Proposal, ProposalTombstone
from app.security import keys
from tests.factories import World
from tests.room.helpers import listing, open_round, participant_viewer, reveal, submit, tx

OWN = 20  # more than one window (mine.WINDOW = 16)


def _finish(world: World, item_id: str) -> None:
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=item_id)


def _withdraw(world: World, viewer: Viewer, proposal_id: str) -> None:
    with tx(world, viewer) as (db, workshop):
        proposals.withdraw(
            db, world.settings, viewer=viewer, workshop=workshop, proposal_id=proposal_id
        )


def _pending_texts(world: World, viewer: Viewer, item_id: str) -> list[str]:
    return sorted(view.text for view in listing(world, viewer, item_id).pending)


def _key(world: World) -> bytes:
    with tx(world, world.viewer("organizer")) as (db, workshop):
        return common.key(db, world.settings, workshop)


def _stored_tag(world: World, proposal_id: str) -> str | None:
    with world.database.session() as db:
        row = db.get(Proposal, proposal_id)
        return row.author_tag if row else None


def test_each_sees_exactly_their_own_pending_ones(room: Any) -> None:
    """Three authors interleaved over two items; the first writes more than a window, with
    withdrawals (one at the window's last number) and a reveal and merge in the middle."""
    world = room.world
    authors = [participant_viewer(world, i) for i in range(3)]
    mine: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
    withdrawn: set[str] = set()
    open_round(world, room.contribution.id)
    written: list[tuple[int, Proposal]] = []
    for n in range(1, 9):
        for a in range(3):
            written.append((a, submit(world, authors[a], f"first item, author {a}, number {n}")))
    reveal(world, room.contribution.id)  # the first eight of each are revealed
    fac = world.viewer("facilitator")
    own0 = [row for a, row in written if a == 0]
    with tx(world, fac) as (db, workshop):
        moderation.merge(
            db, viewer=fac, workshop=workshop, proposal_id=own0[1].id, into_id=own0[2].id
        )
    for n in range(9, 12):
        for a in range(3):
            row = submit(world, authors[a], f"first item, author {a}, number {n}")
            mine[a].add(row.text)
            written.append((a, row))
    _finish(world, room.contribution.id)
    open_round(world, room.on_record.id)
    later: list[Proposal] = []
    for n in range(12, OWN + 1):
        row = submit(world, authors[0], f"second item, author 0, number {n}")
        later.append(row)
        if n in (14, 16):  # 16: the first window's last number is a tombstone
            _withdraw(world, authors[0], row.id)
            withdrawn.add(row.text)
        submit(world, authors[1], f"second item, author 1, number {n}")
    own_second = {row.text for row in later} - withdrawn
    assert _pending_texts(world, authors[0], room.contribution.id) == sorted(mine[0])
    assert _pending_texts(world, authors[1], room.contribution.id) == sorted(mine[1])
    assert _pending_texts(world, authors[2], room.contribution.id) == sorted(mine[2])
    assert _pending_texts(world, authors[0], room.on_record.id) == sorted(own_second)
    assert _pending_texts(world, authors[2], room.on_record.id) == []
    revealed = listing(world, authors[0], room.contribution.id).revealed
    assert {v.text for v in revealed if v.mine} == {r.text for r in own0} - {own0[1].text}
    own2 = {row.text for a, row in written[:24] if a == 2}
    revealed2 = listing(world, authors[2], room.contribution.id).revealed
    assert {v.text for v in revealed2 if v.mine} == own2
    # the next one takes the number after the highest, withdrawn ones included
    row = submit(world, authors[0], "second item, author 0, the last")
    secret = authors[0].secret
    assert secret is not None
    expected = keys.proposal_tag(_key(world), secret, world.workshop.id, OWN + 1)
    assert _stored_tag(world, row.id) == expected


def test_the_filter_never_loads_others_pending_rows(room: Any) -> None:
    """`visible(..., Proposal)` for a participant returns their own pending rows and nothing
    else pending: not others', and none at all before their tags are looked up."""
    world = room.world
    me, other = participant_viewer(world, 0), participant_viewer(world, 1)
    open_round(world, room.contribution.id)
    own = {submit(world, me, f"mine {i}").id for i in range(3)}
    for i in range(10):
        submit(world, other, f"theirs {i}")
    with tx(world, me) as (db, workshop):
        seen = common.own(db, world.settings, me, workshop)
        rows = db.exec(policy.visible(select(Proposal), seen, Proposal)).all()
        assert {row.id for row in rows} == own
        assert db.exec(policy.visible(select(Proposal), me, Proposal)).all() == []


def test_withdrawn_last_number_is_not_taken_again(room: Any) -> None:
    """A withdrawal leaves only a tombstone tag of its number; the next proposal skips it."""
    world = room.world
    me = participant_viewer(world, 0)
    open_round(world, room.contribution.id)
    first = submit(world, me, "first")
    second = submit(world, me, "second")
    tag = _stored_tag(world, second.id)
    _withdraw(world, me, second.id)
    assert _stored_tag(world, second.id) is None
    secret = me.secret
    assert secret is not None
    stone = keys.proposal_tag(_key(world), secret, world.workshop.id, 2, withdrawn=True)
    with world.database.session() as db:
        stones = db.exec(select(ProposalTombstone)).all()
        assert [(s.author_tag, s.workshop_id) for s in stones] == [(stone, world.workshop.id)]
    assert stone != tag  # the erased tag is nowhere (tests/properties/test_withdrawal.py)
    third = submit(world, me, "third")
    assert _stored_tag(world, third.id) not in (tag, _stored_tag(world, first.id))
    assert _pending_texts(world, me, room.contribution.id) == ["first", "third"]
    world.archive()
    with world.database.session() as db:
        assert db.exec(select(ProposalTombstone)).all() == []


def test_racing_submissions_of_one_author_take_the_next_number(
    room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second of two submissions that looked up their number at once (simulated: a
    stale look-up) meets the unique tag and takes the next number."""
    world = room.world
    me = participant_viewer(world, 0)
    open_round(world, room.contribution.id)
    submit(world, me, "first")
    real = mine_policy.find
    stale = [OwnProposals(next_number=1)]

    def looked_up_before(*args: Any) -> OwnProposals:
        return stale.pop() if stale else real(*args)

    monkeypatch.setattr(mine_policy, "find", looked_up_before)
    second = submit(world, me, "second")
    monkeypatch.undo()
    secret = me.secret
    assert secret is not None
    assert _stored_tag(world, second.id) == keys.proposal_tag(
        _key(world), secret, world.workshop.id, 2
    )
    assert _pending_texts(world, me, room.contribution.id) == ["first", "second"]


@contextmanager
def _counting(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """Counts SQL statements, HMACs of author tags and proposal rows loaded meanwhile."""
    counts = {"statements": 0, "hmacs": 0, "rows": 0}

    def statement(*_args: Any) -> None:
        counts["statements"] += 1

    def loaded(*_args: Any) -> None:
        counts["rows"] += 1

    def counted(fn: Any) -> Any:
        def wrapper(*args: Any, **kw: Any) -> Any:
            counts["hmacs"] += 1
            return fn(*args, **kw)

        return wrapper

    for name in ("author_tag", "proposal_tag"):
        monkeypatch.setattr(keys, name, counted(getattr(keys, name)))
    engine = world.database.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(Proposal, "load", loaded)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(Proposal, "load", loaded)
        monkeypatch.undo()


def test_work_per_request_does_not_grow_with_others_pending(
    room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statements, HMACs and rows loaded for one participant's listing are the same with 2
    and with 30 pending proposals of others."""
    world = room.world
    me, other = participant_viewer(world, 0), participant_viewer(world, 1)
    open_round(world, room.contribution.id)
    for i in range(3):
        submit(world, me, f"mine {i}")
    for i in range(2):
        submit(world, other, f"theirs {i}")
    with _counting(world, monkeypatch) as few:
        listing(world, me, room.contribution.id)
    for i in range(28):
        submit(world, other, f"more of theirs {i}")
    with _counting(world, monkeypatch) as many:
        listing(world, me, room.contribution.id)
    assert few == many, (few, many)
    assert few["rows"] == 3
    # one window (proposal and tombstone tags), and a reaction tag per row shown
    assert few["hmacs"] == 2 * mine_policy.WINDOW + 3


def test_a_legacy_workshop_keeps_per_id_tags(room: Any) -> None:
    """A workshop that had proposals before the numbering keeps tagging by id: each author
    still sees exactly their own, and a withdrawal leaves no tombstone."""
    world = room.world
    with world.database.transaction() as db:
        workshop = db.get(type(world.workshop), world.workshop.id)
        assert workshop is not None
        workshop.proposal_tags = "legacy"
        db.add(workshop)
    me, other = participant_viewer(world, 0), participant_viewer(world, 1)
    open_round(world, room.contribution.id)
    mine = submit(world, me, "mine")
    gone = submit(world, me, "gone")
    submit(world, other, "theirs")
    secret = me.secret
    assert secret is not None
    assert _stored_tag(world, mine.id) == keys.author_tag(_key(world), secret, "proposal", mine.id)
    _withdraw(world, me, gone.id)
    assert _pending_texts(world, me, room.contribution.id) == ["mine"]
    assert _pending_texts(world, other, room.contribution.id) == ["theirs"]
    with world.database.session() as db:
        assert db.exec(select(ProposalTombstone)).all() == []
