"""Time resolution: nothing a participant does is stored, or shown, finer than the day.

(a) Stored: every cell of every table (app.models.metadata, read raw from the database) is
    snapshotted before and after participants submit, edit, react, change a reaction, write
    a note and sign the summary off; every new or changed cell that reads as a time finer
    than a day fails, whatever its column is called.
(b) Shown: every answer the crawl of the differential test receives as a participant holds
    no time finer than the day, outside the declared schedule parts (the agenda's session
    clock times and the timer, which come from staff: `data-schedule-time`, and the JSON keys
    in tests/properties/views.py SCHEDULE_KEYS).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import Database
from app.models import metadata
from app.notes import service as notes
from app.policy import Viewer
from app.room import proposals, reactions, runtime
from app.summary import service as summary
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.factories import World, make_world
from tests.policy.crawl import start_urls
from tests.policy.seed import join
from tests.properties.room import CAST, NAMES, add_agenda, params, seed_room
from tests.properties.times import fine_time, fine_times_in_text
from tests.properties.views import crawl, mask

pytestmark = pytest.mark.slow  # among the longest files: handed out first under xdist

Snapshot = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]


def snapshot(database: Database) -> Snapshot:
    """Every row of every table, raw as the database returns it, keyed by primary key."""
    out: Snapshot = {}
    with database.engine.connect() as conn:
        for table in metadata.sorted_tables:
            names = [c.name for c in table.columns]
            keys = [names.index(c.name) for c in table.primary_key.columns] or list(
                range(len(names))
            )
            quoted = ", ".join(f'"{n}"' for n in names)
            rows = conn.exec_driver_sql(f'SELECT {quoted} FROM "{table.name}"').all()
            out[table.name] = {tuple(row[i] for i in keys): tuple(row) for row in rows}
    return out


def fine_cells(before: Snapshot, after: Snapshot) -> list[str]:
    """New or changed cells that read as a time finer than a day."""
    found = []
    for table in metadata.sorted_tables:
        names = [c.name for c in table.columns]
        for key, row in after[table.name].items():
            old = before[table.name].get(key)
            for index, value in enumerate(row):
                if old is not None and old[index] == value:
                    continue
                shown = fine_time(value)
                if shown is not None:
                    found.append(f"{table.name}.{names[index]} = {shown!r}")
    return sorted(set(found))


@contextmanager
def _in(world: World, viewer: Viewer) -> Iterator[tuple[Session, Workshop]]:
    with world.database.transaction() as db:
        yield db, workshops.get(db, world.workshop.id, viewer=viewer, action="room.read")


def _participant_actions(settings, database: Database) -> tuple[Snapshot, Snapshot]:  # type: ignore[no-untyped-def]
    """A live round with one revealed proposal and an open review; then, between the two
    snapshots, only what participants do."""
    world = make_world(settings, database, status="live", names=NAMES)
    item = add_agenda(database, world.workshop.id)["options"]
    with database.transaction() as db:
        author, other = (join(db, settings, world, i).viewer for i in (0, 3))
    facilitator, organizer = world.viewer("facilitator"), world.viewer("organizer")
    with _in(world, facilitator) as (db, workshop):
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=item.id)
        runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=item.id, open_=True)
    with _in(world, other) as (db, workshop):
        first = proposals.submit(
            db, settings, viewer=other, workshop=workshop, text="A joint river survey",
            idempotency_key=proposals.new_idempotency_key(),
        )  # fmt: skip
    with _in(world, facilitator) as (db, workshop):
        runtime.reveal(
            db,
            viewer=facilitator,
            workshop=workshop,
            item_id=item.id,
            override_reason="a small test batch",
        )
    with _in(world, organizer) as (db, workshop):
        rule = next(iter(summary.RULES))
        summary.open_review(db, settings, workshop, viewer=organizer, rule=rule, min_signoffs=1)

    before = snapshot(database)
    with _in(world, author) as (db, workshop):
        mine = proposals.submit(
            db, settings, viewer=author, workshop=workshop, text="Exchange of teachers",
            idempotency_key=proposals.new_idempotency_key(),
        )  # fmt: skip
    with _in(world, author) as (db, workshop):
        proposals.edit(
            db, settings, viewer=author, workshop=workshop, proposal_id=mine.id,
            text="An exchange of school teachers",
        )  # fmt: skip
    for value in ("agree", "disagree"):  # a reaction, then a change of mind
        with _in(world, author) as (db, workshop):
            reactions.react(
                db, settings, viewer=author, workshop=workshop, proposal_id=first.id, value=value
            )
    with _in(world, author) as (db, workshop):
        notes.create(db, settings, viewer=author, workshop=workshop, body="Call home tonight.")
    with database.transaction() as db:
        assert summary.sign_off(db, settings, world.workshop.id, viewer=author)
    return before, snapshot(database)


def test_nothing_a_participant_does_is_stored_finer_than_the_day(settings, database) -> None:
    before, after = _participant_actions(settings, database)
    changed = sum(1 for t in after for k, row in after[t].items() if before[t].get(k) != row)
    assert changed >= 6, "the participants' actions wrote (almost) nothing"
    assert fine_cells(before, after) == []


def test_the_detector_reads_times_in_every_form() -> None:
    """Not vacuous: each form a stored or shown time can take is recognised."""
    moment = datetime(2026, 12, 2, 14, 5, 9, tzinfo=UTC)
    for value in (
        moment,
        moment.replace(tzinfo=None),
        time(14, 5),
        "2026-12-02 14:05:09.000000",
        "2026-12-02T14:05:09Z",
        "posted 14:05",
        "at 9:05:09 today",
        int(moment.timestamp()),
        int(moment.timestamp() * 1000),
        moment.timestamp(),
        f"id {int(moment.timestamp())} ok",
    ):
        assert fine_time(value) is not None, value
    for value in (
        date(2026, 12, 2),
        "2026-12-02",
        "2026-12-02 00:00:00",
        5,
        True,
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "ratio 3:2",
        "v1.2.3",
        "0123456789abcdef0123456789abcdef",
    ):
        assert fine_time(value) is None, value


def test_nothing_a_participant_is_shown_is_finer_than_the_day(app, settings, database) -> None:
    with TestClient(app):
        room = seed_room(app, settings, database)
        starts, _unknown = start_urls(app, params(database, room.wid, exclude=set()))
        views = {
            role: crawl(room.browsers[role].client, starts, me=NAMES[CAST[role]])
            for role in ("author", "other")
        }
    problems = []
    schedule_seen = False
    for role, seen in views.items():
        for url, got in seen.items():
            shown = mask(got.text, got.content_type, viewer=False, schedule=True)
            for found in fine_times_in_text(shown):
                problems.append(f"{role}: GET {url} shows {found!r}")
            schedule_seen |= bool(fine_times_in_text(got.text))
    assert schedule_seen, "no declared schedule time was shown: the exemption went untested"
    assert sum(len(seen) for seen in views.values()) > 60
    assert not problems, "\n".join(sorted(set(problems)))
