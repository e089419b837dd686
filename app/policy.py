"""The one door for confidential data: Viewer, visible(), ensure(), present().

Every read of confidential data goes through here. `visible()` adds the SQL filter for lists
(default deny); `ensure()` checks one object and raises NotFound on refusal (a 404 never
confirms that something exists); `present()` turns rows into view models without author
fields. Each check is recorded per request so tests can prove it ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql import ColumnElement
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import NotFound

STAFF_ROLES = ("organizer", "facilitator", "rapporteur", "observer")
TEAM_ROLES = frozenset({"organizer", "facilitator", "rapporteur"})
LEVELS = ("on_record", "chatham", "off_record")
LEVEL_STRICTNESS = {"on_record": 0, "chatham": 1, "off_record": 2}
VISIBILITIES = ("private", "team", "room", "summary")

# What each role may do within its workshop. Anything not listed is refused.
ROLE_ACTIONS: Mapping[str, frozenset[str]] = {
    "organizer": frozenset(
        {
            "workshop.read",
            "workshop.manage",
            "staff.manage",
            "roster.read",
            "roster.manage",
            "parties.sizes",
            "rules.edit",
            "agenda.edit",
            "room.read",
            "room.facilitate",
            "queue.read",
            "note.write",
            "note.team",
            "summary.edit",
            "summary.export",
            "audit.read",
        }
    ),
    "facilitator": frozenset(
        {
            "workshop.read",
            "parties.sizes",
            "rules.edit",
            "agenda.edit",
            "room.read",
            "room.facilitate",
            "queue.read",
            "note.write",
            "note.team",
        }
    ),
    "rapporteur": frozenset(
        {
            "workshop.read",
            "parties.sizes",
            "room.read",
            "note.write",
            "note.team",
            "summary.edit",
        }
    ),
    "observer": frozenset({"workshop.read", "room.read"}),
    "participant": frozenset(
        {
            "workshop.read",
            "room.read",
            "room.contribute",
            "note.write",
            "queue.request",
            "summary.review",
        }
    ),
}

PARTICIPANT_WORKSHOP_STATES = frozenset({"open", "live", "closed"})


@dataclass(frozen=True)
class Viewer:
    """Who is asking: anonymous, a staff user with roles per workshop, or a participant."""

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

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def is_participant(self) -> bool:
        return self.kind == "participant"

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    def role_in(self, workshop_id: str) -> str | None:
        """The viewer's role in a workshop: a staff role, 'participant', or None."""
        if self.is_staff:
            return self.roles.get(workshop_id)
        if self.is_participant and self.workshop_id == workshop_id:
            return "participant"
        return None

    def may(self, action: str, workshop_id: str) -> bool:
        role = self.role_in(workshop_id)
        return role is not None and action in ROLE_ACTIONS.get(role, frozenset())


ANONYMOUS = Viewer()

# -- per-request record of checks (datasette's assert_permissions_checked) -----------------

_checks: ContextVar[list[tuple[str, str]] | None] = ContextVar("policy_checks", default=None)


def start_recording() -> list[tuple[str, str]]:
    record: list[tuple[str, str]] = []
    _checks.set(record)
    return record


def recorded() -> list[tuple[str, str]]:
    return list(_checks.get() or [])


def _record(kind: str, what: str) -> None:
    record = _checks.get()
    if record is not None:
        record.append((kind, what))


# -- object checks ---------------------------------------------------------------------------


def allowed(viewer: Viewer, action: str, workshop: Any) -> bool:
    """Whether the viewer may do `action` in this workshop, its state considered for reads."""
    role = viewer.role_in(workshop.id)
    if role is None or action not in ROLE_ACTIONS.get(role, frozenset()):
        return False
    return not (role == "participant" and workshop.status not in PARTICIPANT_WORKSHOP_STATES)


def ensure(viewer: Viewer, action: str, workshop: Any | None) -> Any:
    """Return the workshop if the viewer may do `action` in it; else NotFound (never 403)."""
    _record("ensure", action)
    if workshop is None or not allowed(viewer, action, workshop):
        raise NotFound()
    return workshop


def sees_room_alike(viewer: Viewer, workshop_id: str) -> bool:
    """Whether the viewer is one of the workshop's participants (who do not facilitate):
    they all see the shared room regions alike, so one rendering may serve them all
    (app/room/fragments.py). Staff views depend on their role and are never shared."""
    _record("ensure", "room.alike")
    return viewer.is_participant and viewer.role_in(workshop_id) == "participant"


