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
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem, Meeting
from app.i18n import N_
from app.notes.models import Note
from app.room import snapshots
from app.room.consensus import Support, support
from app.room.models import Proposal, Theme
from app.rules.models import GroundRule
from app.summary.blocks import Block, blocks
from app.summary.parallel import Original, Version, versions
from app.summary.texts import (
    FinalParagraph,
    TextParagraphOut,
    TextSignoffOut,
    final_signoffs,
    final_versions,
)
from app.views import LEVEL_LABELS
from app.workshops.models import Party, Workshop
from app.workshops.present import TRACK_LABELS

Emit = Callable[[str, str, str], str]

OFF_RECORD = "off_record"
KIND_LABELS = {
    "plenary": "Plenary discussion",
    "contribution": "Contribution round",
    "round": "Contribution round",
    "text": "Negotiating text",
    "break": "Break",
}
ALL_SIDES = N_("Supported across all sides")
DIVIDES = N_("Divides the sides")
MIXED = N_("Mixed views across the sides")
BROAD = N_("Broad support")
NO_SUPPORT = Support(reacted=0, band=None, k_holds=False)


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
    text: tuple[TextParagraphOut, ...] = ()  # a negotiating text's final version
    signoff: TextSignoffOut | None = None  # and its sign-off
    lang: str = ""  # the language of title and description, when not the export's


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
    lang: str = ""


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
    purpose_lang: str = ""
    versions: tuple[Version, ...] = ()  # the staff-written texts in every workshop language


def identity(_key: str, _label: str, text: str) -> str:
    return text


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
    db: Session, viewer: policy.Viewer, items: list[AgendaItem], party_ids: list[str], k: int
) -> dict[str, Support]:
    """The published support of every proposal of these items (app/room/snapshots.py): the
    same figures the room and the console were shown."""
    out: dict[str, Support] = {}
    for item in items:
        snapshot = snapshots.latest(db, viewer=viewer, item=item)
        for pid, cell in (snapshot.cells if snapshot else {}).items():
            out[pid] = support(cell.totals, cell.parties, party_ids, k)
    return out


@dataclass(frozen=True)
class _Rows:
    """What the export audience may read of one workshop, in the summary's order."""

    parties: list[Party]
    rules: list[GroundRule]
    meetings: list[Meeting]
    items: list[AgendaItem]
    notes: list[Note]
    themes: list[Theme]
    proposals: list[Proposal]


@dataclass
class _Context:
    """The rows grouped for building, and the emit every text goes through."""

    emit: Emit
    supports: dict[str, Support]
    notes_by_item: dict[str | None, list[Note]] = field(default_factory=lambda: defaultdict(list))
    themes_by_item: dict[str, list[Theme]] = field(default_factory=lambda: defaultdict(list))
    theme_name: dict[str, str] = field(default_factory=dict)
    proposals_by_item: dict[str, list[Proposal]] = field(default_factory=lambda: defaultdict(list))
    texts: dict[str, list[FinalParagraph]] = field(default_factory=dict)
    signoffs: dict[str, TextSignoffOut] = field(default_factory=dict)
    note_bodies: dict[str, str] = field(default_factory=dict)  # each note as emitted


def _read(db: Session, workshop: Workshop, viewer: policy.Viewer) -> _Rows:
    def rows(model: Any, *order: Any) -> list[Any]:
        statement = policy.visible(select(model), viewer, model).where(
            col(model.workshop_id) == workshop.id
        )
        return list(db.exec(statement.order_by(*order)).all())

    return _Rows(
        parties=rows(Party, col(Party.position), col(Party.id)),
        rules=rows(GroundRule, col(GroundRule.position), col(GroundRule.id)),
        meetings=rows(Meeting, col(Meeting.position), col(Meeting.day), col(Meeting.id)),
        items=rows(AgendaItem, col(AgendaItem.position), col(AgendaItem.id)),
        notes=rows(Note, col(Note.created_on), col(Note.id)),
        themes=rows(Theme, col(Theme.position), col(Theme.id)),
        proposals=[p for p in rows(Proposal) if chosen(p)],
    )


def _context(rows: _Rows, emit: Emit, supports: dict[str, Support]) -> _Context:
    ctx = _Context(emit=emit, supports=supports)
    for note in rows.notes:
        ctx.notes_by_item[note.item_id].append(note)
    for theme in rows.themes:
        ctx.theme_name[theme.id] = emit(f"theme:{theme.id}", N_("Theme"), theme.name)
        ctx.themes_by_item[theme.item_id].append(theme)
    for proposal in rows.proposals:
        ctx.proposals_by_item[proposal.item_id].append(proposal)
    return ctx


def _synthesis(ctx: _Context, item_id: str | None) -> tuple[Block, ...]:
    out: list[Block] = []
    for note in ctx.notes_by_item.get(item_id, []):
        body = ctx.emit(f"note:{note.id}", N_("Synthesis note"), note.body)
        ctx.note_bodies[note.id] = body
        out.extend(blocks(body))
    return tuple(out)


def _proposal_out(ctx: _Context, item: AgendaItem, p: Proposal) -> ProposalOut:
    s = ctx.supports.get(p.id, NO_SUPPORT)
    attribution = None
    if item.level == "on_record" and p.attribution:
        attribution = ctx.emit(f"proposal:{p.id}:attribution", N_("Attribution"), p.attribution)
    return ProposalOut(
        text=ctx.emit(f"proposal:{p.id}", N_("Proposal"), p.text),
        support=support_label(s),
        reacted=s.reacted,
        band=s.band,
        theme=ctx.theme_name.get(p.theme_id) if p.theme_id else None,
        attribution=attribution,
    )


