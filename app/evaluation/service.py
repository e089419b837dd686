"""Attitude surveys through the policy: the organizer builds the survey and opens and ends its
three moments; participants answer (their answers paired by a tag only they can recompute);
the organizer publishes results that every reader of them sees alike.

An answer is final: one per person and moment (the pairing tag is unique per moment). The
participant's party goes only into the tallies, bumped in SQL in the same transaction. The
answers are ciphertext under the workshop key, padded to one length: a dump cannot set the
answer rows against the per-party tallies to tell a party's answers person by person, and
archive's key destruction reaches every copy (dead tuples, WAL, backups).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from app import policy
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Inconsistent, NotFound
from app.evaluation import results
from app.evaluation.models import (
    ANSWERS_PADDED,
    KINDS,
    MOMENT_STATES,
    MOMENTS,
    SCALE,
    SPANS,
    Survey,
    SurveyChangeTally,
    SurveyItem,
    SurveyResponse,
    SurveyResults,
    SurveyTally,
    SurveyText,
)
from app.forms import clean_choice, clean_text
from app.i18n import N_
from app.ids import new_id, today
from app.policy import Viewer
from app.rules import service as rules
from app.security import at_rest, keys
from app.workshops import service as workshops
from app.workshops.models import Party, Workshop

MAX_PROMPT = 300
MAX_TEXT = 2000
MAX_ITEMS = 20
FROZEN = N_("The survey has answers: its statements can no longer change.")


def workshop_for(db: Session, workshop_id: str, *, viewer: Viewer) -> Workshop:
    """The workshop whose survey the viewer may answer or read the results of."""
    action = "evaluation.answer" if viewer.is_participant else "evaluation.results"
    workshop = workshops.get(db, workshop_id, viewer=viewer, action=action)
    if viewer.is_participant:
        rules.require_accepted(db, viewer=viewer, workshop=workshop)
    return workshop


def survey_of(db: Session, workshop: Workshop, *, viewer: Viewer) -> Survey | None:
    statement = policy.visible(select(Survey), viewer, Survey)
    return db.exec(statement.where(col(Survey.workshop_id) == workshop.id)).first()


def items_of(db: Session, survey: Survey | None, *, viewer: Viewer) -> list[SurveyItem]:
    if survey is None:
        return []
    statement = policy.visible(select(SurveyItem), viewer, SurveyItem)
    statement = statement.where(col(SurveyItem.survey_id) == survey.id)
    return list(db.exec(statement.order_by(col(SurveyItem.position), col(SurveyItem.id))))


def state_of(survey: Survey, moment: str) -> str:
    return str(getattr(survey, f"{moment}_state"))


def _editable(db: Session, viewer: Viewer, workshop: Workshop) -> Survey:
    """The organizer's survey (created on first use), while its statements may change."""
    policy.ensure(viewer, "evaluation.build", workshop)
    if workshop.status == "archived":
        raise Conflict("This workshop is archived.")
    survey = survey_of(db, workshop, viewer=viewer)
    if survey is None:
        survey = Survey(workshop_id=workshop.id)
        db.add(survey)
        db.flush()
    return survey


def _answered_at_all(db: Session, survey: Survey, viewer: Viewer) -> bool:
    statement = policy.visible(select(SurveyResponse), viewer, SurveyResponse)
    statement = statement.where(col(SurveyResponse.survey_id) == survey.id).limit(1)
    return db.exec(statement).first() is not None


def _item(db: Session, survey: Survey, item_id: str, viewer: Viewer) -> SurveyItem:
    found = {i.id: i for i in items_of(db, survey, viewer=viewer)}.get(item_id)
    if found is None:
        raise NotFound()
    return found


def add_item(
    db: Session, *, viewer: Viewer, workshop: Workshop, prompt: object, kind: object = "likert"
) -> SurveyItem:
    """A Likert statement, or (kind "text") a free-text question."""
    survey = _editable(db, viewer, workshop)
    text = clean_text(prompt, field="prompt", label="Statement", max_length=MAX_PROMPT)
    chosen = clean_choice(kind or "likert", field="kind", label="Kind", choices=KINDS)
    existing = items_of(db, survey, viewer=viewer)
    if _answered_at_all(db, survey, viewer):
        raise Conflict(FROZEN)
    if len(existing) >= MAX_ITEMS:
        raise Conflict("A survey holds at most 20 statements: keep it short.")
    position = max((i.position for i in existing), default=-1) + 1
    item = SurveyItem(
        survey_id=survey.id, workshop_id=workshop.id, prompt=text, position=position, kind=chosen
    )
    db.add(item)
    db.flush()
    return item


def edit_item(
    db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str, prompt: object
) -> SurveyItem:
    survey = _editable(db, viewer, workshop)
    item = _item(db, survey, item_id, viewer)
    text = clean_text(prompt, field="prompt", label="Statement", max_length=MAX_PROMPT)
    if _answered_at_all(db, survey, viewer):
        raise Conflict(FROZEN)
    item.prompt = text
    db.add(item)
    db.flush()
    return item