def ensure_signed_in(viewer: Viewer) -> None:
    _record("ensure", "signed-in")
    if viewer.is_anonymous:
        from app.errors import NotSignedIn

        raise NotSignedIn()


# -- list filters ----------------------------------------------------------------------------

M = TypeVar("M")

_FILTERS: dict[str, Callable[[Viewer, Any], ColumnElement[bool]]] = {}


def filter_for(
    model_name: str,
) -> Callable[
    [Callable[[Viewer, Any], ColumnElement[bool]]], Callable[[Viewer, Any], ColumnElement[bool]]
]:
    """Register the SQL filter that decides which rows of a model a viewer may list."""

    def register(
        fn: Callable[[Viewer, Any], ColumnElement[bool]],
    ) -> Callable[[Viewer, Any], ColumnElement[bool]]:
        _FILTERS[model_name] = fn
        return fn

    return register


def visible(statement: SelectOfScalar[M], viewer: Viewer, model: type[M]) -> SelectOfScalar[M]:
    """Add the viewer's filter for `model` to a SELECT. Unknown models: default deny."""
    name = model.__name__
    _record("visible", name)
    condition: ColumnElement[bool]
    rule = _FILTERS.get(name)
    condition = rule(viewer, model) if rule else false()
    return statement.where(condition)


def workshops_with(viewer: Viewer, action: str) -> list[str]:
    """Ids of workshops where the viewer's role allows the action."""
    if viewer.is_staff:
        return [wid for wid, role in viewer.roles.items() if action in ROLE_ACTIONS[role]]
    if viewer.is_participant and viewer.workshop_id and action in ROLE_ACTIONS["participant"]:
        return [viewer.workshop_id]
    return []


@filter_for("Workshop")
def _workshop_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_staff:
        return model.id.in_(list(viewer.roles)) if viewer.roles else false()
    if viewer.is_participant and viewer.workshop_id:
        return and_(
            model.id == viewer.workshop_id,
            model.status.in_(sorted(PARTICIPANT_WORKSHOP_STATES)),
        )
    return false()


def _in_workshops(model: Any, ids: Iterable[str]) -> ColumnElement[bool]:
    ids = list(ids)
    condition: ColumnElement[bool] = model.workshop_id.in_(ids) if ids else false()
    return condition


@filter_for("Membership")
def _membership_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return (
        _in_workshops(model, workshops_with(viewer, "workshop.read"))
        if viewer.is_staff
        else false()
    )


@filter_for("Party")
def _party_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("Participant")
def _participant_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_participant:
        own: ColumnElement[bool] = model.id == viewer.participant_id
        return own
    return _in_workshops(model, workshops_with(viewer, "roster.read"))


@filter_for("GroundRule")
def _rule_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("Meeting")
def _meeting_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("AgendaItem")
def _item_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("AuditEntry")
def _audit_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "audit.read"))


@filter_for("Theme")
def _theme_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "room.read"))


@filter_for("Proposal")
def _proposal_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Facilitators see pending proposals to moderate; others see revealed ones.

    A participant's own pending proposals are candidates here (same workshop, pending) and
    are kept only if their tag proves authorship: see `mine_only()`.
    """
    moderating = workshops_with(viewer, "room.facilitate")
    reading = workshops_with(viewer, "room.read")
    revealed = and_(model.status == "revealed", model.hidden == false())
    clauses: list[ColumnElement[bool]] = []
    if moderating:
        clauses.append(and_(model.workshop_id.in_(moderating), model.status != "withdrawn"))
    if reading:
        clauses.append(and_(model.workshop_id.in_(reading), revealed))
    if viewer.is_participant and viewer.workshop_id:
        clauses.append(and_(model.workshop_id == viewer.workshop_id, model.status == "pending"))
    return or_(*clauses) if clauses else false()


def keep_mine_or_revealed(
    rows: Iterable[Any], viewer: Viewer, workshop_key: bytes | None
) -> list[tuple[Any, bool]]:
    """After `visible(..., Proposal)`: each row with whether the viewer wrote it. A
    participant's pending candidates are kept only when the recomputed author tag proves
    authorship; staff are never authors (mine is always False for them)."""
    from app.security import keys

    _record("visible", "Proposal:mine")
    kept: list[tuple[Any, bool]] = []
    for row in rows:
        mine = (
            viewer.is_participant
            and workshop_key is not None
            and keys.is_mine(workshop_key, viewer.secret, "proposal", row.id, row.author_tag)
        )
        moderating = viewer.may("room.facilitate", row.workshop_id)
        if row.status == "pending" and not mine and not moderating:
            continue
        kept.append((row, mine))
    return kept


@filter_for("Reaction")
def _reaction_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Rows to count or to match by tag; no reaction row ever reaches a template."""
    return _in_workshops(model, workshops_with(viewer, "room.read"))


