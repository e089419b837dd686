"""The one door: list filters run in the database, default deny, and every route checks.

- `policy.visible()` adds a WHERE clause for each model and viewer (compiled and asserted),
  unknown models are denied, and the SQL a service actually sends carries the filter.
- A test-only middleware records the policy checks of each request (datasette's
  assert_permissions_checked); every GET under /w/ and /api/v1/workshops that answered 200
  must have run at least one ensure() or visible(). A route that skips the policy is caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import SQLModel, select

from app import policy
from app.db import Database
from app.notes import service as notes
from app.policy import ANONYMOUS, Viewer
from app.workshops.models import Workshop, WorkshopKey
from tests.factories import make_world
from tests.policy.canary import CanaryCrawl
from tests.policy.crawl import Record, get_routes, install_recorder
from tests.policy.seed import join

CHECKED_PREFIXES = ("/w/", "/api/v1/workshops")


def _model(name: str) -> type:
    import app.models  # noqa: F401 - every table registered

    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        if mapper.class_.__name__ == name:
            return mapper.class_  # type: ignore[no-any-return]
    raise LookupError(name)


def _sql(database: Database, statement: object) -> str:
    compiled = statement.compile(  # type: ignore[attr-defined]
        dialect=database.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


@pytest.fixture
def viewers(settings, database):  # type: ignore[no-untyped-def]
    world = make_world(settings, database, status="live")
    with database.transaction() as db:
        participant = join(db, settings, world, 0).viewer
    return world, {
        "organizer": world.viewer("organizer"),
        "observer": world.viewer("observer"),
        "participant": participant,
        "anonymous": ANONYMOUS,
    }


@pytest.mark.parametrize("name", sorted(policy.FILTERS))
def test_every_list_filter_is_a_where_clause(database, viewers, name: str) -> None:
    world, by_role = viewers
    model = _model(name)
    for role, viewer in by_role.items():
        statement = policy.visible(select(model), viewer, model)
        assert statement.whereclause is not None, (name, role)
        sql = _sql(database, statement)
        assert re.search(r"\bWHERE\b", sql), (name, role, sql)
        if role == "anonymous":
            with database.session() as db:
                assert db.exec(statement).all() == [], (name, role)
        if role == "organizer" and "workshop_id" in model.__table__.c:  # type: ignore[attr-defined]
            assert world.workshop.id in re.split(r"\bWHERE\b", sql, maxsplit=1)[1], (name, sql)


def test_unregistered_model_is_denied(database, viewers) -> None:
    _, by_role = viewers
    assert "WorkshopKey" not in policy.FILTERS
    with database.session() as db:
        assert db.exec(select(WorkshopKey)).all(), "the world has a key row to hide"
        for viewer in by_role.values():
            statement = policy.visible(select(WorkshopKey), viewer, WorkshopKey)
            assert db.exec(statement).all() == []


def test_default_deny_when_a_filter_is_missing(
    settings, database, viewers, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, by_role = viewers
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        notes.create(
            db,
            settings,
            viewer=by_role["organizer"],
            workshop=workshop,
            body="x",
            visibility="room",
        )
    monkeypatch.delitem(policy.FILTERS, "Note")
    with database.session() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert notes.list_for(db, settings, workshop, viewer=by_role["organizer"]) == []


@contextmanager
def captured_sql(database: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", before)


@pytest.mark.parametrize("role", ["organizer", "observer", "participant"])
def test_the_note_list_is_filtered_by_the_database(settings, database, viewers, role) -> None:
    world, by_role = viewers
    viewer: Viewer = by_role[role]
    with database.session() as db, captured_sql(database) as statements:
        workshop = db.get(Workshop, world.workshop.id)
        notes.list_for(db, settings, workshop, viewer=viewer)
    selects = [
        s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM note" in s
    ]
    assert selects, statements
    for sql in selects:
        where = sql.split("WHERE", 1)[1]
        assert "note.visibility" in where and "note.workshop_id" in where, sql


# -- every route checks ------------------------------------------------------------------------


def unchecked(records: list[Record]) -> list[str]:
    """GET requests under the workshop prefixes that answered 200 without a policy check."""
    problems = set()
    for record in records:
        if record.method != "GET" or record.status != 200:
            continue
        if not record.path.startswith(CHECKED_PREFIXES):
            continue
        if not any(
            kind in {"ensure", "visible"} and what != "signed-in" for kind, what in record.checks
        ):
            problems.add(f"GET {record.path}{'?' + record.query if record.query else ''}")
    return sorted(problems)


@pytest.mark.slow
def test_every_workshop_route_runs_a_policy_check(canary_crawl: CanaryCrawl) -> None:
    """Over the canary crawl (tests/policy/conftest.py): every role, every GET route."""
    records, app = canary_crawl.records, canary_crawl.app
    answered = {
        route.path
        for route in get_routes(app)
        for r in records
        if r.status == 200 and route.path_regex.match(r.path)
    }
    assert any(p.startswith("/w/") for p in answered) and any(
        p.startswith("/api/v1/workshops") for p in answered
    )
    assert unchecked(records) == []


def test_a_route_that_skips_the_policy_is_caught(app, settings, database) -> None:
    world = make_world(settings, database, status="live")

    @app.get("/w/{workshop_id}/leaky")
    async def leaky(workshop_id: str) -> dict[str, str]:
        with database.session() as db:
            row = db.get(Workshop, workshop_id)
        return {"title": row.title if row else ""}

    records = install_recorder(app)
    with TestClient(app) as client:
        assert client.get(f"/w/{world.workshop.id}/leaky").status_code == 200
        assert client.get(f"/w/{world.workshop.id}/notes").status_code == 404
    assert unchecked(records) == [f"GET /w/{world.workshop.id}/leaky"]
