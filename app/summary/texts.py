"""The negotiating texts of a summary: each text's final version (the one in force), paragraph
by paragraph in each of its languages, with whether every party can live with it by the
published figures (where the room was shown them), and its sign-off: the version's
fingerprint and whether every side signed it off (app/ntext/signoff.py), said without party
labels and only where the k rule allows a statement per party. Read as the export audience;
critiques stay out of the summary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app import policy
from app.agenda.models import AgendaItem
from app.i18n import N_
from app.ntext import figures, service, signoff
from app.workshops.models import Workshop


@dataclass(frozen=True)
class TextParagraphOut:
    number: int
    text: str
    version: int
    every_party: bool
    lang: str = ""  # the language of `text`: the original's, or the export's (localize)
    versions: tuple[tuple[str, str], ...] = ()  # (lang, text) in the version's other languages


@dataclass(frozen=True)
class FinalParagraph:
    id: str
    number: int
    text: str
    version: int
    every_party: bool
    lang: str = ""
    others: tuple[tuple[str, str], ...] = ()  # (lang, text) in the version's other languages


SIGNED_BY_EVERY_SIDE = N_("Signed off by every side")
NOT_BY_EVERY_SIDE = N_("Not signed off by every side")


@dataclass(frozen=True)
class TextSignoffOut:
    """The sign-off of a text's final version: its number and fingerprint, and whether every
    side has at least k sign-offs on it (no count, no party label)."""

    version: int
    fingerprint: str
    every_party: bool
    status: str


def final_signoffs(
    db: Session, workshop: Workshop, viewer: policy.Viewer, items: list[AgendaItem]
) -> dict[str, TextSignoffOut]:
    """Per text item with a version in force: the sign-off status of that version."""
    out: dict[str, TextSignoffOut] = {}
    for item in items:
        if item.kind != service.KIND:
            continue
        found = signoff.in_force(db, viewer, item)
        if found is None:
            continue
        version, fp = found
        every = signoff.per_party(db, viewer, workshop, item, fp) is not None
        status = SIGNED_BY_EVERY_SIDE if every else NOT_BY_EVERY_SIDE
        out[item.id] = TextSignoffOut(version.number, fp, every, status)
    return out


def final_versions(
    db: Session, workshop: Workshop, viewer: policy.Viewer, items: list[AgendaItem]
) -> dict[str, list[FinalParagraph]]:
    """Per text item: the paragraphs of its version in force."""
    out: dict[str, list[FinalParagraph]] = {}
    for item in items:
        if item.kind != service.KIND:
            continue
        version = service.current(db, viewer=viewer, item=item)
        if version is None:
            continue
        shown, _published = figures.for_item(db, viewer=viewer, workshop=workshop, item=item)
        rows = service.paragraphs(db, viewer=viewer, version_ids=[version.id])[version.id]
        texts = service.paragraph_texts(db, viewer=viewer, paragraph_ids=[r.id for r in rows])
        out[item.id] = [
            FinalParagraph(
                id=row.id,
                number=row.number,
                text=row.text,
                version=version.number,
                every_party=bool(shown.get(row.id) and shown[row.id].every_party),
                lang=row.lang,
                others=tuple(sorted(texts.get(row.id, {}).items())),
            )
            for row in rows
        ]
    return out
