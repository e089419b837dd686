"""View models of the live room. None has an author field: the author's own items carry
only a boolean `mine`, recomputed by the policy from the author tag."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app import policy
from app.agenda.models import AgendaItem
from app.i18n import N_
from app.ids import utcnow
from app.policy import Viewer
from app.room.models import Proposal, SpeakingRequest, Theme
from app.views import LEVEL_LABELS

KIND_LABELS = {
    "plenary": "Plenary",
    "contribution": "Contribution round",
    "text": "Negotiating text",
    "break": "Break",
}
STATE_LABELS = {"planned": "Planned", "live": "Live", "done": "Done"}
REACTION_LABELS = {"agree": "Agree", "disagree": "Disagree", "pass": "Pass"}


@dataclass(frozen=True)
class TimerView:
    running: bool
    paused: bool
    ends_at: str | None
    remaining_seconds: int | None

    @property
    def countdown(self) -> str:
        seconds = max(0, self.remaining_seconds or 0)
        return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True)
class RoomItemView:
    id: str
    title: str
    description: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    state: str
    state_label: str
    intake_open: bool
    reveals: int
    results_shown: bool
    timer: TimerView
    started_on: str | None
    small_batch: int
    level_was: str | None
    level_was_label: str | None
    lang: str = ""  # the language of title and description (the reader's, or the original's)
    original_name: str = ""  # the original language's name, when shown instead of the reader's


@dataclass(frozen=True)
class ThemeView:
    id: str
    name: str


@dataclass(frozen=True)
class ProposalView:
    id: str
    item_id: str
    text: str
    status: str
    batch: int
    edited: bool
    hidden: bool
    hide_reason: str
    theme_id: str | None
    attribution: str | None
    mine: bool = False
    merged_count: int = 0
    my_reaction: str | None = None
    # Beside a revealed proposal: its translation into the reader's language, if any.
    translation: str = ""
    translation_lang: str = ""
    translation_language: str = ""
    theme_name: str | None = None


BAND_LABELS = {
    "broad": N_("Broad support"),
    "divided": N_("Divided"),
    "little": N_("Little support"),
}


@dataclass(frozen=True)
class PartyShareView:
    party: str
    reacted: int
    band: str

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.band]


@dataclass(frozen=True)
class SupportView:
    """Published support of one proposal: a band, never exact counts per value."""

    proposal_id: str
    text: str
    reacted: int
    band: str | None
    k_holds: bool
    parties: list[PartyShareView] = field(default_factory=list)

    @property
    def band_label(self) -> str | None:
        return BAND_LABELS[self.band] if self.band else None


@dataclass(frozen=True)
class BlockingParty:
    """Staff only: a party the k rule leaves out (no members) or that is too small for k.
    Unnamed here (the room's pages hold proposal texts); the parties page names it."""

    members: int
    reason: str


@dataclass(frozen=True)
class ResultsView:
    k: int
    shown: bool
    published: bool
    published_on: date | None
    withheld: int
    supports: list[SupportView]
    unites: list[SupportView]
    divides: list[SupportView]
    blocking: list[BlockingParty] = field(default_factory=list)


@dataclass(frozen=True)
class QueueEntryView:
    """Staff only: the one place a participant's name appears in the live room."""

    id: str
    name: str
    party: str
    status: str
    spoken: int


@dataclass(frozen=True)
class MyQueueView:
    waiting: bool
    speaking: bool


def timer_view(ends_at: datetime | None, remaining: int | None) -> TimerView:
    if ends_at is not None:
        if ends_at.tzinfo is None:
            ends_at = ends_at.replace(tzinfo=UTC)
        left = int((ends_at - utcnow()).total_seconds())
        return TimerView(
            running=True,
            paused=False,
            ends_at=ends_at.isoformat().replace("+00:00", "Z"),
            remaining_seconds=max(0, left),
        )
    if remaining is not None:
        return TimerView(running=False, paused=True, ends_at=None, remaining_seconds=remaining)
    return TimerView(running=False, paused=False, ends_at=None, remaining_seconds=None)


def item_view(item: object) -> RoomItemView:
    assert isinstance(item, AgendaItem)
    return RoomItemView(
        id=item.id,
        title=item.title,
        description=item.description,
        kind=item.kind,
        kind_label=KIND_LABELS.get(item.kind, item.kind),
        level=item.level,
        level_label=LEVEL_LABELS.get(item.level, item.level),
        state=item.state,
        state_label=STATE_LABELS.get(item.state, item.state),
        intake_open=item.intake_open,
        reveals=item.reveals,
        results_shown=item.results_shown,
        timer=timer_view(item.timer_ends_at, item.timer_remaining),
        started_on=item.started_on.isoformat() if item.started_on else None,
        small_batch=item.small_batch,
        level_was=item.level_was,
        level_was_label=LEVEL_LABELS.get(item.level_was) if item.level_was else None,
    )


@policy.presenter("Proposal")
def proposal_view(proposal: Proposal, viewer: Viewer) -> ProposalView:
    """The moderation fields (hidden, reason) only for those who facilitate."""
    facilitating = viewer.may("room.facilitate", proposal.workshop_id)
    return ProposalView(
        id=proposal.id,
        item_id=proposal.item_id,
        text=proposal.text,
        status=proposal.status,
        batch=proposal.batch,
        edited=proposal.edited,
        hidden=proposal.hidden if facilitating else False,
        hide_reason=proposal.hide_reason if facilitating else "",
        theme_id=proposal.theme_id,
        attribution=proposal.attribution,
    )


@policy.presenter("Theme")
def theme_view(theme: Theme, viewer: Viewer) -> ThemeView:
    return ThemeView(id=theme.id, name=theme.name)


@policy.presenter("SpeakingRequest")
def my_queue_view(request: SpeakingRequest, viewer: Viewer) -> MyQueueView:
    return MyQueueView(waiting=request.status == "waiting", speaking=request.status == "speaking")
