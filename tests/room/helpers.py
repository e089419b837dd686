"""Service-level helpers for room tests: viewers with their own authorship secrets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session, select

from app.policy import Viewer
from app.room import proposals, runtime
from app.room.models import Proposal
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.factories import World


def participant_viewer(world: World, index: int, secret: bytes | None = None) -> Viewer:
    participant = world.invitations[index].participant
    return Viewer(
        kind="participant",
        participant_id=participant.id,
        workshop_id=world.workshop.id,
        party_id=participant.party_id,
        display_name=participant.display_name,
        secret=secret if secret is not None else os.urandom(32),
    )


@contextmanager
def tx(world: World, viewer: Viewer) -> Iterator[tuple[Session, Workshop]]:
    with world.database.transaction() as db:
        yield db, workshops.get(db, world.workshop.id, viewer=viewer, action="room.read")


def open_round(world: World, item_id: str) -> None:
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.start(db, viewer=fac, workshop=workshop, item_id=item_id)
        runtime.set_intake(db, viewer=fac, workshop=workshop, item_id=item_id, open_=True)


def submit(world: World, viewer: Viewer, text: str, key: str | None = None) -> Proposal:
    with tx(world, viewer) as (db, workshop):
        return proposals.submit(
            db,
            world.settings,
            viewer=viewer,
            workshop=workshop,
            text=text,
            idempotency_key=key or proposals.new_idempotency_key(),
        )


SMALL_BATCH = "A test reveals fewer than the minimum batch"


def reveal(world: World, item_id: str, override_reason: str | None = SMALL_BATCH) -> int:
    """Reveal the item's pending batch; with a reason by default, so a test may reveal fewer
    than the minimum (tests of the minimum itself pass None)."""
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        return runtime.reveal(
            db, viewer=fac, workshop=workshop, item_id=item_id, override_reason=override_reason
        )


def stored_pending(world: World, item_id: str) -> list[str]:
    """The texts of the item's pending proposals as stored (staff see them only in groups)."""
    with world.database.session() as db:
        rows = db.exec(
            select(Proposal).where(Proposal.item_id == item_id, Proposal.status == "pending")
        )
        return sorted(row.text for row in rows)


def listing(world: World, viewer: Viewer, item_id: str) -> proposals.ItemProposals:
    from app.room import common

    with tx(world, viewer) as (db, workshop):
        item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
        return proposals.for_item(db, world.settings, viewer=viewer, workshop=workshop, item=item)
