"""Object checks: may this viewer do this in this workshop? A refusal is NotFound (404),
never 403: a confidential object is as invisible as none.

Every rule about *who* may see or do something, beyond the list filters, is stated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.agenda.models import ROUND_KINDS
from app.errors import NotFound, NotSignedIn
from app.policy.record import note
from app.policy.two_step import ensure_not_held_back
from app.policy.viewer import (
    PARTICIPANT_WORKSHOP_STATES,
    ROLE_ACTIONS,
    VISIBILITIES,
    Viewer,
)


def allowed(viewer: Viewer, action: str, workshop: Any) -> bool:
    """Whether the viewer may do `action` in this workshop, its state considered for reads."""
    role = viewer.role_in(workshop.id)
    if role is None or action not in ROLE_ACTIONS.get(role, frozenset()):
        return False
    return not (role == "participant" and workshop.status not in PARTICIPANT_WORKSHOP_STATES)


def ensure(viewer: Viewer, action: str, workshop: Any | None) -> Any:
    """Return the workshop if the viewer may do `action` in it; else NotFound (never 403)."""
    note("ensure", action)
    if workshop is not None:
        ensure_not_held_back(viewer, workshop.id)
    if workshop is None or not allowed(viewer, action, workshop):
        raise NotFound()
    return workshop


def ensure_signed_in(viewer: Viewer) -> None:
    note("ensure", "signed-in")
    if viewer.is_anonymous:
        raise NotSignedIn()


def own_participant(viewer: Viewer, workshop_id: str) -> str:
    """The viewer's own participant id in this workshop (their recovery code page); NotFound
    for anyone else."""
    note("ensure", "participant.own")
    if not viewer.is_participant or viewer.workshop_id != workshop_id or not viewer.participant_id:
        raise NotFound()
    return viewer.participant_id


def workshops_with(viewer: Viewer, action: str) -> list[str]:
    """Ids of workshops where the viewer's role allows the action."""
    if viewer.is_staff:
        return [wid for wid, role in viewer.roles.items() if action in ROLE_ACTIONS[role]]
    role = "participant" if viewer.is_participant else viewer.kind
    if role in ROLE_ACTIONS and viewer.workshop_id and action in ROLE_ACTIONS[role]:
        return [viewer.workshop_id]
    return []


def sees_room_alike(viewer: Viewer, workshop_id: str) -> bool:
    """Whether the viewer is one of the workshop's participants (who do not facilitate):
    they all see the shared room regions alike, so one rendering may serve them all
    (app/room/fragments.py). Staff views depend on their role and are never shared."""
    note("ensure", "room.alike")
    return viewer.is_participant and viewer.role_in(workshop_id) == "participant"


def may_see_results(viewer: Viewer, workshop: Any, item: Any) -> bool:
    """Results of a contribution round: the facilitating staff always (as published
    snapshots, like everyone), the rest of the room once the facilitator shows them."""
    note("ensure", "results")
    if item.kind not in ROUND_KINDS:
        return False
    return viewer.may("room.facilitate", workshop.id) or (
        bool(item.results_shown) and viewer.may("room.read", workshop.id)
    )


def note_visibilities(viewer: Viewer, workshop_id: str) -> Sequence[str]:
    """The visibilities this viewer may give a note: participants' notes are always private;
    the team (organizer, facilitator, rapporteur) may share theirs with the team, the room or
    the summary; anyone else who writes keeps notes private."""
    if viewer.is_participant:
        return ("private",)
    if viewer.may("note.team", workshop_id):
        return VISIBILITIES
    return ("private",) if viewer.may("note.write", workshop_id) else ()


def may_clear_for_summary(item: Any | None) -> bool:
    """Nothing of an off-the-record item ever goes into a summary."""
    return item is None or item.level != "off_record"


def translates_only(viewer: Viewer, workshop_id: str) -> bool:
    """A translator reads nothing of the workshop but its texts to translate: their page of
    the workshop is that list (app/policy/translating.py)."""
    note("ensure", "translate.only")
    return viewer.may("translate", workshop_id) and not viewer.may("workshop.read", workshop_id)
