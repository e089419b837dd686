"""Workshops: create, read through the policy, edit, and the lifecycle.

What each state allows (enforced here and in the services that call `ensure_writable`):

- draft: staff prepare everything; participants cannot enter or claim invitations.
- open: participants join, read the agenda and accept the ground rules.
- live: the room runs (contributions are taken).
- closed: no new contributions; reading, notes and the summary go on.
- archived: read-only for everyone; nothing can change any more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from app import policy
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.config import Settings
from app.errors import Archived, Conflict, Inconsistent, NotFound
from app.forms import clean_choice, clean_date, clean_int, clean_text
from app.i18n import gettext, translate
from app.ids import utcnow
from app.live.bus import changed
from app.policy import Viewer
from app.rules.models import GroundRule
from app.rules.service import insert_starter_set, translate_starter_set
from app.security import keys
from app.two_step import service as two_step
from app.views import STATUS_LABELS
from app.workshops import purpose
from app.workshops.models import Membership, Workshop, WorkshopKey
from app.workshops.state import ensure_writable
from app.workshops.validate import (
    Checks,
    clean_flag,
    clean_languages,
    clean_level,
    clean_optional_int,
    clean_timezone,
)

TRACKS = {"track1_5": "Track 1.5", "track2": "Track 2", "track3": "Track 3"}
STATUSES = ("draft", "open", "live", "closed", "archived")
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"open"}),
    "open": frozenset({"draft", "live", "closed"}),
    "live": frozenset({"open", "closed"}),
    "closed": frozenset({"live", "archived"}),
    "archived": frozenset(),
}
MIN_K = policy.K_FLOOR
MAX_K = 100
EDITABLE_FIELDS = (
    "title",
    "purpose",
    "track",
    "start_date",
    "end_date",
    "timezone",
    "languages",
    "k_min",
    "default_level",
    "archive_after_days",
    "staff_two_step",
)


def get(
    db: Session, workshop_id: str, *, viewer: Viewer, action: str = "workshop.read"
) -> Workshop:
    """The workshop if the viewer may do `action` in it; NotFound otherwise.

    `policy.ensure` decides on the row itself (role in this workshop, and for participants
    its state), exactly what the list filter `policy.visible(..., Workshop)` encodes; loading
    by primary key lets the session's identity map answer without a query when the viewer's
    resolution already loaded the workshop (every participant request does).
    """
    if len(workshop_id) > 64:
        raise NotFound()
    workshop = db.get(Workshop, workshop_id)
    try:
        return policy.ensure(viewer, action, workshop)  # type: ignore[no-any-return]
    except NotFound:
        if workshop is not None and workshop.status == "archived" and not viewer.is_staff:
            raise Archived() from None
        raise


def list_for(db: Session, *, viewer: Viewer) -> list[Workshop]:
    statement = policy.visible(select(Workshop), viewer, Workshop).order_by(
        col(Workshop.start_date).desc(), col(Workshop.title)
    )
    return list(db.exec(statement))


def held_back(db: Session, *, viewer: Viewer) -> list[Workshop]:
    """The viewer's workshops that require two-step sign-in they do not have yet (only their
    titles are shown, to say so: app.policy.two_step)."""
    if not viewer.held_back:
        return []
    statement = select(Workshop).where(col(Workshop.id).in_(sorted(viewer.held_back)))
    return list(db.exec(statement.order_by(col(Workshop.title))))


def clean_fields(
    data: Mapping[str, Any], settings: Settings, *, partial: bool, current: Workshop | None = None
) -> dict[str, Any]:
    """Check the editable fields of a workshop; every refusal is reported next to its field."""
    checks = Checks(data, partial=partial)
    checks.field("title", clean_text, label="Title", max_length=200)
    checks.field(
        "purpose", clean_text, label="Purpose", max_length=4000, required=False, multiline=True
    )
    checks.field("track", clean_choice, label="Track", choices=TRACKS)
    checks.field("start_date", clean_date, label="First day")
    checks.field("end_date", clean_date, label="Last day")
    checks.field("timezone", clean_timezone)
    checks.field("languages", clean_languages)
    checks.field("k_min", clean_int, label="Minimum group size k", minimum=MIN_K, maximum=MAX_K)
    checks.field("default_level", clean_level, label="Default confidentiality level")
    checks.field(
        "archive_after_days",
        clean_optional_int,
        label="Archive after (days)",
        minimum=1,
        maximum=3650,
    )
    checks.field("staff_two_step", clean_flag, label="Staff must use two-step sign-in")
    start = checks.out.get("start_date", current.start_date if current else None)
    end = checks.out.get("end_date", current.end_date if current else None)
    if start and end and end < start:
        checks.fail("end_date", "The last day cannot be before the first day.")
    return checks.done()


def create(
    db: Session, settings: Settings, *, viewer: Viewer, title: str, **fields: object
) -> Workshop:
    """Create a workshop with the starter ground rules; its creator becomes its first organizer."""
    if not viewer.is_staff or viewer.user_id is None:
        raise NotFound()
    data: dict[str, Any] = {"title": title, **fields}
    cleaned = clean_fields(data, settings, partial=True)
    cleaned.setdefault("k_min", max(settings.default_k, MIN_K))
    policy.check_two_step_requirement(
        turning_on=bool(cleaned.get("staff_two_step")),
        has_two_step=two_step.is_active(db, viewer.user_id),
    )
    workshop = Workshop(**cleaned)
    db.add(workshop)
    db.flush()
    db.add(
        WorkshopKey(
            workshop_id=workshop.id,
            wrapped=keys.wrap(settings, workshop.id, keys.new_workshop_key()),
        )
    )
    db.add(Membership(workshop_id=workshop.id, user_id=viewer.user_id, role="organizer"))
    insert_starter_set(db, workshop)
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="workshop.create", target=workshop
    )
    db.flush()
    return workshop


def update(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    data: Mapping[str, Any],
    partial: bool = False,
) -> Workshop:
    """Edit the workshop's settings (organizers), in any state but archived."""
    policy.ensure(viewer, "workshop.manage", workshop)
    ensure_writable(workshop)
    cleaned = clean_fields(data, settings, partial=partial, current=workshop)
    required = cleaned.pop("staff_two_step", workshop.staff_two_step)
    if required != workshop.staff_two_step:
        policy.check_two_step_requirement(
            turning_on=required, has_two_step=two_step.is_active(db, viewer.user_id)
        )
        workshop.staff_two_step = required
        audit.record(
            db,
            viewer=viewer,
            workshop_id=workshop.id,
            action="workshop.two_step",
            target=workshop,
            detail="staff must use two-step sign-in" if required else "two-step sign-in optional",
        )
    texts = purpose.clean(data, workshop)  # in the languages the form was drawn for
    changes = sorted(k for k, v in cleaned.items() if getattr(workshop, k) != v)
    if purpose.save(db, viewer=viewer, workshop=workshop, texts=texts):
        changes.append("purpose (translations)")
    for key, value in cleaned.items():
        setattr(workshop, key, value)
    db.add(workshop)
    if "languages" in changes:  # the starter rules, in each language the workshop gained
        translate_starter_set(db, viewer=viewer, workshop=workshop)
    if changes:
        audit.record(
            db,
            viewer=viewer,
            workshop_id=workshop.id,
            action="workshop.edit",
            target=workshop,
            detail="changed: " + ", ".join(changes),
        )
        changed(db, workshop.id, "workshop")
    return workshop


