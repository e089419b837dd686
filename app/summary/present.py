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
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem, Meeting
from app.i18n import N_
from app.notes.models import Note
from app.policy import Viewer
from app.room.consensus import Counts, Support, support
from app.room.models import Proposal, ReactionTally, Theme
from app.roster.models import Participant
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
AGREE_ALL = 0.6
DIVIDE_GAP = 0.4
BROAD_SHARE = 0.7

_md = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item or a heading of a synthesis, as plain text."""

    kind: str
    text: str


@dataclass(frozen=True)
class ProposalOut:
    text: str
    support: str
    agree: int
    disagree: int
    passed: int
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


def support_label(s: Support, k: int) -> str:
    """Support in words, never with a party label; a party statement only where k holds."""
    if s.k_holds and s.parties:
        if all(p.agreement >= AGREE_ALL for p in s.parties):
            return ALL_SIDES
        if s.gap is not None and s.gap >= DIVIDE_GAP:
            return DIVIDES
        return MIXED
    t = s.totals
    if t.reacted >= k and t.agree / t.reacted >= BROAD_SHARE:
        return BROAD
    return ""


def _rank(s: Support) -> tuple[int, float]:
    if s.consensus is not None:
        return (0, -s.consensus)
    t = s.totals
    return (1, -(t.agree + 1) / (t.reacted + 2))


def chosen(proposal: Proposal) -> bool:
    """Default: revealed, not hidden, not merged away; `in_summary` overrides (hidden never)."""
    if proposal.status != "revealed" or proposal.hidden:
        return False
    if proposal.in_summary is not None:
        return proposal.in_summary
    return proposal.merged_into_id is None


def _supports(
    db: Session, proposals: list[Proposal], party_ids: list[str], k: int
) -> dict[str, Support]:
    """Aggregates for proposals the policy already let through (a tally is only counts)."""
    ids = [p.id for p in proposals]
    by: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    if ids:
        rows = db.exec(select(ReactionTally).where(col(ReactionTally.proposal_id).in_(ids)))
        for row in rows:
            by[row.proposal_id][row.party_id][row.value] = row.count
    out: dict[str, Support] = {}
    for pid in ids:
        per_party = {party: Counts.of(values) for party, values in by[pid].items()}
        totals = sum(per_party.values(), Counts())
        out[pid] = support(totals, per_party, party_ids, k)
    return out


def _participant_count(db: Session, workshop: Workshop) -> int:
    """How many joined: a count, never a list (shown only if the organizer chose to)."""
    statement = select(func.count()).where(
        col(Participant.workshop_id) == workshop.id, col(Participant.status) == "active"
    )
    return int(db.exec(statement).one())


def build(
    db: Session, workshop: Workshop, *, viewer: Viewer, emit: Emit = identity, status: str = ""
) -> SummaryExport:
    """The summary of a workshop as the viewer's policy allows it, every text passed by emit."""
    k = max(3, workshop.k_min)
    parties = db.exec(
        policy.visible(select(Party), viewer, Party)
        .where(col(Party.workshop_id) == workshop.id)
        .order_by(col(Party.position), col(Party.id))
    ).all()
    party_ids = [p.id for p in parties]
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
        .where(col(Note.workshop_id) == workshop.id, col(Note.visibility) == "summary")
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
                col(Proposal.workshop_id) == workshop.id,
                col(Proposal.status) == "revealed",
                col(Proposal.hidden) == False,  # noqa: E712
            )
        ).all()
        if chosen(p)
    ]
    supports = _supports(db, proposals, party_ids, k)
    item_level = {i.id: i.level for i in items}

    notes_by_item: dict[str | None, list[Note]] = defaultdict(list)
    for note in notes:
        if note.item_id is not None and item_level.get(note.item_id, OFF_RECORD) == OFF_RECORD:
            continue
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
            key=lambda p: (_rank(supports[p.id]), p.shuffle_key),
        )
        out_proposals = []
        for p in ranked:
            s = supports[p.id]
            attribution = None
            if item.level == "on_record" and p.attribution:
                attribution = emit(f"proposal:{p.id}:attribution", N_("Attribution"), p.attribution)
            out_proposals.append(
                ProposalOut(
                    text=emit(f"proposal:{p.id}", N_("Proposal"), p.text),
                    support=support_label(s, k),
                    agree=s.totals.agree,
                    disagree=s.totals.disagree,
                    passed=s.totals.passed,
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
            participants=_participant_count(db, workshop)
            if workshop.show_participant_count
            else None,
            readmissions=workshop.readmissions,
            k=k,
            support_note=(
                "Support is stated without party labels. A statement about the sides is made "
                f"only where every side had at least {k} reacting members; otherwise only "
                "totals are given."
            ),
        ),
    )
