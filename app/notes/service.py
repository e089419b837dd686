"""Notes on a workshop or an agenda item, with a visibility; read and written through the policy.

Participants' notes are always private and carry only an author tag (HMAC of the workshop key
and the participant's secret); staff notes carry the author's user id and role, and are shown
with the role, never the person. Widening a note is an explicit, audit-logged act.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem, Meeting
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.forms import clean_choice, clean_idempotency_key, clean_text
from app.ids import new_id
from app.live.bus import changed
from app.notes.models import Note
from app.notes.present import (
    READERS,
    VISIBILITY_LABELS,
    VISIBILITY_ORDER,
    ItemRef,
    NoteGroup,
    NoteView,
    is_mine,
    item_ref,
)
from app.policy import Viewer
from app.rules import service as rules
from app.security import keys
from app.translations import stale, texts
from app.workshops import service as workshops
from app.workshops.models import Workshop

MAX_BODY = 20000
OFF_RECORD_SUMMARY = "A note on an off-the-record item can never be cleared for the summary."


class NeedsConfirmation(Conflict):
    """Widening a note must be confirmed by its author, who is told who will read it."""

    title = "Please confirm"

    def __init__(self, visibility: str) -> None:
        super().__init__(READERS[visibility] + " Confirm to continue.")
        self.visibility = visibility


def workshop_for(db: Session, workshop_id: str, *, viewer: Viewer) -> Workshop:
    """The workshop whose notes the viewer may read (participants: rules accepted)."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="room.read")
    rules.require_accepted(db, viewer=viewer, workshop=workshop)
    return workshop


def is_wider(old: str, new: str) -> bool:
    return VISIBILITY_ORDER[new] > VISIBILITY_ORDER[old]


def _workshop_key(db: Session, settings: Settings, workshop: Workshop, viewer: Viewer) -> bytes:
    if viewer.secret is None:
        raise Conflict(
            "This device does not hold your authorship key. Sign in again with your recovery "
            "code to write and see your private notes."
        )
    return workshops.data_key(db, settings, workshop)


def _by_key(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer, idem: str
) -> Note | None:
    """The viewer's own note made with this idempotency key, if any."""
    statement = policy.visible(select(Note), viewer, Note).where(
        col(Note.workshop_id) == workshop.id, col(Note.idempotency_key) == idem
    )
    key = _key_or_none(db, settings, workshop, viewer)
    for row in policy.keep_own_notes(db.exec(statement), viewer, key):
        if viewer.is_participant:
            if key is not None and keys.is_mine(key, viewer.secret, "note", row.id, row.author_tag):
                return row  # type: ignore[no-any-return]
        elif viewer.user_id is not None and row.author_user_id == viewer.user_id:
            return row  # type: ignore[no-any-return]
    return None


def _key_or_none(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer
) -> bytes | None:
    if not viewer.is_participant or viewer.secret is None:
        return None
    try:
        return workshops.data_key(db, settings, workshop)
    except Conflict:
        return None


def list_for(db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer) -> list[Note]:
    """The notes of a workshop this viewer may read: theirs, and those shared with them."""
    policy.ensure(viewer, "room.read", workshop)
    statement = (
        policy.visible(select(Note), viewer, Note)
        .where(col(Note.workshop_id) == workshop.id)
        .order_by(col(Note.created_on).desc(), col(Note.id))
    )
    rows = list(db.exec(statement))
    return policy.keep_own_notes(rows, viewer, _key_or_none(db, settings, workshop, viewer))


def get(
    db: Session, settings: Settings, workshop: Workshop, note_id: str, *, viewer: Viewer
) -> Note:
    """One note the viewer may read; NotFound otherwise (also for someone else's note)."""
    policy.ensure(viewer, "room.read", workshop)
    if len(note_id) > 64:
        raise NotFound()
    statement = policy.visible(select(Note), viewer, Note).where(
        col(Note.workshop_id) == workshop.id, col(Note.id) == note_id
    )
    rows = policy.keep_own_notes(
        db.exec(statement), viewer, _key_or_none(db, settings, workshop, viewer)
    )
    if not rows:
        raise NotFound()
    note: Note = rows[0]
    return note


