"""The negotiating texts of a summary: each text's final version (the one in force), paragraph
by paragraph in each of its languages, with whether every party can live with it by the
published figures (where the room was shown them). Read as the export audience; critiques
stay out of the summary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app import policy
from app.agenda.models import AgendaItem
from app.ntext import figures, service
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
