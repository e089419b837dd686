"""Presenters for workshops (called through policy.present)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from app import policy
from app.accounts.models import StaffInvitation
from app.policy import ROLE_ACTIONS, Viewer
from app.views import ROLE_LABELS, STATUS_LABELS, WorkshopView
from app.workshops.models import Party, Workshop

if TYPE_CHECKING:
    from app.workshops.staff import Member

TRACK_LABELS = {"track1_5": "Track 1.5", "track2": "Track 2", "track3": "Track 3"}


@policy.presenter("Workshop")
def workshop_view(workshop: Workshop, viewer: Viewer) -> WorkshopView:
    role = viewer.role_in(workshop.id)
    return WorkshopView(
        id=workshop.id,
        title=workshop.title,
        purpose=workshop.purpose,
        track=workshop.track,
        track_label=TRACK_LABELS.get(workshop.track, workshop.track),
        start_date=workshop.start_date,
        end_date=workshop.end_date,
        timezone=workshop.timezone,
        languages=[part for part in workshop.languages.split(",") if part],
        k_min=workshop.k_min,
        default_level=workshop.default_level,
        status=workshop.status,
        status_label=STATUS_LABELS.get(workshop.status, workshop.status),
        rules_version=workshop.rules_version,
        my_role=role,
        archive_after_days=workshop.archive_after_days,
        allowed_actions=sorted(ROLE_ACTIONS.get(role or "", frozenset())),
        staff_two_step=workshop.staff_two_step,
    )


@dataclass(frozen=True)
class HeldBackView:
    """A workshop that requires two-step sign-in the viewer lacks: its name, to say so."""

    id: str
    title: str


def held_back_views(workshops: list[Workshop]) -> list[HeldBackView]:
    return [HeldBackView(id=w.id, title=w.title) for w in workshops]


@dataclass(frozen=True)
class PartyView:
    id: str
    name: str
    description: str
    position: int
    size: int | None = None


@dataclass(frozen=True)
class StaffView:
    id: str
    email: str
    display_name: str
    role: str
    role_label: str
    is_me: bool


@policy.presenter("Party")
def party_view(party: Party, _viewer: Viewer) -> PartyView:
    return PartyView(
        id=party.id, name=party.name, description=party.description, position=party.position
    )


def with_sizes(parties: list[PartyView], sizes: dict[str, int]) -> list[PartyView]:
    return [replace(p, size=sizes.get(p.id, 0)) for p in parties]


@dataclass(frozen=True)
class InvitationView:
    """An invitation to the staff not used yet (its link is never shown again)."""

    id: str
    email: str
    role_label: str
    expires_on: date


def invitation_view(row: StaffInvitation) -> InvitationView:
    role = row.role or ""
    return InvitationView(row.id, row.email, ROLE_LABELS.get(role, role), row.expires_at.date())


def staff_view(member: Member, viewer: Viewer) -> StaffView:
    role = member.membership.role
    return StaffView(
        id=member.membership.id,
        email=member.user.email,
        display_name=member.user.display_name,
        role=role,
        role_label=ROLE_LABELS.get(role, role),
        is_me=member.user.id == viewer.user_id,
    )
