"""Workshops that run in rounds: the next round copies title, parties, staff and ground rules
(a new version), carries the open questions and the released summary forward, and invites
the roster again as new people. Two rounds' contributions of the same person never match,
and the database holds nothing that pairs them, even with both rounds' keys."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlmodel import select

from app.errors import NotFound
from app.ntext.models import TextMark
from app.roster.models import Participant
from app.rules.models import GroundRule
from app.security import keys, sessions
from app.security.at_rest import SHREDDED
from app.summary import service as summary
from app.workshops import archive as archiving
from app.workshops import series
from app.workshops import service as workshops
from app.workshops.models import Membership, Party, RoundContext, Workshop
from tests.factories import Browser, World
from tests.ntext.helpers import mark, publish_figures, publish_text, start, text_world
from tests.room.helpers import participant_viewer, tx

pytestmark = pytest.mark.slow  # among the longest files: handed out first under xdist


def _copied(db, model, wid):  # type: ignore[no-untyped-def]
    """What a round holds of a copied kind, without its ids."""
    fields = {"Party": ("name",), "Membership": ("user_id", "role"), "GroundRule": ("title",)}
    rows = db.exec(select(model).where(model.workshop_id == wid))
    return sorted(tuple(getattr(r, f) for f in fields[model.__name__]) for r in rows)


def release(world: World) -> None:
    """Close the round, open its summary for review and release it (with a reason)."""
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        workshops.transition(db, viewer=organizer, workshop=workshop, to="closed")
    with tx(world, organizer) as (db, workshop):
        summary.open_review(
            db, world.settings, workshop, viewer=organizer, rule="minimum", min_signoffs=1
        )
    with tx(world, organizer) as (db, workshop):
        summary.release(db, world.settings, workshop, viewer=organizer, override="test")


def open_next(world: World, *, carry: bool = True) -> series.NextRound:
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        return series.next_round(
            db,
            world.settings,
            viewer=organizer,
            workshop=workshop,
            title="Round two",
            carry_roster=carry,
        )


def test_the_next_round_copies_and_carries_forward(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    ids = publish_text(world, item_id, "Agreed paragraph.\n\nDisputed paragraph.")
    for n in range(6):
        viewer = participant_viewer(world, n)
        mark(world, viewer, ids[0], "agree")
        mark(world, viewer, ids[1], "agree" if n < 3 else "disagree")
    publish_figures(world, item_id)
    release(world)
    made = open_next(world)
    new = made.workshop
    assert new.series_id is not None
    assert new.round_number == 2 and new.id != world.workshop.id
    with database.session() as db:
        old = db.get(Workshop, world.workshop.id)
        assert old is not None and old.series_id == new.series_id
        for model in (Party, Membership, GroundRule):
            assert _copied(db, model, new.id) == _copied(db, model, old.id), model
        fresh = db.get(Workshop, new.id)
        assert fresh is not None and fresh.rules_version == 2  # a new version to accept
        context = db.exec(select(RoundContext).where(RoundContext.workshop_id == new.id)).one()
        assert context.open_questions == "The single text §2: Disputed paragraph."
    assert len(made.invitations) == 6
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        shown = series.rounds(db, settings, viewer=organizer, workshop=workshop)
    assert [r.round_number for r in shown] == [1, 2]
    assert shown[1].open_questions == ["The single text §2: Disputed paragraph."]
    assert shown[0].open_questions == []
    rapporteur = world.viewer("rapporteur")  # the series page is the organizer's
    with tx(world, rapporteur) as (db, workshop), pytest.raises(NotFound):
        series.rounds(db, settings, viewer=rapporteur, workshop=workshop)


def _claim(app: object, path: str, settings) -> bytes:  # type: ignore[no-untyped-def]
    client = TestClient(app, base_url="http://testserver")  # type: ignore[arg-type]
    browser = Browser(client)
    browser.get(path)
    assert browser.post(path).status_code == 303
    raw = client.cookies.get(sessions.author_cookie(settings))
    assert raw
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


def test_two_rounds_of_one_person_never_match(app, client, settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    first_secret = _claim(app, world.invitations[0].path(), settings)
    made = open_next(world)
    organizer = world.viewer("organizer")
    with database.transaction() as db:
        new = workshops.get(db, made.workshop.id, viewer=organizer)
        workshops.transition(db, viewer=organizer, workshop=new, to="open")
    second_secret = _claim(app, made.invitations[0].path(), settings)
    assert first_secret != second_secret

    with database.session() as db:
        old_key = workshops.data_key(db, settings, db.get(Workshop, world.workshop.id))  # type: ignore[arg-type]
        new_key = workshops.data_key(db, settings, db.get(Workshop, made.workshop.id))  # type: ignore[arg-type]
        old_person = db.get(Participant, world.invitations[0].participant.id)
        new_person = db.get(Participant, made.invitations[0].participant.id)
        assert old_person is not None and new_person is not None
        # the new row points at nothing of the old one, and shares no secret-bearing value
        new_values = {str(v) for v in new_person.model_dump().values() if v}
        for column in ("id", "invitation_hash", "recovery_hash"):
            value = getattr(old_person, column)
            assert value is None or str(value) not in new_values, column
        participant_columns = {
            c["name"] for c in inspect(database.engine).get_columns("participant")
        }
        assert not {c for c in participant_columns if "previous" in c or "series" in c}
    assert old_key != new_key
    # the same contribution id, tagged in each round by the same person: never equal, and no
    # round's secret reproduces the other's tag under either key
    cid = "same-paragraph"
    tags = {
        keys.author_tag(key, secret, "ntext-mark", cid)
        for key in (old_key, new_key)
        for secret in (first_secret, second_secret)
    }
    assert len(tags) == 4
    # through the services: a mark in each round, same person, never the same tag
    start(world, item_id)
    ids = publish_text(world, item_id, "Round one text.")
    mark(world, participant_viewer(world, 0, first_secret), ids[0], "agree")
    with database.session() as db:
        stored = [m.author_tag for m in db.exec(select(TextMark))]
    assert stored == [keys.author_tag(old_key, first_secret, "ntext-mark", ids[0])]
    assert keys.author_tag(new_key, second_secret, "ntext-mark", ids[0]) not in stored
    assert keys.author_tag(old_key, second_secret, "ntext-mark", ids[0]) not in stored


def test_each_round_is_archived_on_its_own(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, _item_id = text_world(settings, database)
    made = open_next(world, carry=False)
    assert made.invitations == []
    world.archive()
    with database.session() as db:
        assert db.get(Workshop, world.workshop.id).status == "archived"  # type: ignore[union-attr]
        assert workshops.data_key(db, settings, db.get(Workshop, made.workshop.id))  # type: ignore[arg-type]


def test_the_series_page_opens_a_round_and_shows_its_links_once(
    app, client, settings, database
) -> None:  # type: ignore[no-untyped-def]
    world, _item_id = text_world(settings, database)
    organizer = Browser(TestClient(app, base_url="http://testserver"))  # type: ignore[arg-type]
    organizer.login(world.users["organizer"])
    url = f"/w/{world.workshop.id}/series"
    assert organizer.get(url).status_code == 200
    refused = organizer.post(url + "/next", {"title": ""})
    assert refused.status_code == 422
    made = organizer.post(url + "/next", {"title": "Round two", "carry_roster": "1"})
    assert made.status_code == 200
    assert made.text.count("/join/") == len(world.invitations)
    again = organizer.get(url)
    assert "/join/" not in again.text and "Round two" in again.text


def _open_paragraphs(world: World, item_id: str, text: str) -> None:
    """Publish `text` and its figures: every paragraph divided, so every one is open."""
    ids = publish_text(world, item_id, text)
    for n in range(6):
        for pid in ids:
            mark(world, participant_viewer(world, n), pid, "agree" if n < 3 else "disagree")
    publish_figures(world, item_id)


def _context(world: World, made: series.NextRound) -> RoundContext:
    with world.database.session() as db:
        return db.exec(
            select(RoundContext).where(RoundContext.workshop_id == made.workshop.id)
        ).one()


def test_only_what_the_release_may_hold_is_carried_forward(settings, database) -> None:  # type: ignore[no-untyped-def]
    """The next round's context outlives this round's archive: before the release nothing
    of the texts is carried, and never a paragraph of a text off the record."""
    world, item_id = text_world(settings, database, k=3, per_party=3)
    hidden, hidden_id = text_world(settings, database, k=3, per_party=3, level="off_record")
    for w, iid, words in ((world, item_id, "Shared water"), (hidden, hidden_id, "Secret dam")):
        start(w, iid)
        _open_paragraphs(w, iid, f"{words}, first.\n\n{words}, second.")
    assert _context(world, open_next(world)).open_questions == ""  # not released yet
    assert _context(hidden, open_next(hidden)).open_questions == ""
    release(world)
    release(hidden)
    carried = _context(world, open_next(world)).open_questions
    assert carried == (
        "The single text §1: Shared water, first.\nThe single text §2: Shared water, second."
    )
    assert _context(hidden, open_next(hidden)).open_questions == ""


def test_the_next_rounds_archive_shreds_what_it_carried(settings, database) -> None:  # type: ignore[no-untyped-def]
    world, item_id = text_world(settings, database, k=3, per_party=3)
    start(world, item_id)
    _open_paragraphs(world, item_id, "Shared water, first.")
    release(world)
    made = open_next(world)
    assert _context(world, made).open_questions.endswith("Shared water, first.")
    organizer = world.viewer("organizer")
    organizer = replace(organizer, roles={**organizer.roles, made.workshop.id: "organizer"})
    with database.transaction() as db:
        new = workshops.get(db, made.workshop.id, viewer=organizer)
        for status in ("open", "closed"):
            workshops.transition(db, viewer=organizer, workshop=new, to=status)
        archiving.archive(db, settings, viewer=organizer, workshop=new, confirm_title=new.title)
    with database.session() as db:
        row = db.exec(select(RoundContext).where(RoundContext.workshop_id == made.workshop.id))
        (stored,) = list(row)
    assert (stored.open_questions, stored.summary) == (SHREDDED, SHREDDED)
