"""Staff membership: organizers add or invite, re-role and remove staff; at least one
organizer stays."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import policy
from app.accounts import invitations
from app.accounts.models import StaffInvitation, User
from app.accounts.service import normalise_email
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.forms import clean_choice, clean_text
from app.i18n import gettext
from app.live.bus import changed
from app.policy import STAFF_ROLES, Viewer
from app.workshops.models import Membership, Workshop
from app.workshops.state import ensure_writable

ROLE_CHOICES = {role: role for role in STAFF_ROLES}


@dataclass(frozen=True)
class Member:
    membership: Membership
    user: User


def list_staff(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[Member]:
    policy.ensure(viewer, "staff.manage", workshop)
    statement = policy.visible(select(Membership), viewer, Membership).where(
        col(Membership.workshop_id) == workshop.id
    )
    memberships = list(db.exec(statement))
    users = {
        u.id: u
        for u in db.exec(select(User).where(col(User.id).in_([m.user_id for m in memberships])))
    }
    members = [Member(m, users[m.user_id]) for m in memberships if m.user_id in users]
    order = {role: i for i, role in enumerate(STAFF_ROLES)}
    return sorted(members, key=lambda m: (order.get(m.membership.role, 9), m.user.email))


def _get(db: Session, workshop: Workshop, membership_id: str, viewer: Viewer) -> Member:
    for member in list_staff(db, workshop, viewer=viewer):
        if member.membership.id == membership_id:
            return member
    raise NotFound()


def _organizers(db: Session, workshop: Workshop, viewer: Viewer) -> int:
    return sum(
        1 for m in list_staff(db, workshop, viewer=viewer) if m.membership.role == "organizer"
    )


def _cleaned(email: object, role: object) -> tuple[str, str]:
    errors: dict[str, str] = {}
    address = ""
    chosen = ""
    try:
        typed = clean_text(email, field="email", label="E-mail address", max_length=254)
        address = normalise_email(typed)
        raw = email if isinstance(email, str) else ""  # clean_text strips: look at what came
        if "@" not in address or any(ch.isspace() for ch in raw):
            errors["email"] = gettext("Enter a valid e-mail address.")
    except Invalid as exc:
        errors["email"] = exc.message
    try:
        chosen = clean_choice(role, field="role", label="Role", choices=ROLE_CHOICES)
    except Invalid as exc:
        errors["role"] = exc.message
    if errors:
        raise Invalid(errors=errors)
    return address, chosen


def add(db: Session, *, viewer: Viewer, workshop: Workshop, email: object, role: object) -> Member:
    """Add an existing staff account to the workshop with a role."""
    policy.ensure(viewer, "staff.manage", workshop)
    ensure_writable(workshop)
    address, chosen = _cleaned(email, role)
    user = db.exec(select(User).where(col(User.email) == address)).first()
    if user is None:
        raise Inconsistent("No staff account uses this e-mail address.", field="email")
    return _add_member(db, viewer, workshop, user, chosen)


def invite(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    email: object,
    role: object,
) -> Member | invitations.Issued:
    """Add the account with this address to the staff, or, when there is none yet, make an
    invitation link with which the person sets their own name and password."""
    policy.ensure(viewer, "staff.manage", workshop)
    ensure_writable(workshop)
    address, chosen = _cleaned(email, role)
    user = db.exec(select(User).where(col(User.email) == address)).first()
    if user is None:
        return invitations.invite(
            db, settings, viewer=viewer, workshop=workshop, email=address, role=chosen
        )
    return _add_member(db, viewer, workshop, user, chosen)


def _add_member(db: Session, viewer: Viewer, workshop: Workshop, user: User, role: str) -> Member:
    if not user.is_active:
        raise Inconsistent(
            "The account with this e-mail address is deactivated: it cannot be added.",
            field="email",
        )
    if any(m.user.id == user.id for m in list_staff(db, workshop, viewer=viewer)):
        raise Inconsistent("This person is already on the staff of this workshop.", field="email")
    membership = Membership(workshop_id=workshop.id, user_id=user.id, role=role)
    db.add(membership)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="staff.add",
        target=membership,
        detail=f"{user.email} as {role}",
    )
    changed(db, workshop.id, "workshop")
    return Member(membership, user)


def pending_invitations(
    db: Session, workshop: Workshop, *, viewer: Viewer
) -> list[StaffInvitation]:
    policy.ensure(viewer, "staff.manage", workshop)
    return invitations.pending(db, workshop)


def withdraw_invitation(
    db: Session, *, viewer: Viewer, workshop: Workshop, invitation_id: str
) -> None:
    policy.ensure(viewer, "staff.manage", workshop)
    ensure_writable(workshop)
    invitations.withdraw(db, viewer=viewer, workshop=workshop, invitation_id=invitation_id)


def change_role(
    db: Session, *, viewer: Viewer, workshop: Workshop, membership_id: str, role: object
) -> Member:
    policy.ensure(viewer, "staff.manage", workshop)
    ensure_writable(workshop)
    chosen = clean_choice(role, field="role", label="Role", choices=ROLE_CHOICES)
    member = _get(db, workshop, membership_id, viewer)
    before = member.membership.role
    if before == chosen:
        return member
    if before == "organizer" and _organizers(db, workshop, viewer) <= 1:
        raise Conflict("A workshop always keeps at least one organizer.")
    member.membership.role = chosen
    db.add(member.membership)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="staff.role",
        target=member.membership,
        detail=f"{member.user.email}: {before} -> {chosen}",
    )
    changed(db, workshop.id, "workshop")
    return member


def remove(db: Session, *, viewer: Viewer, workshop: Workshop, membership_id: str) -> None:
    policy.ensure(viewer, "staff.manage", workshop)
    ensure_writable(workshop)
    member = _get(db, workshop, membership_id, viewer)
    if member.membership.role == "organizer" and _organizers(db, workshop, viewer) <= 1:
        raise Conflict("A workshop always keeps at least one organizer.")
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="staff.remove",
        target=member.membership,
        detail=f"{member.user.email} ({member.membership.role})",
    )
    db.delete(member.membership)
    changed(db, workshop.id, "workshop")
