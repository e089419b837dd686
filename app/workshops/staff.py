"""Staff membership: organizers add, re-role and remove staff; at least one organizer stays."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import policy
from app.accounts.models import User
from app.accounts.service import normalise_email
from app.audit import service as audit
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.forms import clean_choice, clean_text
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


def add(db: Session, *, viewer: Viewer, workshop: Workshop, email: object, role: object) -> Member:
    """Add an existing staff account to the workshop with a role."""
    policy.ensure(viewer, "staff.manage", workshop)
    ensure_writable(workshop)
    errors: dict[str, str] = {}
    address = ""
    chosen = ""
    try:
        address = normalise_email(
            clean_text(email, field="email", label="E-mail address", max_length=254)
        )
    except Invalid as exc:
        errors["email"] = exc.message
    try:
        chosen = clean_choice(role, field="role", label="Role", choices=ROLE_CHOICES)
    except Invalid as exc:
        errors["role"] = exc.message
    if errors:
        raise Invalid(errors=errors)
    user = db.exec(select(User).where(col(User.email) == address)).first()
    if user is None or not user.is_active:
        raise Inconsistent(
            "No staff account uses this e-mail address. Ask them to have one created first.",
            field="email",
        )
    if any(m.user.id == user.id for m in list_staff(db, workshop, viewer=viewer)):
        raise Inconsistent("This person is already on the staff of this workshop.", field="email")
    membership = Membership(workshop_id=workshop.id, user_id=user.id, role=chosen)
    db.add(membership)
    db.flush()
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="staff.add",
        target=membership,
        detail=f"{user.email} as {chosen}",
    )
    changed(db, workshop.id, "workshop")
    return Member(membership, user)


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
