"""The agenda item at run time: start, advance, finish, intake, reveal, timer, results.

The item definitions (title, kind, level, order) belong to the agenda feature; this module
only moves an item through planned -> live -> done, one live item at a time.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import ROUND_KINDS, AgendaItem
from app.audit import service as audit
from app.db_order import reinsert_in_random_order
from app.errors import Conflict, Inconsistent
from app.forms import clean_choice, clean_int, clean_text
from app.i18n import translate
from app.ids import new_id, today, utcnow
from app.live.bus import changed
from app.policy import Viewer
from app.room import common, queue, snapshots
from app.room.models import Proposal
from app.workshops.models import Workshop

RUNNING_STATES = frozenset({"open", "live"})
TIMER_ACTIONS = ("start", "pause", "resume", "extend", "clear")


def _facilitate(viewer: Viewer, workshop: Workshop) -> None:
    policy.ensure(viewer, "room.facilitate", workshop)
    if workshop.status not in RUNNING_STATES:
        raise Conflict("Open the workshop before running its agenda.")


def start(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> AgendaItem:
    """Make an item live. Only one item is live at a time: finish the current one first."""
    _facilitate(viewer, workshop)
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    current = common.live_item(db, viewer=viewer, workshop=workshop)
    if current is not None and current.id != item.id:
        raise Conflict("Another item is live. Finish it, or use “Next item”.")
    if item.state == "live":
        return item
    item.state = "live"
    item.started_on = item.started_on or today()
    db.add(item)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="room.start", target=item)
    changed(db, workshop.id, "agenda", "proposals", "results", "queue", "timer")
    return item


def finish(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> AgendaItem:
    """End an item: intake closes, the timer stops, the queue empties."""
    _facilitate(viewer, workshop)
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    if item.state != "live":
        raise Conflict("Only the live item can be finished.")
    item.state = "done"
    item.intake_open = False
    item.timer_ends_at = None
    item.timer_remaining = None
    db.add(item)
    queue.close_for_item(db, viewer=viewer, item=item)
    if item.kind == "contribution":
        snapshots.publish(db, viewer=viewer, workshop=workshop, item=item)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="room.finish", target=item)
    changed(db, workshop.id, "agenda", "proposals", "results", "queue", "timer")
    return item


def advance(db: Session, *, viewer: Viewer, workshop: Workshop) -> AgendaItem | None:
    """Finish the live item and start the next planned one in running order."""
    _facilitate(viewer, workshop)
    rows = common.items(db, viewer=viewer, workshop=workshop)
    current = next((row for row in rows if row.state == "live"), None)
    after = rows[rows.index(current) + 1 :] if current is not None else rows
    upcoming = next((row for row in after if row.state == "planned"), None)
    if upcoming is None:
        upcoming = next((row for row in rows if row.state == "planned"), None)
    if current is None and upcoming is None:
        raise Conflict("There is no planned item left to start.")
    if current is not None:
        finish(db, viewer=viewer, workshop=workshop, item_id=current.id)
    if upcoming is None:
        return None
    return start(db, viewer=viewer, workshop=workshop, item_id=upcoming.id)


def _live(db: Session, viewer: Viewer, workshop: Workshop, item_id: str) -> AgendaItem:
    _facilitate(viewer, workshop)
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    if item.state != "live":
        raise Conflict("Start the item first.")
    return item


def set_intake(
    db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str, open_: bool
) -> AgendaItem:
    item = _live(db, viewer, workshop, item_id)
    if item.kind not in ROUND_KINDS:
        raise Conflict("Only a contribution round takes proposals.")
    item.intake_open = open_
    db.add(item)
    changed(db, workshop.id, "agenda")
    return item


def reveal(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item_id: str,
    override_reason: object = None,
) -> int:
    """Reveal every pending proposal of the item as one batch, each with a fresh random
    shuffle key, so the shown order does not follow submission. Returns how many.

    A batch below `policy.min_batch(workshop)` is refused unless `override_reason` gives a
    reason: the override is audit-logged on its own and announced in the room (the item's
    `small_batch`). The refusal does not say how many are pending (staff may not count
    pending proposals below the minimum: app/policy/pending.py)."""
    item = _live(db, viewer, workshop, item_id)
    pending = list(
        db.exec(
            policy.visible(select(Proposal), viewer, Proposal)
            .where(col(Proposal.item_id) == item.id, col(Proposal.status) == "pending")
            .with_for_update()
        )
    )
    minimum = policy.min_batch(workshop)
    reason = _override_reason(override_reason, minimum) if len(pending) < minimum else ""
    if not pending:
        raise Conflict("There is nothing new to reveal.")
    batch = item.reveals + 1
    for row in sorted(pending, key=lambda r: r.id):  # by random id: no engine's scan order
        row.status = "revealed"
        row.batch = batch
        row.shuffle_key = new_id()
        row.listed = True  # nothing keeps which were the latest arrivals
        db.add(row)
    db.flush()
    # the batch's rows are written again in a random order: storage no longer follows submission
    reinsert_in_random_order(db, Proposal, [row.id for row in pending])
    item.reveals = batch
    item.small_batch = len(pending) if reason else 0
    db.add(item)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="room.reveal.override" if reason else "room.reveal",
        target=item,
        detail=f"batch {batch}: {len(pending)} proposals"
        + (f", below the minimum of {minimum}; reason: {reason}" if reason else ""),
    )
    # Not "agenda": every participant's page refetches four regions on it; the small-batch
    # notice is in the proposals region, which a reveal refreshes.
    changed(db, workshop.id, "proposals", "results")
    return len(pending)


def publish(db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str) -> int:
    """Publish the item's results snapshot now (what may be published: see
    app/room/snapshots.py); returns how many proposals kept their earlier figures."""
    _facilitate(viewer, workshop)
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    if item.kind != "contribution":
        raise Conflict("Only a contribution round has results.")
    snapshot = snapshots.publish(db, viewer=viewer, workshop=workshop, item=item)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="room.results.publish",
        target=item,
        detail=f"snapshot {snapshot.seq}: {snapshot.withheld} withheld",
    )
    changed(db, workshop.id, "results")
    return snapshot.withheld


def _override_reason(value: object, minimum: int) -> str:
    """The reason for revealing fewer than the minimum: required, cleaned text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Conflict(
            translate(
                "A reveal needs at least %(min)s proposals. To reveal fewer, give a reason: "
                "the reveal is logged and announced in the room.",
                min=minimum,
            ),
            field="override_reason",
        )
    return clean_text(value, field="override_reason", label="Reason", max_length=500)


