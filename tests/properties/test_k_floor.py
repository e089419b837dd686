"""The k floor holds at every read: a workshop whose stored k is below 3 (a row written by an
older version, a hand edit) still never shows a party breakdown of fewer than 3 reacting
members, neither in the live room's results nor in the export (DESIGN.md, Anonymity 5)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.room import common, proposals, results
from app.summary import present as summary
from app.workshops.models import Workshop
from tests.properties.seed import seed
from tests.room.helpers import tx

PARTY_STATEMENTS = {summary.ALL_SIDES, summary.DIVIDES, summary.MIXED}


def test_stored_k_below_the_floor_shows_no_breakdown_of_two(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    seeded = seed(app, settings, database)  # two parties of two, everyone reacted to everything
    world = seeded.world
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        workshop.k_min = 1
        db.add(workshop)

    facilitator = world.viewer("facilitator")
    with tx(world, facilitator) as (db, workshop):
        item = common.item(db, viewer=facilitator, workshop=workshop, item_id=seeded.round_id)
        shown = proposals.for_item(
            db, settings, viewer=facilitator, workshop=workshop, item=item
        ).revealed
        view = results.for_item(
            db, viewer=facilitator, workshop=workshop, item=item, proposals=shown
        )
    assert view is not None and view.k >= 3
    assert len(view.supports) == 7 and all(s.total == 4 for s in view.supports)
    assert not any(s.k_holds or s.parties for s in view.supports)

    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        export = summary.build(db, workshop, viewer=organizer)
    assert export.method.k >= 3
    supports = [p.support for s in export.sessions for i in s.items for p in i.proposals]
    assert len(supports) == 7
    assert not PARTY_STATEMENTS & set(supports), supports
    seeded.close()