def delete_item(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> None:
    survey = _editable(db, viewer, workshop)
    item = _item(db, survey, item_id, viewer)
    if _answered_at_all(db, survey, viewer):
        raise Conflict(FROZEN)
    db.delete(item)
    db.flush()


def set_moment(
    db: Session, *, viewer: Viewer, workshop: Workshop, moment: str, state: object
) -> Survey:
    """Open a moment to answers, or end it (for good): the follow-up stays open after the
    workshop is closed, until the organizer ends it (archive ends everything)."""
    survey = _editable(db, viewer, workshop)
    if moment not in MOMENTS:
        raise NotFound()
    choice = clean_choice(state, field="state", label="State", choices=MOMENT_STATES[1:])
    current = state_of(survey, moment)
    if current == "ended":
        raise Conflict("This moment has ended: it cannot be opened again.")
    if choice == "open" and not items_of(db, survey, viewer=viewer):
        raise Conflict("Add at least one statement before opening the survey.")
    if current != choice:
        setattr(survey, f"{moment}_state", choice)
        db.add(survey)
        db.flush()
        audit.record(
            db,
            viewer=viewer,
            workshop_id=workshop.id,
            action=f"evaluation.{choice}",
            detail=moment,
        )
    return survey


def _tag(
    db: Session, settings: Settings, viewer: Viewer, workshop: Workshop, survey: Survey
) -> str | None:
    if viewer.secret is None:
        return None
    key = workshops.data_key(db, settings, workshop)
    return keys.pairing_tag(key, viewer.secret, survey.id)


def _own(db: Session, viewer: Viewer, survey: Survey, tag: str) -> dict[str, dict[str, int]]:
    """The viewer's own answers, by moment (found by their pairing tag)."""
    statement = policy.visible(select(SurveyResponse), viewer, SurveyResponse).where(
        col(SurveyResponse.survey_id) == survey.id, col(SurveyResponse.pairing_tag) == tag
    )
    return {row.moment: json.loads(row.answers) for row in db.exec(statement)}


def answered(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, survey: Survey
) -> set[str] | None:
    """The moments the viewer (a participant) has answered; None without their secret."""
    tag = _tag(db, settings, viewer, workshop, survey) if viewer.is_participant else None
    return None if tag is None else set(_own(db, viewer, survey, tag))


def _texts(items: list[SurveyItem], given: Mapping[str, object]) -> dict[str, str]:
    """The answers to the questions; a number given to one is of the other kind (409)."""
    out = {}
    for item in items:
        if item.kind == "text":
            if not isinstance(given.get(item.id), str | None):
                raise Inconsistent("Write the answer as text.", field=item.id)
            answer = clean_text(
                given.get(item.id),
                field=item.id,
                label="Answer",
                max_length=MAX_TEXT,
                required=False,
                multiline=True,
            )
            if answer:
                out[item.id] = answer
    return out


def _values(
    items: list[SurveyItem], given: Mapping[str, object], texts: Mapping[str, str]
) -> dict[str, int]:
    out = {}
    for item in items:
        if item.kind != "likert":
            continue
        raw = given.get(item.id)
        if raw in (None, ""):
            continue
        if isinstance(raw, str) and raw.isdigit():
            raw = int(raw)
        if isinstance(raw, bool) or raw not in SCALE:
            raise Inconsistent("Choose a value from 1 to 5.", field=item.id)
        out[item.id] = int(raw)
    if not out and not texts:
        raise Inconsistent("Answer at least one statement.")
    return out


def _bump(db: Session, model: Any, **cell: Any) -> None:
    """count = count + 1 for one tally cell, inserting it if missing."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    index = [c.name for c in model.__table__.primary_key.columns]
    statement = insert(model).values(**cell, count=1)
    db.execute(
        statement.on_conflict_do_update(
            index_elements=index, set_={"count": model.__table__.c.count + 1}
        )
    )


def _sealed(db: Session, workshop: Workshop, row_id: str, values: Mapping[str, int]) -> str:
    """The answers as stored: padded to one length (how many were answered does not show)
    and encrypted under the workshop key (this insert is not the ORM's: at_rest.seal)."""
    plain = json.dumps(dict(values), sort_keys=True).ljust(ANSWERS_PADDED)
    return at_rest.seal(db, SurveyResponse, workshop.id, row_id, "answers", plain)


def answer(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    moment: str,
    given: Mapping[str, object],
) -> None:
    """Record the viewer's answers at an open moment (once)."""
    policy.ensure(viewer, "evaluation.answer", workshop)
    survey = survey_of(db, workshop, viewer=viewer)
    if survey is None or moment not in MOMENTS:
        raise NotFound()
    if state_of(survey, moment) != "open":
        raise Conflict("This survey is not open.")
    items = items_of(db, survey, viewer=viewer)
    texts = _texts(items, given)
    values = _values(items, given, texts)
    tag = _tag(db, settings, viewer, workshop, survey)
    if tag is None:
        raise Conflict(
            "This device does not hold your authorship key. Sign in again with your "
            "recovery code to answer."
        )
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    row_id = new_id()
    statement = (
        insert(SurveyResponse)
        .values(
            id=row_id,
            workshop_id=workshop.id,
            survey_id=survey.id,
            moment=moment,
            pairing_tag=tag,
            answers=_sealed(db, workshop, row_id, values),
        )
        .on_conflict_do_nothing(index_elements=["survey_id", "moment", "pairing_tag"])
    )
    if db.execute(statement.returning(col(SurveyResponse.id))).first() is None:
        raise Conflict("You have already answered this survey.")
    for item_id, answer in texts.items():  # apart from the paired row: no tag, no party
        db.add(SurveyText(workshop_id=workshop.id, item_id=item_id, moment=moment, text=answer))
    party = viewer.party_id
    if party is None or not policy.keeps_party_tally(db, workshop, party):
        return  # counted in the totals only (from the answer rows)
    for item_id, value in values.items():
        _bump(
            db,
            SurveyTally,
            item_id=item_id,
            party_id=party,
            moment=moment,
            value=value,
            workshop_id=workshop.id,
        )
    own = _own(db, viewer, survey, tag)
    spans = SPANS if moment == "pre" else (moment,) if moment in SPANS else ()
    for span in spans:
        before, after = own.get("pre", {}), own.get(span, {})
        for item_id in sorted(set(before) & set(after)):
            _bump(
                db,
                SurveyChangeTally,
                item_id=item_id,
                party_id=party,
                span=span,
                delta=int(after[item_id]) - int(before[item_id]),
                workshop_id=workshop.id,
            )


def _answers(db: Session, viewer: Viewer, survey: Survey) -> list[results.Answers]:
    statement = policy.visible(select(SurveyResponse), viewer, SurveyResponse)
    rows = db.exec(statement.where(col(SurveyResponse.survey_id) == survey.id))
    return [results.Answers(r.moment, r.pairing_tag, json.loads(r.answers)) for r in rows]


def _tallies(
    db: Session, viewer: Viewer, workshop: Workshop, model: Any, column: str
) -> dict[tuple[str, str, str], dict[int, int]]:
    out: dict[tuple[str, str, str], dict[int, int]] = {}
    statement = policy.visible(select(model), viewer, model)
    for row in db.exec(statement.where(col(model.workshop_id) == workshop.id)):
        where = (row.item_id, row.party_id, getattr(row, column))
        key = row.value if column == "moment" else row.delta
        out.setdefault(where, {})[key] = row.count
    return out


def _counted_parties(db: Session, viewer: Viewer, workshop: Workshop) -> list[tuple[str, str]]:
    statement = policy.visible(select(Party), viewer, Party).where(
        col(Party.workshop_id) == workshop.id
    )
    parties = list(db.exec(statement.order_by(col(Party.position), col(Party.name))))
    counted = policy.counted_parties([p.id for p in parties], policy.roster_sizes(db, workshop))
    return [(p.id, p.name) for p in parties if p.id in counted]


def publish(db: Session, *, viewer: Viewer, workshop: Workshop) -> tuple[SurveyResults, int]:
    """Publish the results as they stand; a group of cells (an item's total and party cells
    at a moment, or over a span) any cell of which changed by fewer than k people since the
    last publication keeps its published figures (no differencing, per cell). Returns the
    publication and how many groups were held back."""
    policy.ensure(viewer, "evaluation.build", workshop)
    survey = survey_of(db, workshop, viewer=viewer)
    if survey is None or workshop.status == "archived":
        raise Conflict("There is no survey to publish.")
    k = policy.effective_k(workshop)
    figures, bases = results.compute(
        items=[(i.id, i.prompt) for i in items_of(db, survey, viewer=viewer) if i.kind == "likert"],
        answers=_answers(db, viewer, survey),
        tallies=_tallies(db, viewer, workshop, SurveyTally, "moment"),
        changes=_tallies(db, viewer, workshop, SurveyChangeTally, "span"),
        parties=_counted_parties(db, viewer, workshop),
        k=k,
    )
    row = db.get(SurveyResults, survey.id) or SurveyResults(
        survey_id=survey.id, workshop_id=workshop.id
    )
    kept = json.loads(row.counts)
    payload, kept_bases, held = results.merge(
        json.loads(row.payload),
        kept.get("cells", {}),
        figures,
        bases,
        k,
        legacy=row.seq > 0 and "cells" not in kept,
    )
    row.payload = json.dumps(payload, sort_keys=True)
    row.counts = json.dumps({"cells": kept_bases}, sort_keys=True)
    row.seq += 1
    row.published_on = today()
    db.add(row)
    db.flush()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="evaluation.publish")
    return row, held


def published(db: Session, *, viewer: Viewer, workshop: Workshop) -> SurveyResults | None:
    """The last published results, for whoever may read them."""
    if not policy.allowed(viewer, "evaluation.results", workshop):
        return None
    statement = policy.visible(select(SurveyResults), viewer, SurveyResults)
    return db.exec(statement.where(col(SurveyResults.workshop_id) == workshop.id)).first()
