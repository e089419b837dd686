"""Parties (the sides of the conflict): name, short description, order; sizes for staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from app import policy
from app.audit import service as audit
from app.errors import Conflict, Inconsistent, NotFound
from app.forms import clean_text
from app.live.bus import changed
from app.policy import Viewer
from app.roster.models import Participant
from app.workshops import ordering
from app.workshops.models import Party, Workshop
from app.workshops.state import ensure_writable
from app.workshops.validate import Checks, clean_direction


def list_parties(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[Party]:
    """The parties, for staff only: a party label is identifying, participants never get one."""
    policy.ensure(viewer, "parties.read", workshop)
    statement = (
        policy.visible(select(Party), viewer, Party)
        .where(col(Party.workshop_id) == workshop.id)
        .order_by(col(Party.position), col(Party.name))
    )
    return list(db.exec(statement))


def sizes(db: Session, workshop: Workshop, *, viewer: Viewer) -> dict[str, int]:
    """Participants per party (revoked ones not counted). Staff only: `parties.sizes`."""
    return policy.party_sizes(db, workshop, viewer=viewer)


def _clean(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    checks = Checks(data, partial=partial)
    checks.field("name", clean_text, label="Name", max_length=120)
    checks.field(
        "description",
        clean_text,
        label="Description",
        max_length=1000,
        required=False,
        multiline=True,
    )
    return checks.done()


def _get(db: Session, workshop: Workshop, party_id: str, viewer: Viewer) -> Party:
    for party in list_parties(db, workshop, viewer=viewer):
        if party.id == party_id:
            return party
    raise NotFound()


def _writable(viewer: Viewer, workshop: Workshop) -> None:
    policy.ensure(viewer, "workshop.manage", workshop)
    ensure_writable(workshop)


def _taken(db: Session, workshop: Workshop, name: str, viewer: Viewer, skip: str = "") -> bool:
    return any(
        p.name.casefold() == name.casefold() and p.id != skip
        for p in list_parties(db, workshop, viewer=viewer)
    )


def add(db: Session, *, viewer: Viewer, workshop: Workshop, data: Mapping[str, Any]) -> Party:
    _writable(viewer, workshop)
    cleaned = _clean(data, partial=False)
    if _taken(db, workshop, cleaned["name"], viewer):
        raise Inconsistent("There is already a party with this name.", field="name")
    rows = list_parties(db, workshop, viewer=viewer)
    party = Party(workshop_id=workshop.id, position=ordering.next_position(rows), **cleaned)
    db.add(party)
    db.flush()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="party.add", target=party)
    changed(db, workshop.id, "workshop")
    return party


def update(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    party_id: str,
    data: Mapping[str, Any],
    partial: bool = False,
) -> Party:
    _writable(viewer, workshop)
    party = _get(db, workshop, party_id, viewer)
    cleaned = _clean(data, partial=partial)
    if "name" in cleaned and _taken(db, workshop, cleaned["name"], viewer, skip=party.id):
        raise Inconsistent("There is already a party with this name.", field="name")
    for key, value in cleaned.items():
        setattr(party, key, value)
    db.add(party)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="party.edit", target=party)
    changed(db, workshop.id, "workshop")
    return party


def delete(db: Session, *, viewer: Viewer, workshop: Workshop, party_id: str) -> None:
    """Delete a party that has nobody on the roster (revoked participants included)."""
    _writable(viewer, workshop)
    party = _get(db, workshop, party_id, viewer)
    used = db.exec(
        select(func.count()).select_from(Participant).where(col(Participant.party_id) == party.id)
    ).one()
    if used:
        raise Conflict("This party has participants on the roster; it cannot be deleted.")
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="party.delete", target=party)
    db.delete(party)
    db.flush()
    ordering.renumber(db, list_parties(db, workshop, viewer=viewer))
    changed(db, workshop.id, "workshop")


def move(
    db: Session, *, viewer: Viewer, workshop: Workshop, party_id: str, direction: object
) -> None:
    _writable(viewer, workshop)
    way = clean_direction(direction)
    if ordering.move(db, list_parties(db, workshop, viewer=viewer), party_id, way):
        changed(db, workshop.id, "workshop")
