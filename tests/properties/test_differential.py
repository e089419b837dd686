"""Differential views: what anyone receives must not depend on who wrote what.

1. Same room, two viewers: two participants of the same party, the *author* (revealed
   proposals, a pending one, reactions, a note, a sign-off) and the *other* (none of those
   proposals). Every GET route (pages, every room region, htmx fragments, the JSON API, the
   event stream, the summary review) must answer both identically once the declared
   per-viewer parts are masked (tests/properties/views.py).
2. Same viewer, two rooms: the room is seeded twice, identically (same ids, same order)
   except that the author's and a participant of the OTHER party's proposals are swapped.
   A participant who wrote nothing, the observer, the facilitator and the organizer must
   receive exactly the same bytes from both rooms. This is what catches a field derived
   from the author (party, participant id, a time) that every viewer would see alike.

Any other difference fails, whatever the field that carries it is called.
"""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import ids
from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import metadata
from tests import factories
from tests.policy.crawl import PARAM_RE, expand, get_routes, start_urls
from tests.properties.room import CAST, NAMES, SeededRoom, params, seed_room
from tests.properties.views import Got, crawl, differences, fetch

SWAP = {"author": "birch", "birch": "author"}
ONLOOKERS = ("watcher", "observer", "facilitator", "organizer")
# The audit log lists staff actions by their time (to the minute), and rows of the same time
# by id: its order follows the wall clock of each seeding, not authorship.
CLOCKED = ("/audit",)


def test_the_author_and_another_participant_receive_the_same(app, settings, database) -> None:
    me = (NAMES[CAST["author"]], NAMES[CAST["other"]])
    with TestClient(app):
        room = seed_room(app, settings, database)
        starts, _unknown = start_urls(app, params(database, room.wid, exclude=room.own["author"]))
        author = crawl(room.browsers["author"].client, starts, me=me[0])
        other = crawl(room.browsers["other"].client, starts, me=me[1])
        unseen = _own_looks_like_none(app, database, room)
    wid = room.wid
    reached = {url for url, got in author.items() if got.status == 200}
    for url in (
        f"/w/{wid}/room",
        f"/w/{wid}/room/region/proposals",
        f"/w/{wid}/room/region/results",
        f"/api/v1/workshops/{wid}/room",
        f"/api/v1/workshops/{wid}/notes",
        f"/w/{wid}/summary/review",
        f"/w/{wid}/events",
        f"/w/{wid}",
    ):
        assert url in reached, f"the comparison never reached {url}"
    pending = "An exchange of school teachers"  # the declared parts were really there
    assert pending in author[f"/w/{wid}/room"].text
    assert pending not in other[f"/w/{wid}/room"].text
    problems = differences(author, other, me=me) + unseen
    assert not problems, "\n\n".join(problems)


def _own_looks_like_none(app: FastAPI, database: Database, room: SeededRoom) -> list[str]:
    """Every GET route naming one of the author's own objects (pending proposal, private
    note) answers the other participant exactly as for an id that does not exist."""
    given = params(database, room.wid, exclude=set())
    nowhere = "0" * 32
    other = room.browsers["other"].client
    problems, tried = [], 0
    for own in sorted(room.own["author"]):
        for route in get_routes(app):
            for name in (n for n in PARAM_RE.findall(route.path) if own in given.get(n, [])):
                mine = expand(route.path, {**given, name: [own]})
                none = expand(route.path, {**given, name: [nowhere]})
                for url_mine, url_none in zip(mine, none, strict=True):
                    tried += 1
                    a = fetch(other, url_mine).masked().replace(own, "<id>")
                    b = fetch(other, url_none).masked().replace(nowhere, "<id>")
                    if a != b:
                        problems.append(f"GET {url_mine} tells the other it exists:\n{a[:300]}")
    assert tried >= 4, "no route names the author's own objects: nothing was compared"
    return problems


def _same_ids_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, app.ids.new_id draws from a fixed sequence (and the factories count
    from 1 again), so two seedings made the same way get the same ids and shuffle keys."""
    draw = random.Random(13)
    fake = SimpleNamespace(token_hex=lambda n=32: f"{draw.getrandbits(8 * n):0{2 * n}x}")
    monkeypatch.setattr(ids, "secrets", fake)
    monkeypatch.setattr(factories, "_counter", itertools.count(1))


def _wipe(database: Database) -> None:
    with database.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


def _onlookers_of(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    authors: dict[str, str],
) -> dict[str, dict[str, Got]]:
    _wipe(database)
    _same_ids_every_time(monkeypatch)
    app = create_app(settings, database)
    with TestClient(app):
        room = seed_room(app, settings, database, authors=authors)
        assert set(room.writers.values()) == {"author", "birch"}
        assert room.writers["Joint monitoring of the river"] == authors.get("author", "author")
        starts, _unknown = start_urls(app, params(database, room.wid, exclude=set()))
        views = {role: crawl(room.browsers[role].client, starts) for role in ONLOOKERS}
    return {
        role: {url: got for url, got in seen.items() if not any(c in url for c in CLOCKED)}
        for role, seen in views.items()
    }


@pytest.mark.slow  # two seedings and four crawls: ~10 s on an idle machine
def test_swapping_the_authors_changes_nothing_anyone_else_receives(
    settings, database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _onlookers_of(settings, database, monkeypatch, authors={})
    second = _onlookers_of(settings, database, monkeypatch, authors=SWAP)
    problems = []
    for role in ONLOOKERS:
        assert sum(got.status == 200 for got in first[role].values()) > 10, role
        found = differences(first[role], second[role], me=(None, None))
        problems += [f"[{role}] {p}" for p in found]
    assert not problems, "\n\n".join(problems)
