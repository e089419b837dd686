"""Attitude surveys: a person's own answers pair, and nothing else does; results per item
with the k rule for parties and the deniability rule of the policy; no differencing between
publications; bad input refused with nothing saved."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.config import Settings
from app.db import Database
from app.errors import Conflict, Invalid
from app.evaluation.models import SurveyChangeTally, SurveyResponse, SurveyTally
from app.security import keys
from app.workshops import service as workshops
from tests.evaluation.helpers import answer, publish, survey_world

# (pre, post) of the first statement for six people, three per party (parties in order):
# every party's answers, and changes, hold three different values (each stays deniable)
SIX = [(1, 2), (2, 5), (3, 3), (2, 2), (4, 5), (3, 1)]


def _six(settings: Settings, database: Database):
    world, people, (first, second) = survey_world(settings, database)
    for person, (pre, post) in zip(people, SIX, strict=True):
        answer(world, person, "pre", {first: pre, second: 3 + (pre % 2)})
        answer(world, person, "post", {first: post, second: 4 - (post % 2)})
    return world, people, first, second


def test_own_answers_pair_and_the_mean_change_is_counted(settings, database) -> None:
    world, people, first, _ = _six(settings, database)
    with world.database.session() as db:
        rows = list(db.exec(select(SurveyResponse)))
        key = workshops.data_key(
            db, settings, workshops.get(db, world.workshop.id, viewer=world.viewer("organizer"))
        )
    assert len(rows) == 12
    for person in people:  # each person's two answers carry one tag, nobody else's
        tag = keys.pairing_tag(key, person.secret, rows[0].survey_id)
        assert sorted(r.moment for r in rows if r.pairing_tag == tag) == ["post", "pre"]
    payload, held = publish(world)
    assert held == 0
    figures = next(i for i in payload["items"] if i["id"] == first)
    deltas = [post - pre for pre, post in SIX]
    assert figures["changes"]["post"]["total"] == {"n": 6, "mean": round(sum(deltas) / 6, 1)}
    assert figures["moments"]["pre"]["total"]["distribution"] == [1, 2, 2, 1, 0]
    # both parties have three, not alike: the breakdown is shown, per party in order
    parties = figures["changes"]["post"]["parties"]
    assert [p["mean"] for p in parties] == [
        round(sum(deltas[:3]) / 3, 1),
        round(sum(deltas[3:]) / 3, 1),
    ]
    assert figures["changes"]["follow_up"]["total"] is None  # nobody answered it


def test_a_party_below_k_shows_no_breakdown_only_the_total(settings, database) -> None:
    world, people, (first, _second) = survey_world(settings, database, per_party=3, k=3)
    for person, (pre, post) in list(zip(people, SIX, strict=True))[:5]:  # one of B abstains
        answer(world, person, "pre", {first: pre})
        answer(world, person, "post", {first: post})
    payload, _ = publish(world)
    figures = payload["items"][0]
    assert figures["moments"]["pre"]["total"]["n"] == 5
    assert figures["moments"]["pre"]["parties"] == []
    assert figures["changes"]["post"]["total"]["n"] == 5
    assert figures["changes"]["post"]["parties"] == []


def test_answers_all_alike_are_not_shown(settings, database) -> None:
    """Deniability: six who all chose 4, or all rose by one, would each be told apart."""
    world, people, (first, second) = survey_world(settings, database)
    for n, person in enumerate(people):
        answer(world, person, "pre", {first: 3, second: 1 + n % 5})
        answer(world, person, "post", {first: 4, second: 1 + n % 5})
    payload, _ = publish(world)
    one, two = payload["items"]
    assert one["moments"]["post"]["total"] is None
    assert one["moments"]["post"]["parties"] == []
    assert one["changes"]["post"]["total"] is None  # every change is +1
    assert two["moments"]["post"]["total"] is not None  # answers differ: shown
    assert two["changes"]["post"]["total"] is None  # nobody changed: all alike (0)


def test_fewer_than_k_new_answers_keep_the_published_figures(settings, database) -> None:
    world, people, (first, _second) = survey_world(settings, database)
    for person, (pre, _post) in list(zip(people, SIX, strict=True))[:4]:
        answer(world, person, "pre", {first: pre})
    before, held = publish(world)
    assert held == 0
    answer(world, people[4], "pre", {first: 5})  # one more: could be differenced
    after, held = publish(world)
    assert held == 1
    assert after["items"][0]["moments"]["pre"] == before["items"][0]["moments"]["pre"]
    for person in people[5:]:
        answer(world, person, "pre", {first: 1})
    assert publish(world)[1] == 1  # two new since the last figures: still fewer than k
    answer(world, people[1], "post", {first: 2})
    after, held = publish(world)
    assert held == 1  # "pre" still held; "post" (one answer) is withheld as it was
    assert after["items"][0]["moments"]["post"]["total"] is None


def test_an_answer_is_final_and_bad_values_save_nothing(settings, database) -> None:
    world, people, (first, second) = survey_world(settings, database)
    for values in ({first: 7}, {first: "x"}, {}, {first: True}):
        with pytest.raises(Invalid):
            answer(world, people[0], "pre", values)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        answer(world, people[0], "follow_up", {first: 3})  # not open
    answer(world, people[0], "pre", {first: 3, second: 2})
    with pytest.raises(Conflict):
        answer(world, people[0], "pre", {first: 5})
    with world.database.session() as db:
        rows = list(db.exec(select(SurveyResponse)))
        tallies = list(db.exec(select(SurveyTally)))
    assert len(rows) == 1 and json.loads(rows[0].answers) == {first: 3, second: 2}
    assert sorted((t.value, t.count) for t in tallies) == [(2, 1), (3, 1)]


def test_no_answer_row_names_a_person_or_a_party(settings, database) -> None:
    world, people, *_ = _six(settings, database)
    identities = {p.participant_id for p in people} | {p.party_id for p in people}
    with world.database.session() as db:
        for row in db.exec(select(SurveyResponse)):
            assert not identities & {str(v) for v in row.model_dump().values()}
        change = list(db.exec(select(SurveyChangeTally)))
    assert sum(c.count for c in change) == 12  # two statements, six people
