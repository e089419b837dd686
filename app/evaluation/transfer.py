"""The transfer log: what staff did with the workshop's output after the room, and what came
of it. It links released-summary items to destinations, days and staff, never to a
participant, and survives archive (archive leaves it alone)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app import policy
from app.accounts.models import User
from app.audit import service as audit
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.evaluation.models import TransferEntry
from app.forms import clean_choice, clean_date, clean_text
from app.policy import Viewer
from app.summary import attribution, checklist, released
from app.workshops import service as workshops
from app.workshops.models import Membership, Workshop

MAX_DESTINATION = 300
MAX_OUTCOME = 1000
WHOLE = "whole"


@dataclass(frozen=True)
class SummaryItemRef:
    """An item of the released summary, numbered in the document's order."""

    number: int
    title: str


@dataclass(frozen=True)
class StaffRef:
    user_id: str
    name: str


def workshop_for(db: Session, workshop_id: str, *, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="transfer.read")


def summary_items(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[SummaryItemRef]:
    """The items of the released summary (none before a release)."""
    if not policy.allowed(viewer, "summary.edit", workshop):
        return []
    kept = released.read(db, workshop, viewer=viewer, fmt="json")
    if kept is None:
        return []
    document = json.loads(kept.body)
    titles = [
        str(item.get("title", ""))
        for session in document.get("sessions", [])
        for item in session.get("items", [])
    ]
    return [SummaryItemRef(n, title) for n, title in enumerate(titles, start=1)]


def staff_of(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[StaffRef]:
    """The workshop's staff, by name, to say who briefed."""
    policy.ensure(viewer, "transfer.read", workshop)
    statement = policy.visible(select(Membership), viewer, Membership).where(
        col(Membership.workshop_id) == workshop.id
    )
    ids = [m.user_id for m in db.exec(statement)]
    users = db.exec(select(User).where(col(User.id).in_(ids)).order_by(col(User.display_name)))
    return [StaffRef(u.id, u.display_name or u.email) for u in users]


def entries(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[TransferEntry]:
    policy.ensure(viewer, "transfer.read", workshop)
    statement = policy.visible(select(TransferEntry), viewer, TransferEntry).where(
        col(TransferEntry.workshop_id) == workshop.id
    )
    order = (col(TransferEntry.briefed_on), col(TransferEntry.id))
    return list(db.exec(statement.order_by(*order)))


def export(db: Session, workshop: Workshop, *, viewer: Viewer, fmt: str) -> list[TransferEntry]:
    """The entries of the transfer log's report, as every export is made: after the
    attribution check over its text (Conflict while it finds anything), and audit-logged."""
    found = entries(db, workshop, viewer=viewer)
    texts = [t for e in found for t in (e.item_title, e.destination, e.outcome)]
    if attribution.any_hit(texts, checklist.for_workshop(db, workshop)):
        raise Conflict(
            "The transfer log's text matches the attribution check list (a roster name, an "
            "affiliation, a party or a listed term). Edit the log first."
        )
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="transfer.export", detail=fmt)
    return found


def _entry(db: Session, workshop: Workshop, entry_id: str, viewer: Viewer) -> TransferEntry:
    found = {e.id: e for e in entries(db, workshop, viewer=viewer)}.get(entry_id)
    if found is None:
        raise NotFound()
    return found


def _stored(value: object, *, field: str, label: str, choices: tuple[str, ...]) -> str:
    """One of what is stored: anything else is Inconsistent (409), not malformed."""
    try:
        return clean_choice(str(value), field=field, label=label, choices=choices)
    except Invalid as exc:
        raise Inconsistent(exc.message, field=field) from None


def record(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item: object,
    destination: object,
    briefed_on: object,
    by: object,
    outcome: object = "",
) -> TransferEntry:
    """Record a briefing: `item` is a released-summary item number, or "whole"."""
    policy.ensure(viewer, "transfer.record", workshop)
    items = {str(i.number): i for i in summary_items(db, workshop, viewer=viewer)}
    choice = _stored(item or WHOLE, field="item", label="Summary item", choices=(WHOLE, *items))
    place = clean_text(
        destination, field="destination", label="Briefed to", max_length=MAX_DESTINATION
    )
    day = clean_date(briefed_on, field="briefed_on", label="On", required=True)
    staff = {s.user_id: s for s in staff_of(db, workshop, viewer=viewer)}
    who = _stored(by or "", field="by", label="By", choices=tuple(staff))
    said = clean_text(
        outcome, field="outcome", label="Outcome", max_length=MAX_OUTCOME, required=False
    )
    assert isinstance(day, date)
    if day.year < 1990:
        raise Invalid("Give the day it happened.", field="briefed_on")
    ref = items.get(choice)
    entry = TransferEntry(
        workshop_id=workshop.id,
        item_number=ref.number if ref else None,
        item_title=ref.title if ref else "",
        destination=place,
        briefed_on=day,
        by_user_id=who,
        outcome=said,
    )
    db.add(entry)
    db.flush()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="transfer.record")
    return entry


def set_outcome(
    db: Session, *, viewer: Viewer, workshop: Workshop, entry_id: str, outcome: object
) -> TransferEntry:
    """What came of a briefing, written later ("cited in a policy paper", "no response")."""
    policy.ensure(viewer, "transfer.record", workshop)
    entry = _entry(db, workshop, entry_id, viewer)
    entry.outcome = clean_text(
        outcome, field="outcome", label="Outcome", max_length=MAX_OUTCOME, required=False
    )
    db.add(entry)
    db.flush()
    return entry


def delete(db: Session, *, viewer: Viewer, workshop: Workshop, entry_id: str) -> None:
    policy.ensure(viewer, "transfer.record", workshop)
    db.delete(_entry(db, workshop, entry_id, viewer))
    db.flush()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="transfer.delete")
