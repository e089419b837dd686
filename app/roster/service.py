"""The roster: participants, invitations (single use), recovery codes, revocation, re-admission.

Claiming an invitation creates the participant's recovery code; the authorship secret is
derived from that code and handed to the browser, never stored. The server keeps only a
hash of the invitation token and a hash of the recovery code.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import policy
from app.accounts import ratelimit
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Inconsistent, Invalid, NotFound, TooMany
from app.forms import clean_text
from app.i18n import N_
from app.policy import Viewer
from app.roster.models import Participant
from app.security import keys, sessions
from app.security.tokens import new_recovery_code, new_token, normalise_recovery_code, token_hash
from app.workshops.models import Party, Workshop

JOINABLE = frozenset({"open", "live"})
RECOVERABLE = frozenset({"open", "live", "closed"})
INVALID_LINK = N_("This invitation link is not valid: it may have been used already or withdrawn.")
INVALID_CODE = N_("This recovery code does not match an active participant.")


@dataclass(frozen=True)
class Invitation:
    participant: Participant
    token: str

    def path(self) -> str:
        return f"/join/{self.token}"


@dataclass(frozen=True)
class Claimed:
    participant: Participant
    recovery_code: str
    secret: bytes


def _party(db: Session, workshop: Workshop, party_id: str | None) -> Party:
    party = db.get(Party, party_id) if party_id else None
    if party is None or party.workshop_id != workshop.id:
        raise Inconsistent("Choose the participant's party.", field="party_id")
    return party


def add(
    db: Session,
    *,
    viewer: Viewer,
    workshop: Workshop,
    display_name: str,
    party_id: str | None,
    affiliation: str = "",
) -> Invitation:
    """Add a participant to the roster and return their personal invitation (shown once)."""
    policy.ensure(viewer, "roster.manage", workshop)
    if workshop.status == "archived":
        raise Conflict("An archived workshop cannot change.")
    name = clean_text(display_name, field="display_name", label="Name", max_length=120)
    org = clean_text(
        affiliation, field="affiliation", label="Affiliation", max_length=200, required=False
    )
    party = _party(db, workshop, party_id)
    token = new_token(32)
    participant = Participant(
        workshop_id=workshop.id,
        party_id=party.id,
        display_name=name,
        affiliation=org or None,
        invitation_hash=token_hash(token),
    )
    db.add(participant)
    db.flush()
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="roster.invite", target=participant
    )
    return Invitation(participant=participant, token=token)


def list_for(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[Participant]:
    policy.ensure(viewer, "roster.read", workshop)
    statement = (
        policy.visible(select(Participant), viewer, Participant)
        .where(col(Participant.workshop_id) == workshop.id)
        .order_by(col(Participant.id))
    )
    # names are ciphertext in the database (app.security.at_rest): sorted once decrypted
    return sorted(db.exec(statement), key=lambda p: ((p.display_name or "").casefold(), p.id))


def get(db: Session, workshop: Workshop, participant_id: str, *, viewer: Viewer) -> Participant:
    policy.ensure(viewer, "roster.manage", workshop)
    statement = policy.visible(select(Participant), viewer, Participant).where(
        col(Participant.id) == participant_id, col(Participant.workshop_id) == workshop.id
    )
    participant = db.exec(statement).first()
    if participant is None:
        raise NotFound()
    return participant


def revoke(db: Session, *, viewer: Viewer, workshop: Workshop, participant_id: str) -> None:
    """Revoke at once: the link stops working and every session of theirs ends."""
    participant = get(db, workshop, participant_id, viewer=viewer)
    participant.status = "revoked"
    participant.invitation_hash = None
    participant.recovery_hash = None
    db.add(participant)
    sessions.end_all_for_participant(db, participant.id)
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="roster.revoke", target=participant
    )


def readmit(db: Session, *, viewer: Viewer, workshop: Workshop, participant_id: str) -> Invitation:
    """A new link for someone who lost both link and code. Their old contributions stay theirs
    in the record but can no longer be edited: the new secret does not match the old tags."""
    participant = get(db, workshop, participant_id, viewer=viewer)
    if workshop.status == "archived":
        raise Conflict("An archived workshop cannot change.")
    token = new_token(32)
    was_active = participant.status in {"active", "revoked"} or participant.recovery_hash
    participant.invitation_hash = token_hash(token)
    participant.recovery_hash = None
    participant.status = "invited"
    if was_active:
        participant.readmitted += 1
        workshop.readmissions += 1
        db.add(workshop)
    db.add(participant)
    sessions.end_all_for_participant(db, participant.id)
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="roster.readmit", target=participant
    )
    return Invitation(participant=participant, token=token)


def invitation_workshop(db: Session, token: str) -> Workshop:
    """The workshop an unused invitation leads to (for the confirmation page)."""
    participant = _by_invitation(db, token)
    workshop = db.get(Workshop, participant.workshop_id)
    if workshop is None or workshop.status not in JOINABLE:
        raise NotFound(INVALID_LINK)
    return workshop


def _by_invitation(db: Session, token: str) -> Participant:
    if not token or len(token) > 200:
        raise NotFound(INVALID_LINK)
    participant = db.exec(
        select(Participant).where(col(Participant.invitation_hash) == token_hash(token))
    ).first()
    if participant is None or participant.status != "invited":
        raise NotFound(INVALID_LINK)
    return participant


def claim(db: Session, settings: Settings, *, token: str, client: str) -> Claimed:
    """Use an invitation once: it creates the recovery code and the authorship secret."""
    if ratelimit.blocked(db, settings, "join-client", client):
        raise TooMany("Too many attempts. Wait a few minutes and try again.")
    try:
        participant = _by_invitation(db, token)
    except NotFound:
        ratelimit.fail(db, settings, "join-client", client)
        db.commit()
        raise
    workshop = db.get(Workshop, participant.workshop_id)
    if workshop is None or workshop.status not in JOINABLE:
        raise NotFound(INVALID_LINK)
    code = new_recovery_code()
    participant.invitation_hash = None
    participant.recovery_hash = keys.recovery_lookup_hash(code)
    participant.status = "active"
    db.add(participant)
    db.flush()
    return Claimed(
        participant=participant, recovery_code=code, secret=keys.participant_secret(code)
    )


def recover(db: Session, settings: Settings, *, code: str, client: str) -> Claimed:
    """Restore the same participant, with the same authorship, on another device."""
    if ratelimit.blocked(db, settings, "recover-client", client):
        raise TooMany("Too many attempts. Wait a few minutes and try again.")
    normalised = normalise_recovery_code(code[:200])
    participant = db.exec(
        select(Participant).where(
            col(Participant.recovery_hash) == keys.recovery_lookup_hash(normalised)
        )
    ).first()
    workshop = db.get(Workshop, participant.workshop_id) if participant else None
    if (
        participant is None
        or participant.status != "active"
        or workshop is None
        or workshop.status not in RECOVERABLE
    ):
        ratelimit.fail(db, settings, "recover-client", client)
        db.commit()
        raise Invalid(INVALID_CODE, field="code")
    return Claimed(
        participant=participant,
        recovery_code=normalised,
        secret=keys.participant_secret(normalised),
    )
