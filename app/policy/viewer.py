"""Who is asking (Viewer), the roles, and what each role may do: the bottom of the policy.

Imports nothing of the application, so that every module may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

STAFF_ROLES = ("organizer", "facilitator", "rapporteur", "observer", "translator")
TEAM_ROLES = frozenset({"organizer", "facilitator", "rapporteur"})
LEVELS = ("on_record", "chatham", "off_record")
LEVEL_STRICTNESS = {"on_record": 0, "chatham": 1, "off_record": 2}
VISIBILITIES = ("private", "team", "room", "summary")
EXPORT = "export"
ROOM = "room"

# What each role may do within its workshop. Anything not listed is refused.
_READ = frozenset({"workshop.read", "room.read"})
ROLE_ACTIONS: Mapping[str, frozenset[str]] = {
    "organizer": frozenset(
        {
            *_READ,
            "workshop.manage",
            "staff.manage",
            "roster.read",
            "roster.manage",
            "parties.read",
            "parties.sizes",
            "rules.edit",
            "agenda.edit",
            "room.facilitate",
            "queue.read",
            "note.write",
            "note.team",
            "summary.edit",
            "summary.export",
            "audit.read",
            "evaluation.build",
            "evaluation.results",
            "evaluation.moderate",
            "transfer.read",
            "transfer.record",
            "impact.export",
        }
    ),
    "facilitator": frozenset(
        {
            *_READ,
            "parties.read",
            "parties.sizes",
            "rules.edit",
            "agenda.edit",
            "room.facilitate",
            "queue.read",
            "note.write",
            "note.team",
            "evaluation.results",
            "evaluation.moderate",
            "transfer.read",
        }
    ),
    "rapporteur": frozenset(
        {
            *_READ,
            "parties.read",
            "parties.sizes",
            "note.write",
            "note.team",
            "summary.edit",
            "evaluation.results",
            "transfer.read",
            "transfer.record",
        }
    ),
    "observer": frozenset({*_READ, "parties.read"}),
    # Sees text to translate and never an author, writes translations, and nothing else: no
    # workshop page, room, roster, parties, results, notes beyond those cleared, or audit
    # (what the texts are: app/policy/translating.py).
    "translator": frozenset({"translate"}),
    "participant": frozenset(
        {
            *_READ,
            "room.contribute",
            "note.write",
            "queue.request",
            "summary.review",
            "evaluation.answer",
            "evaluation.results",
        }
    ),
    # The audience of the non-attributed summary: what may leave the room (app/policy/filters.py).
    EXPORT: _READ,
    # What every participant of the room sees alike: revealed, unhidden proposals and the like.
    ROOM: _READ,
}

PARTICIPANT_WORKSHOP_STATES = frozenset({"open", "live", "closed"})


@dataclass(frozen=True)
class OwnProposals:
    """A participant's own proposal tags in their workshop, found by number (policy.mine):
    `next_number` is the one their next proposal takes. In a `legacy` workshop (per-id
    tags) no tag is known in advance: each pending row is proven by recomputing its tag."""

    tags: frozenset[str] = frozenset()
    numbers: Mapping[str, int] = field(default_factory=dict)  # tag -> n (tombstones need n)
    next_number: int = 1
    legacy: bool = False


@dataclass(frozen=True)
class Viewer:
    """Who is asking: anonymous, a staff user with roles per workshop, a participant, or the
    export audience of one workshop (the officials a summary is written for)."""

    kind: str = "anonymous"
    user_id: str | None = None
    email: str | None = None
    display_name: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)
    participant_id: str | None = None
    workshop_id: str | None = None
    party_id: str | None = None
    secret: bytes | None = field(default=None, repr=False)
    session_id: str | None = None
    two_step: bool = False  # a staff account with two-step sign-in on
    held_back: frozenset[str] = frozenset()  # workshops requiring it of them (policy.two_step)
    own_proposals: OwnProposals | None = field(default=None, repr=False)  # policy.mine

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def is_participant(self) -> bool:
        return self.kind == "participant"

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    @property
    def is_export(self) -> bool:
        return self.kind == EXPORT

    def role_in(self, workshop_id: str) -> str | None:
        """The viewer's role in a workshop: a staff role, 'participant', 'export', or None."""
        if self.is_staff:
            return self.roles.get(workshop_id)
        if self.is_participant and self.workshop_id == workshop_id:
            return "participant"
        if self.kind in (EXPORT, ROOM) and self.workshop_id == workshop_id:
            return self.kind
        return None

    def may(self, action: str, workshop_id: str) -> bool:
        role = self.role_in(workshop_id)
        return role is not None and action in ROLE_ACTIONS.get(role, frozenset())


ANONYMOUS = Viewer()


def room_audience(workshop_id: str) -> Viewer:
    """The room as a whole: what every participant sees alike (results are computed for it)."""
    return Viewer(kind=ROOM, workshop_id=workshop_id)


def export_audience(workshop_id: str) -> Viewer:
    """The viewer every summary (draft, review, export) is built for: it reads only what may
    leave the room."""
    return Viewer(kind=EXPORT, workshop_id=workshop_id)
