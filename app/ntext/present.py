"""View models of the negotiating text. None has an author field: a participant's own mark
and critiques carry only `mine`, recomputed from the author tag, and a party appears only as
the label of a published breakdown where the k rule holds, never beside a critique."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from app import policy
from app.ntext.diff import Segment
from app.ntext.models import TextParagraph, TextVersion
from app.policy import Viewer
from app.translations.service import base, direction, language_name
from app.views import control_state

MARK_LABELS = {"agree": "Can live with it", "disagree": "Cannot live with it", "pass": "No view"}
BAND_LABELS = {
    "broad": "Most can live with it",
    "divided": "Divided",
    "little": "Few can live with it",  # below 40 %: "no view" counts against, as "pass" does
}


@dataclass(frozen=True)
class PartyFigureView:
    party: str
    reacted: int
    band: str


@dataclass(frozen=True)
class FigureView:
    """The published figure of one paragraph: how many marked it; where k holds the party
    bands, otherwise the overall band (None: too few marked)."""

    marked: int
    band: str | None
    k_holds: bool
    parties: list[PartyFigureView]
    every_party: bool


@dataclass(frozen=True)
class CritiqueView:
    id: str
    text: str
    pending: bool
    edited: bool
    mine: int  # 1 only on the viewer's own pending critiques; 0 on every revealed one


@dataclass(frozen=True)
class LanguageText:
    """A paragraph in one of its version's languages (`original`: the one it was drafted in)."""

    lang: str
    dir: str
    text: str
    original: bool


@dataclass(frozen=True)
class ParagraphView:
    """A paragraph as the viewer reads it (`text` in `lang`, with its `dir`), and in every
    language of its version (`languages`, the original first)."""

    id: str
    number: int
    lang: str
    text: str
    my_mark: str | None = None
    figure: FigureView | None = None
    critiques: list[CritiqueView] = field(default_factory=list)  # revealed, in groups
    pending: list[CritiqueView] = field(default_factory=list)  # the viewer's own, not revealed
    changes: list[Segment] = field(default_factory=list)  # against the previous version
    new: bool = False
    dir: str = "auto"
    languages: list[LanguageText] = field(default_factory=list)


@dataclass(frozen=True)
class VersionView:
    id: str
    number: int
    published_on: date | None
    paragraphs: list[ParagraphView]
    lang: str = ""  # the language it is read in
    original_name: str = ""  # the original's language, when read in it for want of the reader's

    @property
    def draft(self) -> bool:
        return self.published_on is None


def mark_state(value: str | None) -> dict[str, int]:
    """The viewer's mark as the state of its three controls (app.views.control_state)."""
    return control_state(value, MARK_LABELS)


@policy.presenter("TextParagraph")
def present_paragraph(row: TextParagraph, _viewer: Viewer) -> ParagraphView:
    return ParagraphView(id=row.id, number=row.number, lang=row.lang, text=row.text)


@policy.presenter("TextVersion")
def present_version(row: TextVersion, _viewer: Viewer) -> VersionView:
    """A version without its paragraphs (the service adds them)."""
    return VersionView(id=row.id, number=row.number, published_on=row.published_on, paragraphs=[])


def in_languages(
    paragraphs: list[ParagraphView], texts: Mapping[str, Mapping[str, str]], codes: list[str]
) -> list[ParagraphView]:
    """Each paragraph with every language of its version, the original first, then in the
    workshop's order of languages."""
    order = {code: i for i, code in enumerate(codes)}
    out = []
    for p in paragraphs:
        others = sorted(texts.get(p.id, {}).items(), key=lambda kv: order.get(kv[0], len(order)))
        shown = [LanguageText(p.lang, direction(p.lang), p.text, original=True)]
        shown += [
            LanguageText(lang, direction(lang), text, original=False) for lang, text in others
        ]
        out.append(replace(p, dir=direction(p.lang), languages=shown))
    return out


def reading_language(paragraphs: list[ParagraphView], reader: str) -> str:
    """The language a version is read in: the reader's where every paragraph has it (the
    exact code first), else the original's."""
    if not paragraphs:
        return ""
    original = paragraphs[0].lang
    if base(original) == base(reader):
        return original
    common = set.intersection(*({t.lang for t in p.languages} for p in paragraphs))
    found = sorted(
        (lang for lang in common if base(lang) == base(reader)), key=lambda c: c != reader
    )
    return found[0] if found else original


def text_in(paragraph: ParagraphView, lang: str) -> str | None:
    """The paragraph's text in `lang`, if its version has that language."""
    return next((t.text for t in paragraph.languages if t.lang == lang), None)


def read_in(version: VersionView, reader: str) -> VersionView:
    """The version as a reader of `reader` reads it: in their language, else the original,
    marked with the original's language name (app/translations, as for the ground rules)."""
    lang = reading_language(version.paragraphs, reader)
    if not lang:
        return version
    shown = [
        replace(p, lang=lang, dir=direction(lang), text=text_in(p, lang) or p.text)
        for p in version.paragraphs
    ]
    original = version.paragraphs[0].lang
    fallback = "" if base(lang) == base(reader) else language_name(original, reader)
    return replace(version, paragraphs=shown, lang=lang, original_name=fallback)
