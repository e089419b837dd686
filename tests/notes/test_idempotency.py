"""Every state-changing form is idempotent (issue 15): the same submission sent again (a
double click, a retry after a dropped connection) changes nothing and answers as the first."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from app.notes.models import Note
from app.summary import service as summary
from app.summary.models import SummaryComment, SummaryDecision, SummarySignoff
from app.workshops import service as workshops
from tests.notes.test_routes import _participant, _staff, _world

KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _count(database: Any, model: Any) -> int:
    with database.session() as db:
        return int(db.exec(select(func.count()).select_from(model)).one())


def test_the_same_note_form_sent_three_times_makes_one_note(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world = _world(settings, database)
    wid = world.workshop.id
    for who in (_participant(app, database, world, 0), _staff(app, world, "rapporteur")):
        before = _count(database, Note)
        page = who.get(f"/w/{wid}/notes")
        match = KEY_RE.search(page.text)
        assert match, "the note form carries no idempotency key"
        form = {"body": "Worth repeating once", "item_id": "", "idempotency_key": match.group(1)}
        answers = [who.post(f"/w/{wid}/notes", form) for _ in range(3)]
        assert {a.status_code for a in answers} == {303}
        assert len({a.headers["location"] for a in answers}) == 1  # answers as the first did
        assert _count(database, Note) == before + 1
        assert KEY_RE.search(who.get(f"/w/{wid}/notes").text).group(1) != match.group(1)  # type: ignore[union-attr]


def test_the_notes_api_with_the_same_key_makes_one_note(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world = _world(settings, database)
    wid = world.workshop.id
    alma = _participant(app, database, world, 0)
    alma.get(f"/w/{wid}/notes")
    url = f"/api/v1/workshops/{wid}/notes"
    body = {"body": "Said once", "idempotency_key": "n" * 32}
    headers = {"X-CSRF-Token": alma.token}
    one = alma.client.post(url, json=body, headers=headers)
    two = alma.client.post(url, json=body, headers=headers)
    assert one.status_code == two.status_code == 201, one.text
    assert one.json() == two.json()
    assert _count(database, Note) == 1
    # the same key from someone else is not theirs: it creates nothing for them either
    boris = _participant(app, database, world, 1)
    boris.get(f"/w/{wid}/notes")
    other = boris.client.post(url, json=body, headers={"X-CSRF-Token": boris.token})
    assert other.status_code == 422
    assert _count(database, Note) == 1


def _review(world: Any, settings: Any, database: Any) -> None:
    organizer = world.viewer("organizer")
    with database.transaction() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=organizer)
        workshops.transition(db, viewer=organizer, workshop=workshop, to="closed")
    with database.transaction() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=organizer)
        for hit in summary.check(db, settings, workshop, viewer=organizer):
            summary.decide(
                db,
                settings,
                workshop,
                viewer=organizer,
                fingerprint=hit.fingerprint,
                action="redact",
            )
        summary.open_review(
            db, settings, workshop, viewer=organizer, rule="minimum", min_signoffs=1
        )


def test_review_comment_and_sign_off_sent_twice_count_once(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world = _world(settings, database)
    wid = world.workshop.id
    alma = _participant(app, database, world, 0)
    _review(world, settings, database)
    page = alma.get(f"/w/{wid}/summary/review")
    match = KEY_RE.search(page.text)
    assert match, "the comment form carries no idempotency key"
    form = {"body": "Paragraph two is too strong", "idempotency_key": match.group(1)}
    answers = [alma.post(f"/w/{wid}/summary/review/comment", form) for _ in range(3)]
    assert {(a.status_code, a.headers["location"]) for a in answers} == {
        (303, f"/w/{wid}/summary/review#respond")
    }
    assert _count(database, SummaryComment) == 1
    signed = [alma.post(f"/w/{wid}/summary/review/signoff") for _ in range(2)]
    assert len({(a.status_code, a.headers["location"]) for a in signed}) == 1
    assert _count(database, SummarySignoff) == 1


def test_a_hit_decision_sent_twice_is_one_decision(app, settings, database) -> None:  # type: ignore[no-untyped-def]
    world = _world(settings, database)
    organizer = world.viewer("organizer")
    with database.transaction() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=organizer)
        summary.add_term(db, workshop, viewer=organizer, term="Northern")  # in the title
    with database.session() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=organizer)
        hits = summary.check(db, settings, workshop, viewer=organizer)
    assert hits
    browser = _staff(app, world, "organizer")
    browser.get(f"/w/{world.workshop.id}/summary")
    url = f"/w/{world.workshop.id}/summary/hits/{hits[0].fingerprint}"
    answers = [browser.post(url, {"action": "keep", "reason": "a public place"}) for _ in range(2)]
    assert len({(a.status_code, a.headers.get("location")) for a in answers}) == 1
    assert _count(database, SummaryDecision) == 1
