"""A workshop with a survey, participants with secrets of their own, answers through the
services."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from app.evaluation import service, transfer
from app.policy import Viewer
from app.workshops.models import Workshop
from tests.factories import World, make_world
from tests.room.helpers import participant_viewer, tx

STATEMENTS = ("A negotiated solution is possible.", "I trust the other side's intentions.")


def survey_world(
    settings: object,
    database: object,
    *,
    per_party: int = 3,
    k: int = 3,
    parties: tuple[str, ...] = ("Riverside", "Highland"),
) -> tuple[World, list[Viewer], list[str]]:
    """Parties (two unless told) of `per_party`, k set, two statements, pre and post open."""
    world = make_world(
        settings,
        database,
        status="live",  # type: ignore[arg-type]
        participants_per_party=per_party,
        parties=parties,
    )
    with world.database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        workshop.k_min = k
        db.add(workshop)
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        ids = [
            service.add_item(db, viewer=organizer, workshop=workshop, prompt=p).id
            for p in STATEMENTS
        ]
        for moment in ("pre", "post"):
            service.set_moment(db, viewer=organizer, workshop=workshop, moment=moment, state="open")
    people = [participant_viewer(world, n, os.urandom(32)) for n in range(len(world.invitations))]
    return world, people, ids


def answer(world: World, viewer: Viewer, moment: str, values: Mapping[str, int]) -> None:
    with tx(world, viewer) as (db, workshop):
        service.answer(
            db, world.settings, viewer=viewer, workshop=workshop, moment=moment, given=dict(values)
        )


def publish(world: World) -> tuple[dict, int]:
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        row, held = service.publish(db, viewer=organizer, workshop=workshop)
        return json.loads(row.payload), held


def brief(world: World, destination: str, outcome: str = "") -> None:
    """A briefing of the whole summary, recorded by the organizer through the service."""
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        transfer.record(
            db,
            viewer=organizer,
            workshop=workshop,
            item="whole",
            destination=destination,
            briefed_on="2026-12-01",
            by=world.users["organizer"].id,
            outcome=outcome,
        )
