"""The export view model: one frozen tree that every format, the workspace and the review page
are built from. It is produced through the policy (visible / ensure) and holds no names,
affiliations, roster, party labels, times, hidden or off-the-record content, or private notes.

`build()` calls `emit(key, label, text)` for every free text that goes out: the attribution
check collects them with it, and the final model is built with an `emit` that applies the
redactions. Keys name where a text comes from (e.g. "proposal:<id>"), labels say it to people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from markdown_it import MarkdownIt
from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem, Meeting
from app.i18n import N_
from app.notes.models import Note
from app.room import snapshots
from app.room.consensus import Support, support
from app.room.models import Proposal, Theme
from app.rules.models import GroundRule
from app.views import LEVEL_LABELS
from app.workshops.models import Party, Workshop
from app.workshops.present import TRACK_LABELS

Emit = Callable[[str, str, str], str]

OFF_RECORD = "off_record"
KIND_LABELS = {
    "plenary": "Plenary discussion",
    "contribution": "Contribution round",
    "round": "Contribution round",
    "break": "Break",
}
ALL_SIDES = N_("Supported across all sides")
DIVIDES = N_("Divides the sides")
MIXED = N_("Mixed views across the sides")
BROAD = N_("Broad support")
NO_SUPPORT = Support(reacted=0, band=None, k_holds=False)

_md = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item or a heading of a synthesis, as plain text."""

    kind: str
    text: str


@dataclass(frozen=True)
class ProposalOut:
    """A proposal in the summary: its support in words and its published band, never exact
    counts per value (a band keeps every reaction deniable)."""

    text: str
    support: str
    reacted: int
    band: str | None
    theme: str | None
    attribution: str | None


@dataclass(frozen=True)
class ItemOut:
    title: str
    level: str
    level_label: str
    kind_label: str
    off_record: bool
    description: str
    synthesis: tuple[Block, ...]
    themes: tuple[str, ...]
    proposals: tuple[ProposalOut, ...]


@dataclass(frozen=True)
class SessionOut:
    title: str
    day: date | None
    level_label: str
    items: tuple[ItemOut, ...]


@dataclass(frozen=True)
class RuleOut:
    title: str
    body: str


@dataclass(frozen=True)
class MethodOut:
    format: str
    sessions: int
    participants: int | None
    readmissions: int
    k: int
    support_note: str


@dataclass(frozen=True)
class SummaryExport:
    title: str
    start_date: date | None
    end_date: date | None
    purpose: str
    track: str
    status: str
    rules: tuple[RuleOut, ...]
    general: tuple[Block, ...]
    sessions: tuple[SessionOut, ...]
    method: MethodOut
    fingerprint: str = ""


def identity(_key: str, _label: str, text: str) -> str:
    return text


def blocks(source: str) -> tuple[Block, ...]:
    """Markdown to plain-text blocks (formatting marks dropped), the same in every format."""
    out: list[Block] = []
    kinds: list[str] = []
    for token in _md.parse(source):
        if token.type in {"heading_open", "bullet_list_open", "ordered_list_open"}:
            kinds.append("h" if token.type == "heading_open" else "li")
        elif token.type in {"heading_close", "bullet_list_close", "ordered_list_close"}:
            kinds.pop()
        elif token.type == "inline":
            text = " ".join(
                (child.content if child.type in {"text", "code_inline"} else " ").strip()
                for child in token.children or []
            )
            text = " ".join(text.split())
            if text:
                out.append(Block(kinds[-1] if kinds else "p", text))
        elif token.type in {"fence", "code_block"}:
            for line in token.content.splitlines():
                if line.strip():
                    out.append(Block("p", " ".join(line.split())))
    return tuple(out)


def support_label(s: Support) -> str:
    """Support in words, never with a party label; a party statement only where k holds."""
    if s.k_holds and s.parties:
        if all(p.band == "broad" for p in s.parties):
            return ALL_SIDES
        if any(p.band == "broad" for p in s.parties) and any(p.band == "little" for p in s.parties):
            return DIVIDES
        return MIXED
    if s.band == "broad":
        return BROAD
    return ""


LABEL_ORDER = {ALL_SIDES: 0, BROAD: 1, MIXED: 2, DIVIDES: 3, "": 4}
BAND_ORDER = {"broad": 0, "divided": 1, "little": 2, None: 3}


def _rank(s: Support) -> tuple[int, int]:
    """Order by what may be said of the support (no finer figure than the bands)."""
    return (LABEL_ORDER[support_label(s)], BAND_ORDER[s.band])


def chosen(proposal: Proposal) -> bool:
    """The editors' choice: by default every proposal the export may hold except merged
    duplicates; `in_summary` overrides. What the export may hold at all is the policy's."""
    if proposal.in_summary is not None:
        return proposal.in_summary
    return proposal.merged_into_id is None


def _supports(
    db: Session, items: list[AgendaItem], party_ids: list[str], k: int
) -> dict[str, Support]:
    """The published support of every proposal of these items (app/room/snapshots.py): the
    same figures the room and the console were shown."""
    out: dict[str, Support] = {}
    for item in items:
        snapshot = snapshots.latest(db, item=item)
        for pid, cell in (snapshot.cells if snapshot else {}).items():
            out[pid] = support(cell.totals, cell.parties, party_ids, k)
    return out


