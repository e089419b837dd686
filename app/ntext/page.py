"""What one viewer sees of a negotiating text: every version they may read, each beside the
previous one (word by word), with the published figures, their own marks and the critiques
given on it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session

from app import policy
from app.agenda.models import AgendaItem
from app.config import Settings
from app.ntext import figures, marks, service
from app.ntext.diff import Segment, diff
from app.ntext.present import CritiqueView, ParagraphView, VersionView
from app.policy import Viewer
from app.room import common, proposals
from app.workshops.models import Workshop


@dataclass(frozen=True)
class TextPage:
    workshop_id: str
    item_id: str
    title: str
    level: str
    live: bool
    intake_open: bool
    results_shown: bool
    versions: list[VersionView]  # newest first; a draft (staff only) first of all
    facilitating: bool
    can_mark: bool
    published: bool  # a figures snapshot exists
    k: int
    min_batch: int
    languages: list[str]
    draft_text: str
    draft_lang: str

    @property
    def current(self) -> VersionView | None:
        return next((v for v in self.versions if not v.draft), None)


def _critiques(
    db: Session, settings: Settings, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> dict[str, list[CritiqueView]]:
    """The critiques this viewer may see, by paragraph: revealed ones (shuffled order), the
    viewer's own pending ones, and for the facilitating staff the grouped pending list."""
    listed = proposals.for_item(db, settings, viewer=viewer, workshop=workshop, item=item)
    shown = [*listed.pending, *listed.revealed]
    bound = marks.bindings(db, viewer=viewer, proposal_ids=[p.id for p in shown])
    out: dict[str, list[CritiqueView]] = {}
    for view in shown:
        paragraph = bound.get(view.id)
        if paragraph is None:
            continue
        out.setdefault(paragraph, []).append(
            CritiqueView(
                id=view.id,
                text=view.text,
                pending=view.status == "pending",
                hidden=view.hidden,
                edited=view.edited,
                mine=int(bool(view.mine)),
            )
        )
    return out


def _changes(before: list[ParagraphView], after: list[ParagraphView]) -> list[ParagraphView]:
    """Each paragraph of `after` with its changes against the same number in `before`."""
    if not before:
        return after
    old = {p.number: p.text for p in before}
    out = []
    for paragraph in after:
        if paragraph.number in old:
            out.append(replace(paragraph, changes=diff(old[paragraph.number], paragraph.text)))
        else:
            out.append(replace(paragraph, changes=[Segment("ins", paragraph.text)], new=True))
    return out


def text_page(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> TextPage:
    rows = service.versions(db, viewer=viewer, item=item)
    paragraphs = service.paragraphs(db, viewer=viewer, version_ids=[v.id for v in rows])
    current = next((v for v in reversed(rows) if v.published_on), None)
    key = common.key(db, settings, workshop)
    ids = [p.id for p in paragraphs.get(current.id, [])] if current else []
    mine = marks.my_marks(db, viewer, workshop, key, ids)
    shown, published = figures.for_item(db, viewer=viewer, workshop=workshop, item=item)
    critiques = _critiques(db, settings, viewer, workshop, item)
    views: list[VersionView] = []
    previous: list[ParagraphView] = []
    for row in rows:
        items = [
            replace(
                policy.present(p, viewer),
                my_mark=mine.get(p.id),
                figure=shown.get(p.id),
                critiques=critiques.get(p.id, []),
            )
            for p in paragraphs[row.id]
        ]
        items = _changes(previous, items)
        views.append(replace(policy.present(row, viewer), paragraphs=items))
        previous = items
    draft = service.draft_text(db, viewer=viewer, item=item)
    codes = service.languages(workshop)
    return TextPage(
        workshop_id=workshop.id,
        item_id=item.id,
        title=item.title,
        level=item.level,
        live=item.state == "live",
        intake_open=item.intake_open,
        results_shown=item.results_shown,
        versions=list(reversed(views)),
        facilitating=viewer.may("room.facilitate", workshop.id),
        can_mark=viewer.may("room.contribute", workshop.id)
        and workshop.status == "live"
        and item.state == "live",
        published=published,
        k=policy.effective_k(workshop),
        min_batch=policy.min_batch(workshop),
        languages=codes,
        draft_text=draft[0] if draft else "",
        draft_lang=(draft[1] if draft else "") or codes[0],
    )
