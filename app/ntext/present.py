"""View models of the negotiating text. None has an author field: a participant's own mark
and critiques carry only `mine`, recomputed from the author tag, and a party appears only as
the label of a published breakdown where the k rule holds, never beside a critique."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app import policy
from app.ntext.diff import Segment
from app.ntext.models import TextParagraph, TextVersion
from app.policy import Viewer
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
class ParagraphView:
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


@dataclass(frozen=True)
class VersionView:
    id: str
    number: int
    published_on: date | None
    paragraphs: list[ParagraphView]

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
