"""View models of the survey: its statements and moments, and the published results (figures
only: the payload already passed the policy's k and deniability rules)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from app import policy
from app.evaluation.models import MOMENTS, SPANS, Survey, SurveyItem, SurveyResults, SurveyText
from app.i18n import N_
from app.policy import Viewer

MOMENT_LABELS = {
    "pre": N_("Before the first session"),
    "post": N_("At the end"),
    "follow_up": N_("Follow-up"),
}
SPAN_LABELS = {"post": N_("Before → end"), "follow_up": N_("Before → follow-up")}
STATE_LABELS = {"waiting": N_("Not opened yet"), "open": N_("Open"), "ended": N_("Ended")}


@dataclass(frozen=True)
class ItemView:
    id: str
    prompt: str
    position: int
    kind: str = "likert"


@dataclass(frozen=True)
class TextView:
    """A revealed free-text answer: its question, moment and text (no author, no time)."""

    id: str
    item_id: str
    moment: str
    moment_label: str
    text: str
    hidden: bool


@dataclass(frozen=True)
class MomentView:
    moment: str
    label: str
    state: str
    state_label: str


@dataclass(frozen=True)
class SurveyView:
    id: str
    moments: list[MomentView]


@dataclass(frozen=True)
class CellView:
    n: int
    mean: float
    distribution: list[int] | None = None
    party: str | None = None


@dataclass(frozen=True)
class FigureView:
    """One moment (or span) of one statement: the total and, where allowed, per party."""

    key: str
    label: str
    total: CellView | None
    parties: list[CellView] = field(default_factory=list)


@dataclass(frozen=True)
class ItemResultsView:
    prompt: str
    moments: list[FigureView]
    changes: list[FigureView]


@dataclass(frozen=True)
class ResultsView:
    seq: int
    published_on: date | None
    items: list[ItemResultsView]


@policy.presenter("SurveyItem")
def present_item(item: SurveyItem, _viewer: Viewer) -> ItemView:
    return ItemView(id=item.id, prompt=item.prompt, position=item.position, kind=item.kind)


@policy.presenter("SurveyText")
def present_text(row: SurveyText, _viewer: Viewer) -> TextView:
    return TextView(
        id=row.id,
        item_id=row.item_id,
        moment=row.moment,
        moment_label=MOMENT_LABELS.get(row.moment, row.moment),
        text=row.text,
        hidden=row.hidden,
    )


@policy.presenter("Survey")
def present_survey(survey: Survey, _viewer: Viewer) -> SurveyView:
    moments = []
    for moment in MOMENTS:
        state = str(getattr(survey, f"{moment}_state"))
        moments.append(MomentView(moment, MOMENT_LABELS[moment], state, STATE_LABELS[state]))
    return SurveyView(id=survey.id, moments=moments)


def _cell(data: dict[str, Any] | None) -> CellView | None:
    if not data:
        return None
    return CellView(
        n=int(data["n"]),
        mean=float(data["mean"]),
        distribution=data.get("distribution"),
        party=data.get("party"),
    )


def _figure(key: str, label: str, data: dict[str, Any]) -> FigureView:
    parties = [c for c in (_cell(p) for p in data.get("parties", [])) if c is not None]
    return FigureView(key=key, label=label, total=_cell(data.get("total")), parties=parties)


@policy.presenter("SurveyResults")
def present_results(row: SurveyResults, _viewer: Viewer) -> ResultsView:
    payload = json.loads(row.payload)
    items = []
    for item in payload.get("items", []):
        moments = [_figure(m, MOMENT_LABELS[m], item["moments"][m]) for m in MOMENTS]
        changes = [_figure(s, SPAN_LABELS[s], item["changes"][s]) for s in SPANS]
        items.append(ItemResultsView(prompt=item["prompt"], moments=moments, changes=changes))
    return ResultsView(seq=row.seq, published_on=row.published_on, items=items)


def as_dict(view: Any) -> dict[str, Any]:
    out = asdict(view)
    if isinstance(view, ResultsView):
        out["published_on"] = view.published_on.isoformat() if view.published_on else None
    return out
