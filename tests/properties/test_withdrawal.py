"""A withdrawn proposal leaves nothing: neither its text nor its author tag is anywhere in a
dump of every table (the row stays, empty, so that its id is not reused)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from app.config import Settings
from app.db import Database
from app.room import proposals
from app.room.models import Proposal
from tests.factories import make_world
from tests.properties import attacker
from tests.properties.seed import agenda
from tests.room.helpers import open_round, participant_viewer, submit, tx


def test_withdrawn_text_and_tag_are_gone_from_every_table(
    client: TestClient, settings: Settings, database: Database
) -> None:
    world = make_world(settings, database, status="live")
    round_id, _plenary = agenda(world)
    open_round(world, round_id)
    author = participant_viewer(world, 0)
    text = "Withdrawn idea: a quiet channel through the Vatican"
    kept = submit(world, author, "Kept idea: a joint water board")
    gone = submit(world, author, text)
    tag = gone.author_tag
    assert tag
    with tx(world, author) as (db, workshop):
        proposals.withdraw(db, settings, viewer=author, workshop=workshop, proposal_id=gone.id)
    with database.session() as db:
        rows = {p.id: p for p in db.exec(select(Proposal))}
    assert rows[gone.id].status == "withdrawn" and rows[kept.id].author_tag
    assert rows[gone.id].text == "" and rows[gone.id].author_tag is None  # read back decrypted

    with database.engine.connect() as conn:
        dump = attacker.read_dump(conn, settings)
    cells = [
        f"{row.table}.{column}"
        for row in dump.rows
        for column, value in row.values.items()
        if isinstance(value, str) and (tag in value or "Vatican" in value)
    ]
    assert not cells, cells
