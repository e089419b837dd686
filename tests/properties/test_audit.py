"""The audit log names staff and actions, never an author nor what was contributed: no
audit cell holds a proposal's text (before or after moderation), a note's body, or a
participant's name or affiliation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from app.config import Settings
from app.db import Database
from app.room import moderation
from app.roster.models import Participant
from tests.factories import World
from tests.properties import attacker
from tests.properties.seed import Author, seed
from tests.room.helpers import tx


def test_audit_entries_hold_no_contribution_and_no_participant(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    texts: set[str] = set()

    def moderate(world: World, authors: list[Author]) -> None:
        facilitator = world.viewer("facilitator")
        with database.engine.connect() as conn:
            dump = attacker.read_dump(conn, settings)
        ids = [row.pk for row in dump.of("proposal") if row.values["status"] == "revealed"]
        texts.update(str(row.values["text"]) for row in dump.of("proposal"))
        with tx(world, facilitator) as (db, workshop):
            moderation.edit(
                db,
                viewer=facilitator,
                workshop=workshop,
                proposal_id=ids[0],
                text="Clarified by the facilitator: a joint water board with two chairs",
            )
            moderation.hide(
                db, viewer=facilitator, workshop=workshop, proposal_id=ids[1], reason="Off topic"
            )

    seeded = seed(app, settings, database, while_live=moderate)
    with database.engine.connect() as conn:
        dump = attacker.read_dump(conn, settings)
    audit = dump.of("audit_entry")
    assert {"room.edit", "room.hide", "room.reveal"} <= {r.values["action"] for r in audit}
    texts.update(str(row.values["text"]) for row in dump.of("proposal"))
    texts.update(attacker.plaintexts(dump))
    with database.session() as db:
        for person in db.exec(select(Participant)):
            texts.update(t for t in (person.display_name, person.affiliation) if t)
    texts.discard("")
    found = [
        f"{row.values['action']}: {value!r}"
        for row in audit
        for value in row.values.values()
        if isinstance(value, str) and any(t in value for t in texts)
    ]
    assert not found, found
    seeded.close()
