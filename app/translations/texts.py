"""The translator's work: contributed texts to translate, and their translations.

What a translator may read is stated once in app/policy/translating.py; this module loads
it through the policy and hands it on as text only (ToTranslate has no author, tag, party,
attribution or reaction). A translation is stored encrypted under the workshop key
(TextTranslation, app.security.at_rest) and shown beside its original, in the reader's
language, wherever the reader may see the original (app/policy/filters.py). Everything stays
on this server: no text is sent to an outside translation service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app import i18n, policy
from app.errors import Inconsistent, NotFound
from app.forms import clean_text
from app.i18n import N_
from app.live.bus import changed
from app.notes.models import Note
from app.policy import Viewer
from app.room.models import Proposal
from app.translations import service as languages
from app.translations.models import TextTranslation
from app.workshops.models import Workshop

KINDS = ("proposal", "note")
MAX_LENGTH = 4000
STATE_LABELS = {
    "pending": N_("Proposal, not yet revealed"),
    "revealed": N_("Revealed proposal"),
    "room": N_("Note shared with the room"),
    "summary": N_("Note cleared for the summary"),
}


@dataclass(frozen=True)
class Beside:
    """A translation as shown beside its original."""

    text: str
    lang: str
    dir: str
    language: str  # the language's name in the reader's language


@dataclass(frozen=True)
class ToTranslate:
    """One text on the translator's list: the text and its translations, nothing else."""

    kind: str
    id: str
    state: str
    state_label: str
    text: str
    translations: dict[str, str] = field(default_factory=dict)


def _proposals(db: Session, *, viewer: Viewer, workshop: Workshop) -> list[Proposal]:
    statement = policy.visible(select(Proposal), viewer, Proposal).where(
        col(Proposal.workshop_id) == workshop.id
    )
    return policy.proposals_to_translate(db.exec(statement), workshop)


def _notes(db: Session, *, viewer: Viewer, workshop: Workshop) -> list[Note]:
    statement = (
        policy.visible(select(Note), viewer, Note)
        .where(col(Note.workshop_id) == workshop.id)
        .order_by(col(Note.id))
    )
    return policy.notes_to_translate(db.exec(statement))


def translated(
    db: Session, *, viewer: Viewer, workshop: Workshop, kind: str, ids: Iterable[str]
) -> dict[str, dict[str, str]]:
    """The translations of these texts the viewer may read: {object id: {lang: text}}."""
    wanted = list(ids)
    result: dict[str, dict[str, str]] = {object_id: {} for object_id in wanted}
    if not wanted:
        return result
    statement = policy.visible(select(TextTranslation), viewer, TextTranslation).where(
        col(TextTranslation.workshop_id) == workshop.id,
        col(TextTranslation.kind) == kind,
        col(TextTranslation.object_id).in_(wanted),
    )
    for row in db.exec(statement):
        result.setdefault(row.object_id, {})[row.lang] = row.text
    return result


def worklist(db: Session, *, viewer: Viewer, workshop: Workshop) -> list[ToTranslate]:
    """Everything the translator may translate, with what is translated already."""
    policy.ensure(viewer, "translate", workshop)
    proposals = _proposals(db, viewer=viewer, workshop=workshop)
    notes = _notes(db, viewer=viewer, workshop=workshop)
    done_p = translated(
        db, viewer=viewer, workshop=workshop, kind="proposal", ids=[p.id for p in proposals]
    )
    done_n = translated(
        db, viewer=viewer, workshop=workshop, kind="note", ids=[n.id for n in notes]
    )
    items = [
        ToTranslate("proposal", p.id, p.status, STATE_LABELS[p.status], p.text, done_p[p.id])
        for p in proposals
    ]
    items += [
        ToTranslate("note", n.id, n.visibility, STATE_LABELS[n.visibility], n.body, done_n[n.id])
        for n in notes
    ]
    return items


def save(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    kind: object,
    object_id: object,
    lang: object,
    text: object,
) -> None:
    """Write (or, when empty, delete) one translation of a text the translator may read."""
    policy.ensure(viewer, "translate", workshop)
    if lang not in languages.languages(workshop):
        raise Inconsistent("Choose one of the workshop's languages.", field="lang")
    cleaned = clean_text(
        text,
        field="text",
        label="Translation",
        max_length=MAX_LENGTH,
        required=False,
        multiline=True,
    )
    target = next(
        (
            t
            for t in worklist(db, viewer=viewer, workshop=workshop)
            if t.kind == kind and t.id == object_id
        ),
        None,
    )
    if target is None:
        raise NotFound()
    statement = policy.visible(select(TextTranslation), viewer, TextTranslation).where(
        col(TextTranslation.workshop_id) == workshop.id,
        col(TextTranslation.kind) == target.kind,
        col(TextTranslation.object_id) == target.id,
        col(TextTranslation.lang) == lang,
    )
    row = db.exec(statement).first()
    if row is None and not cleaned:
        return
    if not cleaned:
        db.delete(row)
    elif row is None:
        db.add(
            TextTranslation(
                workshop_id=workshop.id,
                kind=target.kind,
                object_id=target.id,
                lang=str(lang),
                text=cleaned,
            )
        )
    else:
        row.text = cleaned
        db.add(row)
    db.flush()
    if target.state != "pending":  # shown beside its original: the room sees it now
        changed(db, workshop.id, "proposals" if target.kind == "proposal" else "notes")


def beside(
    db: Session, *, viewer: Viewer, workshop: Workshop, kind: str, ids: Iterable[str]
) -> dict[str, Beside]:
    """The translations, into the request's language, of texts the viewer may read."""
    reader = i18n.current_locale.get()
    found: dict[str, Beside] = {}
    for object_id, versions in translated(
        db, viewer=viewer, workshop=workshop, kind=kind, ids=ids
    ).items():
        for lang, text in sorted(versions.items(), key=lambda kv: kv[0] != reader):
            if languages.base(lang) == reader:
                found[object_id] = Beside(
                    text, lang, languages.direction(lang), languages.language_name(lang)
                )
                break
    return found