def build(
    db: Session, workshop: Workshop, *, emit: Emit = identity, status: str = ""
) -> SummaryExport:
    """The summary of a workshop, read as its export audience (`policy.export_audience`):
    whoever asks (an editor, a reviewing participant, the export) gets what may leave the
    room and nothing else, every text passed by emit. The caller has ensured the request."""
    viewer = policy.export_audience(workshop.id)
    k = policy.effective_k(workshop)
    parties = db.exec(
        policy.visible(select(Party), viewer, Party)
        .where(col(Party.workshop_id) == workshop.id)
        .order_by(col(Party.position), col(Party.id))
    ).all()
    party_ids = policy.counted_parties([p.id for p in parties], policy.roster_sizes(db, workshop))
    rules = db.exec(
        policy.visible(select(GroundRule), viewer, GroundRule)
        .where(col(GroundRule.workshop_id) == workshop.id)
        .order_by(col(GroundRule.position), col(GroundRule.id))
    ).all()
    meetings = db.exec(
        policy.visible(select(Meeting), viewer, Meeting)
        .where(col(Meeting.workshop_id) == workshop.id)
        .order_by(col(Meeting.position), col(Meeting.day), col(Meeting.id))
    ).all()
    items = db.exec(
        policy.visible(select(AgendaItem), viewer, AgendaItem)
        .where(col(AgendaItem.workshop_id) == workshop.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()
    notes = db.exec(
        policy.visible(select(Note), viewer, Note)
        .where(col(Note.workshop_id) == workshop.id)
        .order_by(col(Note.created_on), col(Note.id))
    ).all()
    themes = db.exec(
        policy.visible(select(Theme), viewer, Theme)
        .where(col(Theme.workshop_id) == workshop.id)
        .order_by(col(Theme.position), col(Theme.id))
    ).all()
    proposals = [
        p
        for p in db.exec(
            policy.visible(select(Proposal), viewer, Proposal).where(
                col(Proposal.workshop_id) == workshop.id
            )
        ).all()
        if chosen(p)
    ]
    supports = _supports(db, list(items), party_ids, k)

    notes_by_item: dict[str | None, list[Note]] = defaultdict(list)
    for note in notes:
        notes_by_item[note.item_id].append(note)
    themes_by_item: dict[str, list[Theme]] = defaultdict(list)
    theme_name: dict[str, str] = {}
    for theme in themes:
        name = emit(f"theme:{theme.id}", N_("Theme"), theme.name)
        theme_name[theme.id] = name
        themes_by_item[theme.item_id].append(theme)
    proposals_by_item: dict[str, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        proposals_by_item[proposal.item_id].append(proposal)

    def synthesis(item_id: str | None) -> tuple[Block, ...]:
        out: list[Block] = []
        for note in notes_by_item.get(item_id, []):
            out.extend(blocks(emit(f"note:{note.id}", N_("Synthesis note"), note.body)))
        return tuple(out)

    def item_out(item: AgendaItem) -> ItemOut:
        off = item.level == OFF_RECORD
        title = emit(f"item:{item.id}:title", N_("Agenda item title"), item.title)
        head = ItemOut(
            title=title,
            level=item.level,
            level_label=LEVEL_LABELS.get(item.level, item.level),
            kind_label=KIND_LABELS.get(item.kind, item.kind),
            off_record=off,
            description="",
            synthesis=(),
            themes=(),
            proposals=(),
        )
        if off:
            return head
        ranked = sorted(
            proposals_by_item.get(item.id, []),
            key=lambda p: (_rank(supports.get(p.id, NO_SUPPORT)), p.shuffle_key),
        )
        out_proposals = []
        for p in ranked:
            s = supports.get(p.id, NO_SUPPORT)
            attribution = None
            if item.level == "on_record" and p.attribution:
                attribution = emit(f"proposal:{p.id}:attribution", N_("Attribution"), p.attribution)
            out_proposals.append(
                ProposalOut(
                    text=emit(f"proposal:{p.id}", N_("Proposal"), p.text),
                    support=support_label(s),
                    reacted=s.reacted,
                    band=s.band,
                    theme=theme_name.get(p.theme_id) if p.theme_id else None,
                    attribution=attribution,
                )
            )
        return replace(
            head,
            description=emit(f"item:{item.id}:description", N_("Agenda item"), item.description),
            synthesis=synthesis(item.id),
            themes=tuple(theme_name[t.id] for t in themes_by_item.get(item.id, [])),
            proposals=tuple(out_proposals),
        )

    items_by_meeting: dict[str, list[AgendaItem]] = defaultdict(list)
    for item in items:
        if item.kind != "break":
            items_by_meeting[item.meeting_id].append(item)
    sessions = tuple(
        SessionOut(
            title=emit(f"session:{m.id}:title", N_("Session title"), m.title),
            day=m.day,
            level_label=LEVEL_LABELS.get(m.level, m.level),
            items=tuple(item_out(i) for i in items_by_meeting.get(m.id, [])),
        )
        for m in meetings
    )
    return SummaryExport(
        title=emit("workshop:title", N_("Workshop title"), workshop.title),
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        purpose=emit("workshop:purpose", N_("Purpose"), workshop.purpose),
        track=TRACK_LABELS.get(workshop.track, workshop.track),
        status=status,
        rules=tuple(
            RuleOut(
                title=emit(f"rule:{r.id}:title", N_("Ground rule"), r.title),
                body=emit(f"rule:{r.id}:body", N_("Ground rule"), r.body),
            )
            for r in rules
        ),
        general=synthesis(None),
        sessions=sessions,
        method=MethodOut(
            format=f"{TRACK_LABELS.get(workshop.track, workshop.track)} problem-solving workshop",
            sessions=len(meetings),
            participants=policy.participant_count(db, workshop, viewer=viewer),
            readmissions=workshop.readmissions,
            k=k,
            support_note=(
                "Support is stated without party labels. A statement about the sides is made "
                f"only where every side had at least {k} reacting members; otherwise only "
                "totals are given."
            ),
        ),
    )