def _item_out(ctx: _Context, item: AgendaItem) -> ItemOut:
    """An agenda item; an off-the-record one keeps its title only."""
    off = item.level == OFF_RECORD
    head = ItemOut(
        title=ctx.emit(f"item:{item.id}:title", N_("Agenda item title"), item.title),
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
        ctx.proposals_by_item.get(item.id, []),
        key=lambda p: (_rank(ctx.supports.get(p.id, NO_SUPPORT)), p.shuffle_key),
    )
    proposals = tuple(_proposal_out(ctx, item, p) for p in ranked if item.kind != "text")
    final = tuple(
        TextParagraphOut(
            number=p.number,
            text=ctx.emit(f"text:{p.id}", N_("Negotiating text"), p.text),
            version=p.version,
            every_party=p.every_party,
            lang=p.lang,
            versions=tuple(
                (lang, ctx.emit(f"text:{p.id}@{lang}", N_("Negotiating text"), other))
                for lang, other in p.others
            ),
        )
        for p in ctx.texts.get(item.id, [])
    )
    return replace(
        head,
        text=final,
        signoff=ctx.signoffs.get(item.id) if final else None,
        description=ctx.emit(f"item:{item.id}:description", N_("Agenda item"), item.description),
        synthesis=_synthesis(ctx, item.id),
        themes=tuple(ctx.theme_name[t.id] for t in ctx.themes_by_item.get(item.id, [])),
        proposals=proposals,
    )


def _by_meeting(rows: _Rows) -> dict[str, list[AgendaItem]]:
    """The agenda items each session lists (breaks are not reported)."""
    items_by_meeting: dict[str, list[AgendaItem]] = defaultdict(list)
    for item in rows.items:
        if item.kind != "break":
            items_by_meeting[item.meeting_id].append(item)
    return items_by_meeting


def _sessions(ctx: _Context, rows: _Rows) -> tuple[SessionOut, ...]:
    items_by_meeting = _by_meeting(rows)
    return tuple(
        SessionOut(
            title=ctx.emit(f"session:{m.id}:title", N_("Session title"), m.title),
            day=m.day,
            level_label=LEVEL_LABELS.get(m.level, m.level),
            items=tuple(_item_out(ctx, i) for i in items_by_meeting.get(m.id, [])),
        )
        for m in rows.meetings
    )


def _method(
    db: Session, workshop: Workshop, viewer: policy.Viewer, rows: _Rows, k: int
) -> MethodOut:
    return MethodOut(
        format=f"{TRACK_LABELS.get(workshop.track, workshop.track)} problem-solving workshop",
        sessions=len(rows.meetings),
        participants=policy.participant_count(db, workshop, viewer=viewer),
        readmissions=workshop.readmissions,
        k=k,
        support_note=(
            "Support is stated without party labels. A statement about the sides is made "
            f"only where every side had at least {k} reacting members; otherwise only "
            "totals are given."
        ),
    )


def build(
    db: Session, workshop: Workshop, *, emit: Emit = identity, status: str = ""
) -> SummaryExport:
    """The summary of a workshop, read as its export audience (`policy.export_audience`):
    whoever asks (an editor, a reviewing participant, the export) gets what may leave the
    room and nothing else, every text passed by emit. The caller has ensured the request."""
    viewer = policy.export_audience(workshop.id)
    k = policy.effective_k(workshop)
    rows = _read(db, workshop, viewer)
    party_ids = policy.counted_parties(
        [p.id for p in rows.parties], policy.roster_sizes(db, workshop)
    )
    ctx = _context(rows, emit, _supports(db, viewer, rows.items, party_ids, k))
    ctx.texts = final_versions(db, workshop, viewer, rows.items)
    ctx.signoffs = final_signoffs(db, workshop, viewer, rows.items)
    sessions = _sessions(ctx, rows)
    purpose = emit("workshop:purpose", N_("Purpose"), workshop.purpose)
    rules = [
        (
            r,
            emit(f"rule:{r.id}:title", N_("Ground rule"), r.title),
            emit(f"rule:{r.id}:body", N_("Ground rule"), r.body),
        )
        for r in rows.rules
    ]
    items = _listed(rows)
    shown = [(i, o.title, o.description) for i, o in zip(items, _flat(sessions), strict=True)]
    general = _synthesis(ctx, None)
    notes = [(n, -1, ctx.note_bodies[n.id]) for n in ctx.notes_by_item.get(None, [])]
    notes += [
        (n, index, ctx.note_bodies[n.id])
        for index, item in enumerate(items)
        for n in ctx.notes_by_item.get(item.id, [])
        if n.id in ctx.note_bodies  # an off-the-record item shows no synthesis
    ]
    return SummaryExport(
        title=emit("workshop:title", N_("Workshop title"), workshop.title),
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        purpose=purpose,
        track=TRACK_LABELS.get(workshop.track, workshop.track),
        status=status,
        rules=tuple(RuleOut(title=t, body=b) for _, t, b in rules),
        general=general,
        sessions=sessions,
        method=_method(db, workshop, viewer, rows, k),
        versions=versions(
            db, workshop, viewer, emit=emit, original=Original(purpose, rules, shown, notes)
        ),
    )


def _listed(rows: _Rows) -> list[AgendaItem]:
    """The agenda items in the order the sessions list them."""
    by_meeting = _by_meeting(rows)
    return [item for m in rows.meetings for item in by_meeting.get(m.id, [])]


def _flat(sessions: tuple[SessionOut, ...]) -> list[ItemOut]:
    return [item for session in sessions for item in session.items]
