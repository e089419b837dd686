"""Seeding helpers shared by the notes and policy tests: agenda items at every level, and
participants who have claimed their invitation (with their authorship secret)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.policy import Viewer
from app.roster import service as roster
from app.roster.models import RulesAcceptance
from app.workshops.models import Workshop
from tests.factories import World

LEVELS = ("on_record", "chatham", "off_record")


def add_items(db: Session, workshop: Workshop, *, prefix: str = "Item") -> dict[str, AgendaItem]:
    """One session with one contribution round at each confidentiality level."""
    meeting = Meeting(workshop_id=workshop.id, title=f"{prefix} session", level="chatham")
    db.add(meeting)
    db.flush()
    items = {}
    for position, level in enumerate(LEVELS):
        item = AgendaItem(
            workshop_id=workshop.id,
            meeting_id=meeting.id,
            title=f"{prefix} {level}",
            kind="contribution",
            phase="brainstorming",
            level=level,
            position=position,
        )
        db.add(item)
        items[level] = item
    db.flush()
    return items


@dataclass(frozen=True)
class Joined:
    viewer: Viewer
    recovery_code: str
    participant_id: str


def join(db: Session, settings: Settings, world: World, index: int = 0) -> Joined:
    """Claim invitation `index` and accept the rules; returns the participant's Viewer."""
    invitation = world.invitations[index]
    claimed = roster.claim(db, settings, token=invitation.token, client=f"seed-{index}")
    participant = claimed.participant
    workshop = db.get(Workshop, world.workshop.id)
    assert workshop is not None
    db.add(RulesAcceptance(participant_id=participant.id, version=workshop.rules_version))
    db.flush()
    viewer = Viewer(
        kind="participant",
        participant_id=participant.id,
        workshop_id=participant.workshop_id,
        party_id=participant.party_id,
        display_name=participant.display_name,
        secret=claimed.secret,
    )
    return Joined(viewer=viewer, recovery_code=claimed.recovery_code, participant_id=participant.id)
