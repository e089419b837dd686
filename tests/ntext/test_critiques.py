"""Critiques go the proposals' way: pending until a batch of at least the minimum is
revealed (or an announced override), staff see them only in groups, and nothing stored
links a critique to its author or party; every round's critiques stay on their version."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from app.errors import Conflict
from app.ntext.models import TextCritique
from app.room.models import Proposal
from app.security import keys
from app.workshops import service as workshops
from tests.ntext.helpers import critique, publish_text, read, start, text_world, viewers
from tests.room.helpers import reveal

THREE = "One.\n\nTwo.\n\nThree."


@pytest.fixture
def text(settings, database):  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    ids = publish_text(world, item_id, THREE)
    return world, item_id, ids, viewers(world)


def test_below_the_minimum_batch_nothing_is_revealed(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    critique(world, people[0], ids[0], "Too vague")
    critique(world, people[1], ids[0], "Name the board")
    with pytest.raises(Conflict):
        reveal(world, item_id, override_reason=None)
    assert read(world, people[2], item_id).current.paragraphs[0].critiques == []
    critique(world, people[2], ids[0], "Fine")
    assert reveal(world, item_id, override_reason=None) == 3
    shown = read(world, people[3], item_id).current.paragraphs
    assert sorted(c.text for c in shown[0].critiques) == ["Fine", "Name the board", "Too vague"]
    assert all(not c.mine and not c.pending for p in shown for c in p.critiques)
    by_author = read(world, people[0], item_id).current.paragraphs[0]
    assert by_author.critiques == shown[0].critiques and by_author.pending == []


def test_staff_see_pending_critiques_only_in_the_console(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    fac = world.viewer("facilitator")
    critique(world, people[0], ids[0], "Too vague")
    critique(world, people[1], ids[1], "Name the board")
    mine = read(world, people[0], item_id).current.paragraphs[0]
    assert [(c.text, c.mine, c.pending) for c in mine.pending] == [("Too vague", 1, True)]
    assert mine.critiques == []
    critique(world, people[2], ids[2], "Fine")
    # three pending on three paragraphs: bound to their paragraphs, each would stand alone
    page = read(world, fac, item_id).current.paragraphs
    assert all(not p.critiques and not p.pending for p in page)


def test_a_critique_has_no_link_to_its_author_or_party(text) -> None:  # type: ignore[no-untyped-def]
    world, _item_id, ids, people = text
    cid = critique(world, people[0], ids[0], "Too vague")
    columns = {c["name"] for c in inspect(world.database.engine).get_columns("ntext_critique")}
    assert columns == {"proposal_id", "workshop_id", "paragraph_id"}
    participant = world.invitations[0].participant
    with world.database.session() as db:
        row = db.exec(select(Proposal).where(Proposal.id == cid)).one()
        stored = {str(v) for v in row.model_dump().values()} | {
            str(v) for v in db.exec(select(TextCritique)).one().model_dump().values()
        }
        key = workshops.data_key(db, world.settings, world.workshop)
    assert participant.id not in stored and str(participant.party_id) not in stored
    wid = world.workshop.id  # the first proposal of each in the workshop (keys.proposal_tag)
    assert row.author_tag == keys.proposal_tag(key, people[0].secret, wid, 1)
    assert row.author_tag != keys.proposal_tag(key, people[1].secret, wid, 1)


def test_critiques_stay_on_the_version_they_were_given_on(text) -> None:  # type: ignore[no-untyped-def]
    world, item_id, ids, people = text
    for v in people[:3]:
        critique(world, v, ids[0], "Round one critique")
    reveal(world, item_id, override_reason=None)
    publish_text(world, item_id, "One, redrafted.\n\nTwo.\n\nThree.")
    page = read(world, people[4], item_id)
    newest, first = page.versions[0], page.versions[1]
    assert newest.number == 2 and first.number == 1
    assert newest.paragraphs[0].critiques == []
    assert [c.text for c in first.paragraphs[0].critiques] == ["Round one critique"] * 3
