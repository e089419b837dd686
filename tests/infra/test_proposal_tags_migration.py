"""Migration 0178: a workshop that already has proposals keeps per-id tags ("legacy"); one
without proposals, and every new one, numbers them ("sequence")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, text
from sqlmodel import SQLModel

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import make_engine
from app.migrate import upgrade
from app.room.models import Proposal
from app.workshops.models import Workshop
from tests.migrated import database_at


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def at_0177(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each engine, migrated to revision 0177."""
    yield from database_at(request.param, tmp_path, "0177")


def _insert(conn: Any, *rows: SQLModel, skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Insert rows with only the columns the table has (at 0177, or as given)."""
    for row in rows:
        old = Table(str(row.__tablename__), MetaData(), autoload_with=conn)
        values = {
            k: v
            for k, v in row.model_dump().items()
            if v is not None and k in old.c and k not in skip
        }
        conn.execute(old.insert().values(**values))


def test_workshops_with_proposals_keep_per_id_tags(at_0177: str) -> None:
    used, empty = Workshop(title="Used", status="live"), Workshop(title="Empty", status="live")
    meeting = Meeting(workshop_id=used.id, title="Day 1")
    item = AgendaItem(workshop_id=used.id, meeting_id=meeting.id, title="Options")
    proposal = Proposal(workshop_id=used.id, item_id=item.id, text="x", author_tag="a" * 64)
    engine = make_engine(at_0177)
    with engine.begin() as conn:
        _insert(conn, used, empty, meeting, item, proposal)
    engine.dispose()

    upgrade(at_0177, Settings(env="test", database_url=at_0177))

    engine = make_engine(at_0177)
    try:
        with engine.begin() as conn:
            fresh = Workshop(title="Fresh")
            _insert(conn, fresh, skip={"proposal_tags"})  # as raw SQL would: no value
            found = dict(conn.execute(text("SELECT id, proposal_tags FROM workshop")).all())
            stones = conn.execute(text("SELECT count(*) FROM proposal_tombstone")).scalar()
    finally:
        engine.dispose()
    assert found == {used.id: "legacy", empty.id: "sequence", fresh.id: "sequence"}
    assert stones == 0
    assert Workshop(title="model default").proposal_tags == "sequence"
