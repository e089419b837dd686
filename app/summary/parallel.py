"""The summary's staff-written texts in each of the workshop's languages (app/translations):
the purpose, the ground rules, the agenda items' titles and descriptions, and the synthesis
(the notes cleared for the summary, in their translators' translations).

The export model carries one `Version` per workshop language, the original's first, so the
draft's fingerprint covers every language a party may read, and each format picks the
version of the export's language (`localize`). A text without a version in a language is the
original there, with the original's language (the formats mark it). A translated text goes
through the same `emit` as the original, under its own key (`<key>@<lang>`), so the
attribution check scans it and its redactions are decided on their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.agenda import versions as item_versions
from app.agenda.models import AgendaItem
from app.i18n import N_
from app.notes.models import Note
from app.policy import Viewer
from app.rules import service as rules
from app.rules.models import GroundRule
from app.summary.blocks import Block, blocks
from app.translations import service as translations
from app.translations import texts as text_translations
from app.translations.models import ContentTranslation
from app.workshops import purpose as purposes
from app.workshops.models import Workshop

Emit = Callable[[str, str, str], str]


@dataclass(frozen=True)
class TextOut:
    """One text in one language: its version there, or the original (then `lang` is the
    original's language)."""

    title: str
    body: str
    lang: str


@dataclass(frozen=True)
class Version:
    """The staff-written texts as read in one workshop language, in the model's order
    (`items`: every agenda item of every session, in order; an off-the-record item keeps
    its title only)."""

    lang: str
    purpose: TextOut
    rules: tuple[TextOut, ...]
    items: tuple[TextOut, ...]
    general: tuple[Block, ...] = ()  # the general synthesis
    syntheses: tuple[tuple[Block, ...], ...] | None = None  # per item, as `items`


@dataclass(frozen=True)
class Original:
    """The texts as the model holds them, already passed by emit: what a language falls
    back to."""

    purpose: str
    rules: Sequence[tuple[GroundRule, str, str]]
    items: Sequence[tuple[AgendaItem, str, str]]
    notes: Sequence[tuple[Note, int, str]] = ()  # (note, index in items or -1: general, body)


def _text(
    emit: Emit,
    key: str,
    labels: tuple[str, str],
    original: tuple[str, str],
    found: Mapping[str, ContentTranslation],
    *,
    lang: str,
    original_lang: str,
    keep_body: bool = True,
) -> TextOut:
    row = found.get(lang) if translations.base(lang) != translations.base(original_lang) else None
    if row is None or not (row.title or row.body):
        return TextOut(original[0], original[1], original_lang)
    title = emit(f"{key}:title@{lang}", labels[0], row.title) if row.title else ""
    body = emit(f"{key}:body@{lang}", labels[1], row.body) if row.body and keep_body else ""
    return TextOut(title or original[0], body if keep_body else "", lang)


def _syntheses(
    emit: Emit,
    original: Original,
    found: Mapping[str, Mapping[str, str]],
    *,
    lang: str,
    original_lang: str,
) -> tuple[tuple[Block, ...], tuple[tuple[Block, ...], ...]]:
    """The general synthesis and each item's, in `lang`: a note's translation there where it
    has one (through emit, under its own key), else the note as the original has it."""
    owned: dict[int, list[Block]] = defaultdict(list)
    foreign = translations.base(lang) != translations.base(original_lang)
    for note, owner, body in original.notes:
        versions = {translations.base(k): v for k, v in found.get(note.id, {}).items()}
        text = versions.get(translations.base(lang), "") if foreign else ""
        if text:
            translated = emit(f"note:{note.id}@{lang}", N_("Synthesis note"), text)
            owned[owner].extend(blocks(translated, lang))
        else:
            owned[owner].extend(blocks(body, original_lang))
    return tuple(owned[-1]), tuple(tuple(owned[i]) for i in range(len(original.items)))


def versions(
    db: Session, workshop: Workshop, viewer: Viewer, *, emit: Emit, original: Original
) -> tuple[Version, ...]:
    """One version per workshop language, the original language's first."""
    first = translations.original_language(workshop)
    purpose = translations.load(
        db, viewer=viewer, workshop=workshop, kind=purposes.KIND, object_ids=[workshop.id]
    )[workshop.id]
    rule_rows = translations.load(
        db,
        viewer=viewer,
        workshop=workshop,
        kind=rules.KIND,
        object_ids=[r.id for r, _, _ in original.rules],
    )
    item_rows = translations.load(
        db,
        viewer=viewer,
        workshop=workshop,
        kind=item_versions.KIND,
        object_ids=[i.id for i, _, _ in original.items],
    )
    note_rows = text_translations.translated(
        db, viewer=viewer, workshop=workshop, kind="note", ids=[n.id for n, _, _ in original.notes]
    )
    out = []
    for lang in translations.languages(workshop):
        general, per_item = _syntheses(emit, original, note_rows, lang=lang, original_lang=first)
        out.append(
            Version(
                lang=lang,
                general=general,
                syntheses=per_item,
                purpose=_text(
                    emit,
                    "workshop:purpose",
                    (N_("Purpose"), N_("Purpose")),
                    ("", original.purpose),
                    purpose,
                    lang=lang,
                    original_lang=first,
                ),
                rules=tuple(
                    _text(
                        emit,
                        f"rule:{r.id}",
                        (N_("Ground rule"), N_("Ground rule")),
                        (title, body),
                        rule_rows.get(r.id, {}),
                        lang=lang,
                        original_lang=first,
                    )
                    for r, title, body in original.rules
                ),
                items=tuple(
                    _text(
                        emit,
                        f"item:{i.id}",
                        (N_("Agenda item title"), N_("Agenda item")),
                        (title, description),
                        item_rows.get(i.id, {}),
                        keep_body=i.level != "off_record",
                        lang=lang,
                        original_lang=first,
                    )
                    for i, title, description in original.items
                ),
            )
        )
    return tuple(out)
