"""Numeric survey answers at rest: ciphertext under the workshop key, padded to one length,
read back in the clear through the ORM; the per-party tallies beside them cannot be set
against them without the key."""

from __future__ import annotations

import json

from sqlmodel import select

from app.evaluation.models import SurveyResponse
from app.security import crypto
from tests.evaluation.helpers import answer, survey_world


def test_answers_are_ciphertext_of_one_length(settings, database) -> None:
    world, people, (first, second) = survey_world(settings, database)
    answer(world, people[0], "pre", {first: 4})
    answer(world, people[3], "pre", {first: 2, second: 5})  # another party, two answers
    with database.engine.connect() as conn:
        raw = [r.answers for r in conn.execute(select(SurveyResponse.__table__))]
    assert len(raw) == 2 and all(crypto.is_encrypted(v) for v in raw)
    assert len(raw[0]) == len(raw[1])  # how many were answered does not show
    assert not any(first in v or second in v for v in raw)
    with database.session() as db:
        read = [json.loads(r.answers) for r in db.exec(select(SurveyResponse))]
    assert sorted(read, key=len) == [{first: 4}, {first: 2, second: 5}]
