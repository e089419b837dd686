"""View models for notes: no author field, only the author's role label and `mine`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from app import policy
from app.i18n import N_
from app.notes.markdown import render
from app.notes.models import Note
from app.policy import Viewer
from app.views import LEVEL_LABELS, ROLE_LABELS

VISIBILITY_ORDER = {"private": 0, "team": 1, "room": 2, "summary": 3}
VISIBILITY_LABELS = {
    "private": "Private",
    "team": "Facilitation team",
    "room": "Room",
    "summary": "Cleared for the summary",
}
READERS = {
    "private": N_("Only you will be able to read this note."),
    "team": N_(
        "The facilitation team (organizers, facilitators and rapporteurs) will be able to "
        "read this note."
    ),
    "room": N_(
        "Everyone in the workshop, including participants and observers, will be able to "
        "read this note."
    ),
    "summary": N_(
        "Everyone in the workshop, including participants and observers, will be able to "
        "read this note, and it may be included in the workshop's summary and its exports."
    ),
}


@dataclass(frozen=True)
class NoteView:
    id: str
    workshop_id: str
    item_id: str | None
    visibility: str
    visibility_label: str
    role_label: str
    mine: bool
    body: str
    html: Markup
    created_on: date
    # Beside a note shared with the room or cleared for the summary: its translation into
    # the reader's language, if the translator wrote one (app/translations/texts.py).
    translation: str = ""
    translation_lang: str = ""
    translation_language: str = ""


@dataclass(frozen=True)
class ItemRef:
    id: str
    title: str
    level: str
    level_label: str


@dataclass(frozen=True)
class NoteGroup:
    item: ItemRef | None
    notes: list[NoteView]


def is_mine(note: Note, viewer: Viewer) -> bool:
    """Staff: by user id. Participants only ever receive their own private notes (filtered by
    tag in `policy.keep_own_notes`) and staff notes, so a tagged note here is theirs."""
    if viewer.is_staff:
        return viewer.user_id is not None and note.author_user_id == viewer.user_id
    return viewer.is_participant and note.author_tag is not None


@policy.presenter("Note")
def note_view(note: Note, viewer: Viewer) -> NoteView:
    mine = is_mine(note, viewer)
    return NoteView(
        id=note.id,
        workshop_id=note.workshop_id,
        item_id=note.item_id,
        visibility=note.visibility,
        visibility_label=VISIBILITY_LABELS.get(note.visibility, note.visibility),
        role_label=ROLE_LABELS.get(note.author_role, "Staff"),
        mine=mine,
        body=note.body,
        html=render(note.body),
        created_on=note.created_on,
    )


def item_ref(item: object) -> ItemRef:
    level = str(getattr(item, "level", "chatham"))
    return ItemRef(
        id=str(getattr(item, "id", "")),
        title=str(getattr(item, "title", "")),
        level=level,
        level_label=LEVEL_LABELS.get(level, level),
    )


def as_dict(view: NoteView) -> dict[str, object]:
    return {
        "id": view.id,
        "workshop_id": view.workshop_id,
        "item_id": view.item_id,
        "visibility": view.visibility,
        "visibility_label": view.visibility_label,
        "role_label": view.role_label,
        "mine": view.mine,
        "body": view.body,
        "html": str(view.html),
        "created_on": view.created_on.isoformat(),
    }
