"""Sessions (Meeting rows) and their agenda items: definitions, order and levels.

The live room owns an item's runtime (state, intake, timer, reveals); this module owns what
an item is. When a level may change is the policy's (app/policy/levels.py). Tightening a
level clears the opted-in attribution of the item's proposals at once, and every change is
logged and announced in the room (the item's `level_was`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import policy
from app.agenda import versions
from app.agenda.models import AgendaItem, Meeting
from app.audit import service as audit
from app.errors import Conflict, NotFound
from app.forms import clean_choice, clean_date, clean_int, clean_text
from app.live.bus import changed
from app.policy import LEVEL_STRICTNESS, Viewer
from app.room.models import Proposal
from app.workshops import ordering
from app.workshops.models import Workshop
from app.workshops.state import ensure_writable
from app.workshops.validate import Checks, clean_clock, clean_direction, clean_level

KINDS = {
    "plenary": "Plenary discussion",
    "contribution": "Contribution round",
    "text": "Negotiating text",
    "break": "Break",
}
KIND_ALIASES = {"round": "contribution"}  # the name used in early briefs
PHASES = {
    "opening": "Opening",
    "needs_fears": "Needs and fears",
    "brainstorming": "Joint brainstorming",
    "evaluating": "Evaluating options",
    "ways_forward": "Ways forward",
    "closing": "Closing",
}


@dataclass
class SessionAgenda:
    meeting: Meeting
    items: list[AgendaItem] = field(default_factory=list)


def started(item: AgendaItem) -> bool:
    return item.state != "planned"


# -- reading ---------------------------------------------------------------------------------


def list_sessions(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[Meeting]:
    policy.ensure(viewer, "workshop.read", workshop)
    statement = (
        policy.visible(select(Meeting), viewer, Meeting)
        .where(col(Meeting.workshop_id) == workshop.id)
        .order_by(col(Meeting.position))
    )
    return list(db.exec(statement))


def list_items(
    db: Session, workshop: Workshop, *, viewer: Viewer, meeting_id: str | None = None
) -> list[AgendaItem]:
    policy.ensure(viewer, "workshop.read", workshop)
    statement = policy.visible(select(AgendaItem), viewer, AgendaItem).where(
        col(AgendaItem.workshop_id) == workshop.id
    )
    if meeting_id is not None:
        statement = statement.where(col(AgendaItem.meeting_id) == meeting_id)
    return list(db.exec(statement.order_by(col(AgendaItem.position))))


def agenda(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[SessionAgenda]:
    """Every session with its items, in order."""
    groups = [SessionAgenda(m) for m in list_sessions(db, workshop, viewer=viewer)]
    by_id = {g.meeting.id: g for g in groups}
    for item in list_items(db, workshop, viewer=viewer):
        group = by_id.get(item.meeting_id)
        if group is not None:
            group.items.append(item)
    return groups


def get_session(db: Session, workshop: Workshop, meeting_id: str, *, viewer: Viewer) -> Meeting:
    for meeting in list_sessions(db, workshop, viewer=viewer):
        if meeting.id == meeting_id:
            return meeting
    raise NotFound()


def get_item(db: Session, workshop: Workshop, item_id: str, *, viewer: Viewer) -> AgendaItem:
    if len(item_id) > 64:
        raise NotFound()
    policy.ensure(viewer, "workshop.read", workshop)
    statement = policy.visible(select(AgendaItem), viewer, AgendaItem).where(
        col(AgendaItem.workshop_id) == workshop.id, col(AgendaItem.id) == item_id
    )
    item = db.exec(statement).first()
    if item is None:
        raise NotFound()
    return item


# -- checks ----------------------------------------------------------------------------------


def _editable(viewer: Viewer, workshop: Workshop) -> None:
    policy.ensure(viewer, "agenda.edit", workshop)
    ensure_writable(workshop)


def _clean_session(
    data: Mapping[str, Any], *, partial: bool, current: Meeting | None = None
) -> dict[str, Any]:
    checks = Checks(data, partial=partial)
    checks.field("title", clean_text, label="Title", max_length=200)
    checks.field("day", clean_date, label="Date")
    checks.field("start_time", clean_clock, label="Start time")
    checks.field("end_time", clean_clock, label="End time")
    checks.field("place", clean_text, label="Place", max_length=200, required=False)
    checks.field("level", clean_level)
    start = checks.out.get("start_time", current.start_time if current else None)
    end = checks.out.get("end_time", current.end_time if current else None)
    if start and end and end <= start:
        checks.fail("end_time", "The end time must be after the start time.")
    return checks.done()


def _clean_item(data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    kind = data.get("kind")
    if isinstance(kind, str) and kind in KIND_ALIASES:
        data = {**data, "kind": KIND_ALIASES[kind]}
    checks = Checks(data, partial=partial)
    checks.field("title", clean_text, label="Title", max_length=200)
    checks.field(
        "description",
        clean_text,
        label="Description",
        max_length=4000,
        required=False,
        multiline=True,
    )
    checks.field("kind", clean_choice, label="Kind", choices=KINDS)
    checks.field("phase", clean_choice, label="Phase", choices=PHASES)
    checks.field(
        "duration_minutes", clean_int, label="Planned duration", minimum=1, maximum=24 * 60
    )
    if data.get("level") in (None, ""):
        if not partial or "level" in data:
            checks.out["level"] = None  # the session's level
    else:
        checks.field("level", clean_level)
    return checks.done()


def _set_item_level(
    db: Session, viewer: Viewer, workshop: Workshop, item: AgendaItem, level: str
) -> None:
    """Change an item's level: logged, announced in the room, and off the record or under
    the Chatham House Rule no proposal of it keeps an attribution."""
    old = item.level
    item.level, item.level_was = level, old
    db.add(item)
    if level != "on_record":
        db.exec(
            update(Proposal)
            .where(col(Proposal.item_id) == item.id, col(Proposal.workshop_id) == workshop.id)
            .values(attribution=None)
        )
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="item.level",
        target=item,
        detail=f"{old} -> {level}",
    )
    changed(db, workshop.id, "agenda", "proposals")


# -- sessions --------------------------------------------------------------------------------


def add_session(
    db: Session, *, viewer: Viewer, workshop: Workshop, data: Mapping[str, Any]
) -> Meeting:
    _editable(viewer, workshop)
    values = dict(data)
    if not values.get("level"):
        values["level"] = workshop.default_level
    cleaned = _clean_session(values, partial=False)
    rows = list_sessions(db, workshop, viewer=viewer)
    meeting = Meeting(workshop_id=workshop.id, position=ordering.next_position(rows), **cleaned)
    db.add(meeting)
    db.flush()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="session.add", target=meeting)
    changed(db, workshop.id, "agenda")
    return meeting


def update_session(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    meeting_id: str,
    data: Mapping[str, Any],
    partial: bool = False,
) -> Meeting:
    """Edit a session. A stricter level also tightens its items that are less strict; a
    relaxed level (only before any of its items has started) is the default for new items and
    for the items that had the old level."""
    _editable(viewer, workshop)
    meeting = get_session(db, workshop, meeting_id, viewer=viewer)
    cleaned = _clean_session(data, partial=partial, current=meeting)
    items = list_items(db, workshop, viewer=viewer, meeting_id=meeting.id)
    if "level" in cleaned:
        policy.check_session_level(meeting, cleaned["level"], items)
    old_level = meeting.level
    for key, value in cleaned.items():
        setattr(meeting, key, value)
    db.add(meeting)
    new_level = meeting.level
    if new_level != old_level:
        stricter = LEVEL_STRICTNESS[new_level] > LEVEL_STRICTNESS[old_level]
        for item in items:
            tighten = stricter and LEVEL_STRICTNESS[item.level] < LEVEL_STRICTNESS[new_level]
            follow = not stricter and item.level == old_level
            if tighten or follow:
                _set_item_level(db, viewer, workshop, item, new_level)
        audit.record(
            db,
            viewer=viewer,
            workshop_id=workshop.id,
            action="session.level",
            target=meeting,
            detail=f"{old_level} -> {new_level}",
        )
    changed(db, workshop.id, "agenda")
    return meeting


def delete_session(db: Session, *, viewer: Viewer, workshop: Workshop, meeting_id: str) -> None:
    _editable(viewer, workshop)
    meeting = get_session(db, workshop, meeting_id, viewer=viewer)
    if any(started(i) for i in list_items(db, workshop, viewer=viewer, meeting_id=meeting.id)):
        raise Conflict("This session has items that have started; it cannot be deleted.")
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="session.delete", target=meeting
    )
    for item in list_items(db, workshop, viewer=viewer, meeting_id=meeting.id):
        versions.remove(db, workshop=workshop, item=item)
        db.delete(item)
    db.delete(meeting)
    db.flush()
    ordering.renumber(db, list_sessions(db, workshop, viewer=viewer))
    changed(db, workshop.id, "agenda")


def move_session(
    db: Session, *, viewer: Viewer, workshop: Workshop, meeting_id: str, direction: object
) -> None:
    _editable(viewer, workshop)
    way = clean_direction(direction)
    if ordering.move(db, list_sessions(db, workshop, viewer=viewer), meeting_id, way):
        changed(db, workshop.id, "agenda")


# -- items -----------------------------------------------------------------------------------


def add_item(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    meeting_id: str,
    data: Mapping[str, Any],
) -> AgendaItem:
    _editable(viewer, workshop)
    meeting = get_session(db, workshop, meeting_id, viewer=viewer)
    values = {"kind": "plenary", "phase": "opening", "duration_minutes": 30, **dict(data)}
    cleaned = _clean_item(values, partial=False)
    texts = versions.clean(values, workshop)
    if not cleaned.get("level"):
        cleaned["level"] = meeting.level
    rows = list_items(db, workshop, viewer=viewer, meeting_id=meeting.id)
    item = AgendaItem(
        workshop_id=workshop.id,
        meeting_id=meeting.id,
        position=ordering.next_position(rows),
        **cleaned,
    )
    db.add(item)
    db.flush()
    versions.save(db, workshop=workshop, item=item, texts=texts, current={})
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="item.add", target=item)
    changed(db, workshop.id, "agenda")
    return item


def update_item(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item_id: str,
    data: Mapping[str, Any],
    partial: bool = False,
) -> AgendaItem:
    _editable(viewer, workshop)
    item = get_item(db, workshop, item_id, viewer=viewer)
    cleaned = _clean_item(data, partial=partial)
    current = versions.load(db, workshop, [item.id], viewer=viewer)[item.id]
    texts = versions.clean(data, workshop, current)
    if "level" in cleaned and cleaned["level"] is None:
        cleaned["level"] = get_session(db, workshop, item.meeting_id, viewer=viewer).level
    level = cleaned.pop("level", item.level)
    if level != item.level:
        siblings = list_items(db, workshop, viewer=viewer, meeting_id=item.meeting_id)
        policy.check_item_level(item, level, siblings)
    for key, value in cleaned.items():
        setattr(item, key, value)
    db.add(item)
    versions.save(db, workshop=workshop, item=item, texts=texts, current=current)
    if level != item.level:
        _set_item_level(db, viewer, workshop, item, level)
    changed(db, workshop.id, "agenda")
    return item


def set_level(
    db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str, level: object
) -> AgendaItem:
    """Change only the level (the console may use this while the item runs)."""
    return update_item(
        db, viewer=viewer, workshop=workshop, item_id=item_id, data={"level": level}, partial=True
    )


def delete_item(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> None:
    _editable(viewer, workshop)
    item = get_item(db, workshop, item_id, viewer=viewer)
    if started(item):
        raise Conflict("This item has started; it cannot be deleted.")
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="item.delete", target=item)
    meeting_id = item.meeting_id
    versions.remove(db, workshop=workshop, item=item)
    db.delete(item)
    db.flush()
    ordering.renumber(db, list_items(db, workshop, viewer=viewer, meeting_id=meeting_id))
    changed(db, workshop.id, "agenda")


def move_item(
    db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str, direction: object
) -> None:
    """Move an item up or down within its session."""
    _editable(viewer, workshop)
    way = clean_direction(direction)
    item = get_item(db, workshop, item_id, viewer=viewer)
    rows = list_items(db, workshop, viewer=viewer, meeting_id=item.meeting_id)
    if ordering.move(db, rows, item_id, way):
        changed(db, workshop.id, "agenda")
