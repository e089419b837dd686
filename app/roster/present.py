"""The roster as organizers see it: never an invitation or recovery hash."""

from __future__ import annotations

from dataclasses import dataclass

from app import policy
from app.errors import NotFound
from app.policy import Viewer
from app.roster.models import Participant

STATUS_LABELS = {"invited": "Invited", "active": "Joined", "revoked": "Revoked"}


@dataclass(frozen=True)
class RosterEntryView:
    id: str
    display_name: str
    party_id: str | None
    affiliation: str
    status: str
    status_label: str
    readmitted: int


@dataclass(frozen=True)
class InvitationView:
    participant_id: str
    display_name: str
    url: str


@policy.presenter("Participant")
def roster_entry_view(participant: Participant, viewer: Viewer) -> RosterEntryView:
    """Only those who may read the roster (organizers) ever get a roster entry."""
    if not viewer.may("roster.read", participant.workshop_id):
        raise NotFound()
    return RosterEntryView(
        id=participant.id,
        display_name=participant.display_name or "",
        party_id=participant.party_id,
        affiliation=participant.affiliation or "",
        status=participant.status,
        status_label=STATUS_LABELS.get(participant.status, participant.status),
        readmitted=participant.readmitted,
    )
