"""What one viewer sees of a negotiating text: every version they may read, each beside the
previous one (word by word), with the published figures, their own marks and the critiques
given on it.

Two participants who differ only in what they marked or wrote receive the same page apart
from their own input: the state of their mark controls (of one size whatever the mark:
app/ntext/present.py `mark_state`, templates/ntext/text.html) and their own pending
critiques. A revealed critique carries nothing of its author, not even for the author."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlmodel import Session

from app import i18n, policy
from app.agenda.models import AgendaItem
from app.config import Settings
from app.ntext import figures, marks, service, signoff
from app.ntext.diff import Segment, diff
from app.ntext.present import (
    CritiqueView,
    ParagraphView,
    VersionView,
    in_languages,
    read_in,
    text_in,
)
from app.ntext.signoff import SignoffView
from app.policy import Viewer
from app.room import common, proposals
from app.translations.service import language_name
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
    signoff: SignoffView | None = None  # of the version in force
    can_sign: bool = False
    draft_texts: dict[str, str] = field(default_factory=dict)  # the draft's other languages
    language_names: dict[str, str] = field(default_factory=dict)  # in the reader's language

    @property
    def current(self) -> VersionView | None:
        return next((v for v in self.versions if not v.draft), None)


def _critiques(
    db: Session, settings: Settings, viewer: Viewer, workshop: Workshop, item: AgendaItem
) -> tuple[dict[str, list[CritiqueView]], dict[str, list[CritiqueView]]]:
    """By paragraph: the revealed critiques listed beside it, only in groups of at least the
    minimum batch (app/policy/critiques.py), the same for every viewer; and the viewer's own
    pending ones (their private area: staff see pending critiques only in the console)."""
    viewer = common.own(db, settings, viewer, workshop)  # their own tags, for the bindings too
    listed = proposals.for_item(db, settings, viewer=viewer, workshop=workshop, item=item)
    own = [view for view in listed.pending if view.mine]
    revealed = [view for view in listed.revealed if not view.hidden]
    bound = marks.bindings(db, viewer=viewer, proposal_ids=[p.id for p in [*own, *revealed]])
    groups = policy.critiques.listed(db, workshop, item.id)
    shown: dict[str, list[tuple[int, str, CritiqueView]]] = {}
    for view in revealed:
        paragraph = bound.get(view.id)
        group = groups.get((paragraph or "", view.batch))
        if paragraph is None or group is None:
            continue  # its group has not reached the minimum: it waits
        critique = CritiqueView(view.id, view.text, pending=False, edited=view.edited, mine=0)
        shown.setdefault(paragraph, []).append((group, view.id, critique))
    pending: dict[str, list[CritiqueView]] = {}
    for view in own:
        if (paragraph := bound.get(view.id)) is not None:
            critique = CritiqueView(view.id, view.text, pending=True, edited=view.edited, mine=1)
            pending.setdefault(paragraph, []).append(critique)
    ordered = {pid: [c for _g, _id, c in sorted(rows)] for pid, rows in shown.items()}
    return ordered, pending


def _changes(before: list[ParagraphView], after: list[ParagraphView]) -> list[ParagraphView]:
    """Each paragraph of `after` with its changes against the same number in `before`, in
    the language `after` is read in (none where `before` has no text in that language)."""
    lang = after[0].lang if after else ""
    old = {p.number: t for p in before if (t := text_in(p, lang)) is not None}
    if not old:
        return after
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
    critiques, pending = _critiques(db, settings, viewer, workshop, item)
    every = [p.id for version_rows in paragraphs.values() for p in version_rows]
    texts = service.paragraph_texts(db, viewer=viewer, paragraph_ids=every)
    codes = service.languages(workshop)
    reader = i18n.current_locale.get()
    views: list[VersionView] = []
    previous: list[ParagraphView] = []
    for row in rows:
        items = [
            replace(
                policy.present(p, viewer),
                my_mark=mine.get(p.id),
                figure=shown.get(p.id),
                critiques=critiques.get(p.id, []),
                pending=pending.get(p.id, []),
            )
            for p in paragraphs[row.id]
        ]
        version = read_in(
            replace(policy.present(row, viewer), paragraphs=in_languages(items, texts, codes)),
            reader,
        )
        items = _changes(previous, version.paragraphs)
        views.append(replace(version, paragraphs=items))
        previous = items
    draft = service.draft_text(db, viewer=viewer, item=item)
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
        signoff=signoff.view(db, settings, viewer=viewer, workshop=workshop, item=item),
        can_sign=viewer.may("room.contribute", workshop.id) and workshop.status == "live",
        draft_texts=service.draft_languages(db, viewer=viewer, item=item),
        language_names={code: language_name(code, reader) for code in codes},
    )
