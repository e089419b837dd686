"""View models: frozen dataclasses that templates, the JSON API, SSE and exports receive.

None of them has an author field. ORM rows never reach a template; `present()` in
app/policy.py (and the feature presenters it calls) build these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

LEVEL_LABELS = {
    "on_record": "On the record",
    "chatham": "Chatham House",
    "off_record": "Off the record",
}
STATUS_LABELS = {
    "draft": "Draft",
    "open": "Open",
    "live": "Live",
    "closed": "Closed",
    "archived": "Archived",
}
ROLE_LABELS = {
    "organizer": "Organizer",
    "facilitator": "Facilitator",
    "rapporteur": "Rapporteur",
    "observer": "Observer",
    "translator": "Translator",
    "participant": "Participant",
}


def as_json(view: Any) -> dict[str, Any]:
    return asdict(view)


def control_state(value: str | None, choices: Iterable[str]) -> dict[str, int]:
    """The viewer's own choice (a reaction, a mark) as the state of its controls, 1 or 0 each:
    one size whatever the choice, or none, as a JSON answer must be for every participant
    (Anonymity 7: "agree" and "pass" differ in length)."""
    return {choice: int(choice == value) for choice in choices}


@dataclass(frozen=True)
class WorkshopView:
    id: str
    title: str
    purpose: str
    track: str
    track_label: str
    start_date: date | None
    end_date: date | None
    timezone: str
    languages: list[str]
    k_min: int
    default_level: str
    status: str
    status_label: str
    rules_version: int
    my_role: str | None
    archive_after_days: int | None = None
    allowed_actions: list[str] = field(default_factory=list)
    staff_two_step: bool = False


@dataclass(frozen=True)
class AuditView:
    id: str
    when: str
    actor: str
    action: str  # the code, e.g. room.results.publish
    target_kind: str
    detail: str
    action_label: str = ""  # its words (a msgid: the page translates it), or the code
    target_label: str = ""


@dataclass(frozen=True)
class ApiTokenView:
    id: str
    name: str
    created_on: date
