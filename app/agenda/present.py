"""View models for sessions and agenda items (definitions; no runtime secrets, no authors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from app import policy
from app.agenda.models import AgendaItem, Meeting
from app.policy import Viewer
from app.views import LEVEL_LABELS

KIND_LABELS = {
    "plenary": "Plenary discussion",
    "contribution": "Contribution round",
    "text": "Negotiating text",
    "break": "Break",
}
PHASE_LABELS = {
    "opening": "Opening",
    "needs_fears": "Needs and fears",
    "brainstorming": "Joint brainstorming",
    "evaluating": "Evaluating options",
    "ways_forward": "Ways forward",
    "closing": "Closing",
}
LIVE_STATES = frozenset({"live"})


@dataclass(frozen=True)
class ItemView:
    id: str
    session_id: str
    title: str
    description: str
    kind: str
    kind_label: str
    phase: str
    phase_label: str
    duration_minutes: int
    level: str
    level_label: str
    position: int
    state: str
    is_live: bool
    started: bool
    lang: str = ""
    dir: str = "auto"
    original_name: str = ""  # the original language's name, when shown instead of the reader's


@dataclass(frozen=True)
class SessionView:
    id: str
    title: str
    day: date | None
    start_time: time | None
    end_time: time | None
    place: str
    level: str
    level_label: str
    position: int
    items: list[ItemView] = field(default_factory=list)

    @property
    def hours(self) -> str:
        if self.start_time and self.end_time:
            return f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        if self.start_time:
            return f"{self.start_time:%H:%M}"
        return ""


@policy.presenter("AgendaItem")
def item_view(item: AgendaItem, _viewer: Viewer) -> ItemView:
    return ItemView(
        id=item.id,
        session_id=item.meeting_id,
        title=item.title,
        description=item.description,
        kind=item.kind,
        kind_label=KIND_LABELS.get(item.kind, item.kind),
        phase=item.phase,
        phase_label=PHASE_LABELS.get(item.phase, item.phase),
        duration_minutes=item.duration_minutes,
        level=item.level,
        level_label=LEVEL_LABELS.get(item.level, item.level),
        position=item.position,
        state=item.state,
        is_live=item.state in LIVE_STATES,
        started=item.state != "planned",
    )


@policy.presenter("Meeting")
def session_view(meeting: Meeting, _viewer: Viewer) -> SessionView:
    return SessionView(
        id=meeting.id,
        title=meeting.title,
        day=meeting.day,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        place=meeting.place,
        level=meeting.level,
        level_label=LEVEL_LABELS.get(meeting.level, meeting.level),
        position=meeting.position,
    )