@filter_for("ReactionTally")
def _tally_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Per-party counts; shown only where the k rule holds (app/room/consensus.py)."""
    from sqlmodel import col, select

    from app.room.models import Proposal

    ids = workshops_with(viewer, "room.read")
    if not ids:
        return false()
    inside: ColumnElement[bool] = model.proposal_id.in_(
        select(col(Proposal.id)).where(col(Proposal.workshop_id).in_(ids))
    )
    return inside


@filter_for("SpeakingRequest")
def _queue_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_participant:
        own: ColumnElement[bool] = model.participant_id == viewer.participant_id
        return own
    return _in_workshops(model, workshops_with(viewer, "queue.read"))


@filter_for("Note")
def _note_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Private: the author only. Team: organizers, facilitators, rapporteurs. Room, summary:
    everyone in the workshop. A participant's private notes are candidates, kept by tag."""
    clauses: list[ColumnElement[bool]] = []
    if viewer.is_staff:
        team = workshops_with(viewer, "note.team")
        room = workshops_with(viewer, "room.read")
        if viewer.user_id:
            clauses.append(
                and_(model.visibility == "private", model.author_user_id == viewer.user_id)
            )
        if team:
            clauses.append(and_(model.workshop_id.in_(team), model.visibility == "team"))
        if room:
            clauses.append(
                and_(model.workshop_id.in_(room), model.visibility.in_(("room", "summary")))
            )
    elif viewer.is_participant and viewer.workshop_id:
        clauses.append(
            and_(
                model.workshop_id == viewer.workshop_id,
                or_(
                    model.visibility.in_(("room", "summary")),
                    and_(model.visibility == "private", model.author_tag.is_not(None)),
                ),
            )
        )
    return or_(*clauses) if clauses else false()


def keep_own_notes(rows: Iterable[Any], viewer: Viewer, workshop_key: bytes | None) -> list[Any]:
    """After `visible(..., Note)`: keep private notes only when the viewer wrote them. Staff
    prove it by user id; a participant by recomputing the note's author tag (never stored)."""
    from app.security import keys

    _record("visible", "Note:own")
    kept: list[Any] = []
    for row in rows:
        if row.visibility == "private":
            if viewer.is_participant:
                if workshop_key is None or not keys.is_mine(
                    workshop_key, viewer.secret, "note", row.id, row.author_tag
                ):
                    continue
            elif viewer.user_id is None or row.author_user_id != viewer.user_id:
                continue
        kept.append(row)
    return kept


def always(_viewer: Viewer, _model: Any) -> ColumnElement[bool]:
    return true()


# -- presentation ----------------------------------------------------------------------------

_PRESENTERS: dict[str, Callable[[Any, Viewer], Any]] = {}


def presenter(
    model_name: str,
) -> Callable[[Callable[[Any, Viewer], Any]], Callable[[Any, Viewer], Any]]:
    """Register how a model is shown to a viewer (a view model without author fields)."""

    def register(fn: Callable[[Any, Viewer], Any]) -> Callable[[Any, Viewer], Any]:
        _PRESENTERS[model_name] = fn
        return fn

    return register


def present(obj: Any, viewer: Viewer) -> Any:
    """The view model of an ORM row for this viewer. Rows never reach templates directly."""
    name = type(obj).__name__
    _record("present", name)
    fn = _PRESENTERS.get(name)
    if fn is None:
        raise LookupError(f"no presenter for {name}")
    return fn(obj, viewer)


def present_all(rows: Iterable[Any], viewer: Viewer) -> list[Any]:
    return [present(row, viewer) for row in rows]


def _register_presenters() -> None:
    import app.room.present  # noqa: F401  (registers Proposal, Theme, SpeakingRequest)
    from app.agenda.present import item_view, session_view
    from app.audit.present import audit_view
    from app.roster.present import roster_entry_view
    from app.rules.present import rule_view
    from app.workshops.present import party_view, workshop_view

    _PRESENTERS.setdefault("Workshop", workshop_view)
    _PRESENTERS.setdefault("Party", party_view)
    _PRESENTERS.setdefault("GroundRule", rule_view)
    _PRESENTERS.setdefault("Meeting", session_view)
    _PRESENTERS.setdefault("AgendaItem", item_view)
    _PRESENTERS.setdefault("Participant", roster_entry_view)
    _PRESENTERS.setdefault("AuditEntry", audit_view)


_register_presenters()
