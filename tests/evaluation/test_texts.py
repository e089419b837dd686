"""Free-text answers: stored apart from the paired answers (no tag, no party), never shown
pending, revealed only in batches of at least the minimum batch, hidden by a moderator."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.errors import Conflict, NotFound
from app.evaluation import service, texts
from app.evaluation.models import SurveyText
from app.policy import min_batch
from tests.evaluation.helpers import answer, survey_world
from tests.room.helpers import tx


def _with_question(settings, database, k: int = 3):  # type: ignore[no-untyped-def]
    world, people, ids = survey_world(settings, database, k=k)
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        question = service.add_item(
            db, viewer=organizer, workshop=workshop, prompt="What changed for you?", kind="text"
        ).id
    return world, people, ids, question


def _seen(world, viewer):  # type: ignore[no-untyped-def]
    with tx(world, viewer) as (db, workshop):
        return [t.text for t in texts.revealed_texts(db, viewer=viewer, workshop=workshop)]


def test_texts_wait_for_a_full_batch_and_hidden_ones_leave_the_room(settings, database) -> None:
    world, people, (first, _), question = _with_question(settings, database)
    organizer, facilitator = world.viewer("organizer"), world.viewer("facilitator")
    with tx(world, organizer) as (db, workshop):
        batch = min_batch(workshop)
    for n, person in enumerate(people[: batch - 1]):
        answer(world, person, "pre", {first: 3, question: f"Answer number {n}"})
    assert _seen(world, people[0]) == [] and _seen(world, organizer) == []
    with tx(world, organizer) as (db, workshop):
        assert texts.questions_ready(db, viewer=organizer, workshop=workshop) == 0
        with pytest.raises(Conflict):
            texts.reveal_texts(db, viewer=organizer, workshop=workshop)
    answer(world, people[batch - 1], "pre", {question: "The last one"})
    with tx(world, facilitator) as (db, workshop):
        with pytest.raises(NotFound):  # the organizer reveals
            texts.reveal_texts(db, viewer=facilitator, workshop=workshop)
    with tx(world, organizer) as (db, workshop):
        assert texts.reveal_texts(db, viewer=organizer, workshop=workshop) == batch
    shown = _seen(world, people[1])
    assert sorted(shown) == sorted(
        [f"Answer number {n}" for n in range(batch - 1)] + ["The last one"]
    )
    with database.session() as db:
        rows = list(db.exec(select(SurveyText)))
    with tx(world, facilitator) as (db, workshop):
        texts.set_hidden(db, viewer=facilitator, workshop=workshop, text_id=rows[0].id, hidden=True)
    assert len(_seen(world, people[1])) == batch - 1
    assert len(_seen(world, facilitator)) == batch  # moderators still see it, marked


def _ready(world):  # type: ignore[no-untyped-def]
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        return texts.questions_ready(db, viewer=organizer, workshop=workshop)


def test_each_question_is_its_own_batch_and_no_count_ticks(settings, database) -> None:
    """Shown per question: a question with one answer waits, however many the others hold;
    the organizer's figure does not move when one more person is seen writing."""
    world, people, (first, _), question = _with_question(settings, database)
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        other = service.add_item(
            db, viewer=organizer, workshop=workshop, prompt="What surprised you?", kind="text"
        ).id
        batch = min_batch(workshop)
    seen = [_ready(world)]
    for n, person in enumerate(people[:batch]):
        answer(world, person, "pre", {first: 3, question: f"Common {n}"})
        seen.append(_ready(world))
    answer(world, people[batch], "pre", {other: "Alone in its list"})
    seen.append(_ready(world))
    answer(world, people[batch + 1], "pre", {question: "One more"})
    seen.append(_ready(world))
    assert seen == [0] * batch + [1, 1, 1]  # moves once, when the batch fills
    with tx(world, organizer) as (db, workshop):
        assert texts.reveal_texts(db, viewer=organizer, workshop=workshop) == batch + 1
    shown = _seen(world, people[0])
    assert "Alone in its list" not in shown and "One more" in shown
    with tx(world, organizer) as (db, workshop), pytest.raises(Conflict):
        texts.reveal_texts(db, viewer=organizer, workshop=workshop)  # the lone one waits


def test_a_text_row_holds_no_tag_party_or_person(settings, database) -> None:
    world, people, (first, _), question = _with_question(settings, database)
    answer(world, people[0], "pre", {first: 2, question: "Quietly hopeful"})
    with database.engine.connect() as conn:
        raw = [dict(r._mapping) for r in conn.execute(select(SurveyText.__table__))]
    assert set(raw[0]) == {"id", "workshop_id", "item_id", "moment", "text", "status", "hidden"}
    assert "Quietly hopeful" not in str(raw)  # ciphertext under the workshop key
