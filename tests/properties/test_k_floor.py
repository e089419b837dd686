"""The k floor holds at every read: a workshop whose stored k is below 3 (a row written by an
older version, a hand edit) still never shows a party breakdown of fewer than 3 reacting
members, neither in the live room's results nor in the export (DESIGN.md, Anonymity 5)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from app.agenda.models import AgendaItem
from app.config import Settings
from app.db import Database
from app.room import common, proposals, results, snapshots
from app.summary import present as summary
from tests.factories import World
from tests.properties.seed import Author, seed
from tests.room.helpers import tx

PARTY_STATEMENTS = {summary.ALL_SIDES, summary.DIVIDES, summary.MIXED}


def test_stored_k_below_the_floor_shows_no_breakdown_of_two(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    def publish_with_k_1(world: World, _authors: list[Author]) -> None:
        """While the round is live: k stored as 1 (as an old row might have it), publish."""
        facilitator = world.viewer("facilitator")
        with tx(world, facilitator) as (db, workshop):
            workshop.k_min = 1
            db.add(workshop)
            item = db.exec(
                select(AgendaItem).where(
                    AgendaItem.workshop_id == workshop.id, AgendaItem.kind == "contribution"
                )
            ).one()
            snapshots.publish(db, viewer=facilitator, workshop=workshop, item=item)

    # two parties of two, everyone reacted to everything: 4 per proposal, 2 per party
    seeded = seed(app, settings, database, while_live=publish_with_k_1)
    world = seeded.world
    facilitator = world.viewer("facilitator")
    with tx(world, facilitator) as (db, workshop):
        item = common.item(db, viewer=facilitator, workshop=workshop, item_id=seeded.round_id)
        shown = proposals.for_item(
            db, settings, viewer=facilitator, workshop=workshop, item=item
        ).revealed
        view = results.for_item(
            db, viewer=facilitator, workshop=workshop, item=item, proposals=shown
        )
    assert view is not None and view.published and view.k >= 3
    assert len(view.supports) == 7 and all(s.reacted == 4 for s in view.supports)
    assert not any(s.k_holds or s.parties for s in view.supports)

    with tx(world, world.viewer("organizer")) as (db, workshop):
        export = summary.build(db, workshop)
    assert export.method.k >= 3
    supports = [p.support for s in export.sessions for i in s.items for p in i.proposals]
    assert len(supports) == 7
    assert not PARTY_STATEMENTS & set(supports), supports
    seeded.close()