def get_own(
    db: Session, settings: Settings, workshop: Workshop, note_id: str, *, viewer: Viewer
) -> Note:
    """A note the viewer wrote (staff: by user id; participants: proved by tag)."""
    note = get(db, settings, workshop, note_id, viewer=viewer)
    policy.ensure(viewer, "note.write", workshop)
    if not is_mine(note, viewer):
        raise NotFound()
    return note


def items_for(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[AgendaItem]:
    statement = (
        policy.visible(select(AgendaItem), viewer, AgendaItem)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .where(col(AgendaItem.workshop_id) == workshop.id)
        .order_by(col(Meeting.position), col(AgendaItem.position), col(AgendaItem.id))
    )
    return list(db.exec(statement))


def _item(
    db: Session, workshop: Workshop, item_id: str | None, viewer: Viewer
) -> AgendaItem | None:
    if not item_id:
        return None
    statement = policy.visible(select(AgendaItem), viewer, AgendaItem).where(
        col(AgendaItem.workshop_id) == workshop.id, col(AgendaItem.id) == item_id[:64]
    )
    item = db.exec(statement).first()
    if item is None:
        raise Inconsistent("Choose an agenda item of this workshop.", field="item_id")
    return item


def choices_for(viewer: Viewer, workshop: Workshop) -> list[str]:
    """The visibilities this viewer may give a note (the policy's rule)."""
    return list(policy.note_visibilities(viewer, workshop.id))


def _visibility(viewer: Viewer, workshop: Workshop, value: str, item: AgendaItem | None) -> str:
    visibility = clean_choice(
        value, field="visibility", label="Visibility", choices=tuple(VISIBILITY_LABELS)
    )
    if viewer.is_participant and visibility != "private":
        raise Inconsistent("Participants' notes are always private.", field="visibility")
    if visibility not in choices_for(viewer, workshop):
        raise Inconsistent("You cannot share a note this way.", field="visibility")
    if visibility == "summary" and not policy.may_clear_for_summary(item):
        raise Inconsistent(OFF_RECORD_SUMMARY, field="visibility")
    return visibility


def _writable(workshop: Workshop) -> None:
    if workshop.status == "archived":
        raise Conflict("An archived workshop cannot change.")


def _clean_body(body: str) -> str:
    return clean_text(body, field="body", label="Note", max_length=MAX_BODY, multiline=True)


def create(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    body: str,
    item_id: str | None = None,
    visibility: str = "private",
    idempotency_key: object = None,
) -> Note:
    """Write a note. A participant's is private and tagged; staff may share theirs at once.
    A repeated submission with the same idempotency key returns the note it created."""
    policy.ensure(viewer, "note.write", workshop)
    _writable(workshop)
    idem = clean_idempotency_key(idempotency_key)
    if idem is not None:
        existing = _by_key(db, settings, workshop, viewer, idem)
        if existing is not None:
            return existing
    errors: dict[str, str] = {}
    refusals: list[Invalid] = []
    text = item = None
    chosen = "private"
    try:
        text = _clean_body(body)
    except Invalid as exc:
        refusals.append(exc)
    try:
        item = _item(db, workshop, item_id, viewer)
    except Invalid as exc:
        refusals.append(exc)
    try:
        chosen = _visibility(viewer, workshop, visibility, item)
    except Invalid as exc:
        refusals.append(exc)
    for refusal in refusals:
        errors.update(refusal.errors)
    if refusals and all(isinstance(r, Inconsistent) for r in refusals):
        raise Inconsistent(errors=errors)  # each value fine, not with this workshop or viewer
    if errors or text is None:
        raise Invalid(errors=errors)
    note = Note(
        id=new_id(),
        workshop_id=workshop.id,
        item_id=item.id if item is not None else None,
        visibility=chosen,
        body=text,
        author_role="participant",
        idempotency_key=idem,
    )
    if viewer.is_participant:
        key = _workshop_key(db, settings, workshop, viewer)
        assert viewer.secret is not None
        note.author_tag = keys.author_tag(key, viewer.secret, "note", note.id)
    else:
        note.author_user_id = viewer.user_id
        note.author_role = viewer.role_in(workshop.id) or "observer"
    try:
        with db.begin_nested():  # two copies of one submission racing: the second finds it
            db.add(note)
            db.flush()
    except IntegrityError:
        existing = _by_key(db, settings, workshop, viewer, idem) if idem else None
        if existing is None:
            raise Invalid(
                "This form is missing its key. Reload the page and try again.", field="form"
            ) from None
        return existing
    if note.visibility != "private":
        audit.record(
            db,
            viewer=viewer,
            workshop_id=workshop.id,
            action="note.create",
            target=note,
            detail=note.visibility,
        )
        changed(db, workshop.id, "notes")
    return note


def edit(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, note_id: str, body: str
) -> Note:
    """Change the text of one's own note."""
    note = get_own(db, settings, workshop, note_id, viewer=viewer)
    _writable(workshop)
    cleaned = _clean_body(body)
    if cleaned != note.body:
        stale.forget(db, "note", note.id)
    note.body = cleaned
    db.add(note)
    if note.visibility != "private":
        changed(db, workshop.id, "notes")
    return note


def delete(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, note_id: str
) -> None:
    """Delete one's own note."""
    note = get_own(db, settings, workshop, note_id, viewer=viewer)
    _writable(workshop)
    shared = note.visibility != "private"
    if shared:
        audit.record(
            db,
            viewer=viewer,
            workshop_id=workshop.id,
            action="note.delete",
            target=note,
            detail=note.visibility,
        )
    stale.forget(db, "note", note.id)
    db.delete(note)
    if shared:
        changed(db, workshop.id, "notes")


def check_visibility(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    note_id: str,
    visibility: str,
) -> Note:
    """Validate a change of visibility without making it (for the confirmation page)."""
    note = get_own(db, settings, workshop, note_id, viewer=viewer)
    _visibility(viewer, workshop, visibility, _item(db, workshop, note.item_id, viewer))
    return note


def set_visibility(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    note_id: str,
    visibility: str,
    confirmed: bool = False,
) -> Note:
    """Narrow at once; widen only when confirmed. Either way the audit log records it."""
    note = check_visibility(
        db, settings, viewer=viewer, workshop=workshop, note_id=note_id, visibility=visibility
    )
    _writable(workshop)
    old = note.visibility
    if visibility == old:
        return note
    if is_wider(old, visibility) and not confirmed:
        raise NeedsConfirmation(visibility)
    note.visibility = visibility
    db.add(note)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="note.visibility",
        target=note,
        detail=f"{old}->{visibility}",
    )
    changed(db, workshop.id, "notes")
    return note


def grouped(
    db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer
) -> tuple[list[NoteGroup], list[ItemRef]]:
    """The viewer's readable notes grouped by agenda item (general notes first), and the items."""
    notes = list_for(db, settings, workshop, viewer=viewer)
    items = [item_ref(item) for item in items_for(db, workshop, viewer=viewer)]
    views: list[NoteView] = policy.present_all(notes, viewer)
    found = texts.beside(
        db, viewer=viewer, workshop=workshop, kind="note", ids=[n.id for n in notes]
    )
    views = [
        replace(
            v,
            translation=found[v.id].text,
            translation_lang=found[v.id].lang,
            translation_language=found[v.id].language,
        )
        if v.id in found
        else v
        for v in views
    ]
    groups: list[NoteGroup] = []
    general = [v for v in views if v.item_id is None]
    if general:
        groups.append(NoteGroup(item=None, notes=general))
    for ref in items:
        mine = [v for v in views if v.item_id == ref.id]
        if mine:
            groups.append(NoteGroup(item=ref, notes=mine))
    return groups, items
