"""Invitation cards for the room box: fresh links for every participant who has not joined yet.

A link's token is known only when it is made (the server keeps its hash), so printing cards
issues a new link to each not-yet-joined participant (roster.readmit: the old link stops
working) and records one audit entry for the batch besides readmit's own. Participants who
joined keep their sessions and get no card."""

from __future__ import annotations

from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.service import normalise_email
from app.audit import service as audit
from app.errors import Invalid
from app.policy import Viewer
from app.roster import service as roster
from app.venue.cards import Card
from app.workshops import service as workshops
from app.workshops.models import Membership, Workshop


def staff_viewer(db: Session, email: str) -> Viewer:
    """The staff account an operator acts as (`--as EMAIL`), with its workshop roles."""
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.is_active:
        raise Invalid("No active staff account has this e-mail address.", field="email")
    roles = {
        m.workshop_id: m.role
        for m in db.exec(select(Membership).where(Membership.user_id == user.id))
    }
    return Viewer(
        kind="staff", user_id=user.id, email=user.email, display_name=user.display_name, roles=roles
    )


def issue_cards(
    db: Session, *, viewer: Viewer, workshop_id: str, base_url: str
) -> tuple[Workshop, list[Card]]:
    """Fresh links for every participant not yet joined, as cards (sorted by name)."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="roster.manage")
    waiting = [
        p
        for p in roster.list_for(db, workshop, viewer=viewer)
        if p.status == "invited" and p.recovery_hash is None
    ]
    cards = []
    for participant in waiting:
        invitation = roster.readmit(
            db, viewer=viewer, workshop=workshop, participant_id=participant.id
        )
        cards.append(Card(name=participant.display_name or "", link=base_url + invitation.path()))
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="roster.print_cards",
        target=workshop,
        detail=f"{len(cards)} fresh invitation links for printed cards",
    )
    return workshop, cards