def set_results(
    db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str, shown: bool
) -> AgendaItem:
    _facilitate(viewer, workshop)
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    if item.kind not in ROUND_KINDS:
        raise Conflict("Only a contribution round has results.")
    item.results_shown = shown
    db.add(item)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="room.results.show" if shown else "room.results.hide",
        target=item,
    )
    changed(db, workshop.id, "results", "agenda")
    return item


def timer(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    item_id: str,
    action: str,
    minutes: object = None,
) -> AgendaItem:
    """Start (minutes), pause, resume, extend (minutes) or clear the item's timer."""
    item = _live(db, viewer, workshop, item_id)
    action = clean_choice(action, field="action", label="Timer action", choices=TIMER_ACTIONS)
    now = utcnow()
    ends = item.timer_ends_at
    if ends is not None and ends.tzinfo is None:
        ends = ends.replace(tzinfo=UTC)
    if action in ("start", "extend"):
        count = clean_int(minutes, field="minutes", label="Minutes", minimum=1, maximum=240)
        if action == "start" or (ends is None and item.timer_remaining is None):
            item.timer_ends_at, item.timer_remaining = now + timedelta(minutes=count), None
        elif ends is not None:
            item.timer_ends_at = ends + timedelta(minutes=count)
        else:
            item.timer_remaining = (item.timer_remaining or 0) + count * 60
    elif action == "pause":
        if ends is None:
            raise Inconsistent("The timer is not running.", field="action")
        item.timer_remaining = max(0, int((ends - now).total_seconds()))
        item.timer_ends_at = None
    elif action == "resume":
        if item.timer_remaining is None:
            raise Inconsistent("The timer is not paused.", field="action")
        item.timer_ends_at = now + timedelta(seconds=item.timer_remaining)
        item.timer_remaining = None
    else:
        item.timer_ends_at, item.timer_remaining = None, None
    db.add(item)
    changed(db, workshop.id, "timer")
    return item
