"""Moderation without authors: hide with a reason, merge duplicates, edit for clarity, themes.

Staff act on the text alone; nothing here reads or shows an author tag.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import policy
from app.audit import service as audit
from app.errors import Conflict, Inconsistent, NotFound
from app.forms import clean_text
from app.live.bus import changed
from app.policy import Viewer
from app.room import common
from app.room.models import Proposal, Theme
from app.translations import stale
from app.workshops.models import Workshop


def _moderated(db: Session, viewer: Viewer, workshop: Workshop, proposal_id: str) -> Proposal:
    policy.ensure(viewer, "room.facilitate", workshop)
    row = common.proposal(db, viewer=viewer, workshop=workshop, proposal_id=proposal_id)
    if row.status == "withdrawn":
        raise NotFound()
    return row


def hide(
    db: Session, *, viewer: Viewer, workshop: Workshop, proposal_id: str, reason: object
) -> Proposal:
    row = _moderated(db, viewer, workshop, proposal_id)
    row.hide_reason = clean_text(reason, field="reason", label="Reason", max_length=500)
    row.hidden = True
    db.add(row)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="room.hide", target=row)
    changed(db, workshop.id, "proposals", "results")
    return row


def unhide(db: Session, *, viewer: Viewer, workshop: Workshop, proposal_id: str) -> Proposal:
    row = _moderated(db, viewer, workshop, proposal_id)
    row.hidden = False
    row.hide_reason = ""
    db.add(row)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="room.unhide", target=row)
    changed(db, workshop.id, "proposals", "results")
    return row


def edit(
    db: Session, *, viewer: Viewer, workshop: Workshop, proposal_id: str, text: object
) -> Proposal:
    """Edit for clarity; the proposal is marked as edited for everyone."""
    row = _moderated(db, viewer, workshop, proposal_id)
    body = clean_text(text, field="text", label="Text", max_length=2000, multiline=True)
    if body != row.text:
        stale.forget(db, "proposal", row.id)
        row.text = body
        row.edited = True
        db.add(row)
        audit.record(db, viewer=viewer, workshop_id=workshop.id, action="room.edit", target=row)
        changed(db, workshop.id, "proposals", "results")
    return row


def merge(
    db: Session, *, viewer: Viewer, workshop: Workshop, proposal_id: str, into_id: object
) -> Proposal:
    """Fold a duplicate into another revealed proposal of the same item; the target then
    shows the support of both (and of anything already merged into the duplicate)."""
    source = _moderated(db, viewer, workshop, proposal_id)
    if not isinstance(into_id, str) or not into_id:
        raise Inconsistent("Choose the proposal to merge into.", field="into")
    target = _moderated(db, viewer, workshop, into_id)
    if source.id == target.id or target.merged_into_id is not None:
        raise Inconsistent("Choose another proposal to merge into.", field="into")
    if source.item_id != target.item_id:
        raise Inconsistent("Only proposals of the same item can be merged.", field="into")
    if source.status != "revealed" or target.status != "revealed":
        raise Conflict("Reveal both proposals before merging them.")
    db.execute(
        update(Proposal)
        .where(col(Proposal.merged_into_id) == source.id)
        .values(merged_into_id=target.id)
    )
    source.merged_into_id = target.id
    db.add(source)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="room.merge", target=source)
    changed(db, workshop.id, "proposals", "results")
    return target


def _theme_name(name: object) -> str:
    return clean_text(name, field="name", label="Theme name", max_length=120)


def _theme(db: Session, viewer: Viewer, workshop: Workshop, theme_id: str) -> Theme:
    policy.ensure(viewer, "room.facilitate", workshop)
    if len(theme_id) > common.MAX_ID:
        raise NotFound()
    row = db.exec(
        policy.visible(select(Theme), viewer, Theme).where(
            col(Theme.id) == theme_id, col(Theme.workshop_id) == workshop.id
        )
    ).first()
    if row is None:
        raise NotFound()
    return row


def create_theme(
    db: Session, *, viewer: Viewer, workshop: Workshop, item_id: str, name: object
) -> Theme:
    """A new theme for the item; the name is its natural key, so the same form posted again
    returns the theme it made (names are ciphertext at rest: compared once decrypted)."""
    policy.ensure(viewer, "room.facilitate", workshop)
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    clean = _theme_name(name)
    existing = list(
        db.exec(policy.visible(select(Theme), viewer, Theme).where(col(Theme.item_id) == item.id))
    )
    for theme in existing:
        if theme.name == clean:
            return theme
    theme = Theme(workshop_id=workshop.id, item_id=item.id, name=clean, position=len(existing))
    db.add(theme)
    db.flush()
    changed(db, workshop.id, "proposals")
    return theme


def rename_theme(
    db: Session, *, viewer: Viewer, workshop: Workshop, theme_id: str, name: object
) -> Theme:
    theme = _theme(db, viewer, workshop, theme_id)
    theme.name = _theme_name(name)
    db.add(theme)
    changed(db, workshop.id, "proposals")
    return theme


def assign_theme(
    db: Session, *, viewer: Viewer, workshop: Workshop, proposal_id: str, theme_id: object
) -> Proposal:
    """Put a proposal under a theme ("" takes it out of any theme)."""
    row = _moderated(db, viewer, workshop, proposal_id)
    if theme_id in (None, ""):
        row.theme_id = None
    else:
        if not isinstance(theme_id, str):
            raise Inconsistent("Choose a theme.", field="theme_id")
        theme = _theme(db, viewer, workshop, theme_id)
        if theme.item_id != row.item_id:
            raise Inconsistent("Choose a theme of the same item.", field="theme_id")
        row.theme_id = theme.id
    db.add(row)
    changed(db, workshop.id, "proposals")
    return row