def _count(db: Session, model: Any, workshop_id: str) -> int:
    statement = select(func.count()).select_from(model).where(model.workshop_id == workshop_id)
    return int(db.exec(statement).one())


def transition(db: Session, *, viewer: Viewer, workshop: Workshop, to: object) -> Workshop:
    """Move the workshop along its lifecycle; archiving goes through `archive()`."""
    policy.ensure(viewer, "workshop.manage", workshop)
    target = clean_choice(to, field="status", label="State", choices=STATUSES)
    if target == "archived":
        raise Conflict("Archiving needs the title typed as confirmation: use the archive page.")
    if target not in TRANSITIONS[workshop.status]:
        raise Conflict(
            translate(
                "A workshop cannot go from “%(now)s” to “%(then)s”.",
                now=gettext(STATUS_LABELS[workshop.status]),
                then=gettext(STATUS_LABELS[target]),
            )
        )
    if target == "open" and _count(db, GroundRule, workshop.id) == 0:
        raise Conflict("Write at least one ground rule before opening the workshop.")
    if target == "live" and _count(db, AgendaItem, workshop.id) == 0:
        raise Conflict("Plan at least one agenda item before going live.")
    before = workshop.status
    workshop.status = target
    if target == "closed":
        workshop.closed_at = utcnow()
    elif before == "closed":
        workshop.closed_at = None
    db.add(workshop)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="workshop.status",
        target=workshop,
        detail=f"{before} -> {target}",
    )
    changed(db, workshop.id, "workshop", "agenda")
    return workshop


def archive(db: Session, *, viewer: Viewer, workshop: Workshop, confirm_title: object) -> Workshop:
    """Archive a closed workshop (read-only from then on); the title must be typed to confirm."""
    policy.ensure(viewer, "workshop.manage", workshop)
    ensure_writable(workshop)
    if workshop.status != "closed":
        raise Conflict("Close the workshop before archiving it.")
    typed = clean_text(
        confirm_title, field="confirm_title", label="Confirmation", max_length=400, required=True
    )
    if typed != workshop.title:
        raise Inconsistent(
            "Type the workshop's title exactly as shown to confirm.", field="confirm_title"
        )
    workshop.status = "archived"
    workshop.archived_at = utcnow()
    db.add(workshop)
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="workshop.archive", target=workshop
    )
    changed(db, workshop.id, "workshop")
    return workshop


def data_key(db: Session, settings: Settings, workshop: Workshop) -> bytes:
    """The workshop's data key, unwrapped; Conflict once destroyed by archiving."""
    row = db.get(WorkshopKey, workshop.id)
    if row is None:
        raise Conflict("This workshop is archived: its keys were destroyed.")
    return keys.unwrap(settings, workshop.id, row.wrapped)
