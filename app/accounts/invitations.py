"""Staff invitations and password-reset links: single use, expiring, only their hash stored.

An organizer invites an address that has no account yet to a workshop's staff with a role;
the person opens the link and sets their own name and password, and so joins. A reset link
(asked for on the sign-in page, sent by e-mail, or printed by `tracktwo users reset-link`)
sets a new password and ends every session of the account."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select, update

from app.accounts import ratelimit
from app.accounts.mail import Outgoing
from app.accounts.models import StaffInvitation, User
from app.accounts.service import create_user, normalise_email, sign_out_everywhere
from app.audit import service as audit
from app.config import Settings
from app.errors import Gone, Invalid, TooMany
from app.i18n import N_, translate
from app.ids import utcnow
from app.live.bus import changed
from app.policy import Viewer
from app.security import passwords
from app.security.tokens import new_token, token_hash
from app.workshops.models import Membership, Workshop

JOIN = "join"
RESET = "reset"
LIFETIME = {JOIN: timedelta(hours=72), RESET: timedelta(hours=1)}
PATHS = {JOIN: "/invite/", RESET: "/reset/"}
LINK_GONE = N_(
    "This link is no longer valid: it was used, withdrawn or has expired. Ask for a new one."
)
log = logging.getLogger("tracktwo.accounts")


@dataclass(frozen=True)
class Issued:
    """A link just made: its address is shown (or sent) once and never again."""

    invitation: StaffInvitation
    url: str


def _issue(
    db: Session,
    settings: Settings,
    *,
    purpose: str,
    email: str,
    user_id: str | None = None,
    workshop_id: str | None = None,
    role: str | None = None,
    invited_by: str | None = None,
) -> Issued:
    """A new link; an earlier unused one for the same purpose and place stops working."""
    now = utcnow()
    earlier = update(StaffInvitation).where(
        col(StaffInvitation.purpose) == purpose,
        col(StaffInvitation.email) == email,
        col(StaffInvitation.workshop_id) == workshop_id
        if workshop_id
        else col(StaffInvitation.workshop_id).is_(None),
        col(StaffInvitation.used_at).is_(None),
    )
    db.exec(earlier.values(expires_at=now))
    token = new_token(32)
    row = StaffInvitation(
        token_hash=token_hash(token),
        purpose=purpose,
        email=email,
        user_id=user_id,
        workshop_id=workshop_id,
        role=role,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + LIFETIME[purpose],
    )
    db.add(row)
    db.flush()
    return Issued(row, f"{settings.public_base_url}{PATHS[purpose]}{token}")


def invite(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    email: str,
    role: str,
) -> Issued:
    """An invitation to `workshop`'s staff for an address without an account. The caller
    (app.workshops.staff.invite) has checked the organizer's right and the input."""
    issued = _issue(
        db,
        settings,
        purpose=JOIN,
        email=email,
        workshop_id=workshop.id,
        role=role,
        invited_by=viewer.user_id,
    )
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="staff.invite",
        target=issued.invitation,
        detail=f"{email} as {role}",
    )
    return issued


def pending(db: Session, workshop: Workshop) -> list[StaffInvitation]:
    """The workshop's invitations not yet used and not expired (the caller checked rights)."""
    statement = select(StaffInvitation).where(
        col(StaffInvitation.workshop_id) == workshop.id,
        col(StaffInvitation.purpose) == JOIN,
        col(StaffInvitation.used_at).is_(None),
        col(StaffInvitation.expires_at) > utcnow(),
    )
    return sorted(db.exec(statement), key=lambda row: row.email)


def withdraw(db: Session, *, viewer: Viewer, workshop: Workshop, invitation_id: str) -> None:
    row = next((r for r in pending(db, workshop) if r.id == invitation_id), None)
    if row is None:
        raise Gone(LINK_GONE)
    row.expires_at = utcnow()
    db.add(row)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="staff.invite.withdraw",
        target=row,
        detail=row.email,
    )


def _use_up(db: Session, row: StaffInvitation, user_id: str) -> None:
    """Mark the link used by a conditional UPDATE (only if still unused), so two requests
    racing with one link cannot both go through: the loser is told the link is gone."""
    taken = db.exec(
        update(StaffInvitation)
        .where(col(StaffInvitation.id) == row.id, col(StaffInvitation.used_at).is_(None))
        .values(used_at=utcnow(), user_id=user_id)
    )
    if not taken.rowcount:
        raise Gone(LINK_GONE)
    db.expire(row)


def open_link(db: Session, token: str, purpose: str) -> StaffInvitation:
    """The unused, unexpired link of this purpose, or Gone (the same for any other case)."""
    if not token or len(token) > 100:
        raise Gone(LINK_GONE)
    row = db.exec(select(StaffInvitation).where(StaffInvitation.token_hash == token_hash(token)))
    found = row.first()
    if found is None or found.purpose != purpose or found.used_at is not None:
        raise Gone(LINK_GONE)
    if found.expires_at <= utcnow():
        raise Gone(LINK_GONE)
    if purpose == JOIN:
        workshop = db.get(Workshop, found.workshop_id) if found.workshop_id else None
        if workshop is None or workshop.status == "archived":
            raise Gone(LINK_GONE)
    return found


@dataclass(frozen=True)
class Joining:
    """What the invitation page shows the person who opened the link."""

    email: str
    workshop_id: str
    workshop_title: str
    role: str


def joining(db: Session, token: str) -> Joining:
    return _joining(db, open_link(db, token, JOIN))


def _joining(db: Session, row: StaffInvitation) -> Joining:
    workshop = db.get(Workshop, row.workshop_id)
    assert workshop is not None and row.role is not None  # open_link checked the workshop
    return Joining(row.email, workshop.id, workshop.title, row.role)


def accept(
    db: Session,
    *,
    token: str,
    display_name: str,
    password: str,
    confirm: str,
) -> tuple[Joining, User]:
    """Make the invited account and add it to the staff (the caller signs it in)."""
    row = open_link(db, token, JOIN)
    joined_as = _joining(db, row)
    if password != confirm:
        raise Invalid("The two passwords differ.", field="confirm")
    if db.exec(select(User).where(User.email == row.email)).first() is not None:
        raise Invalid(
            "An account with this e-mail address exists already: sign in with it, and ask the "
            "organizer to add it to the staff.",
            field="email",
        )
    user = create_user(db, email=row.email, display_name=display_name, password=password)
    assert row.workshop_id is not None and row.role is not None  # a JOIN link has both
    _use_up(db, row, user.id)
    membership = Membership(workshop_id=row.workshop_id, user_id=user.id, role=row.role)
    db.add(membership)
    db.flush()
    joined = Viewer(
        kind="staff",
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        roles={row.workshop_id: row.role},
    )
    audit.record(
        db,
        viewer=joined,
        workshop_id=row.workshop_id,
        action="staff.join",
        target=membership,
        detail=f"{user.email} as {row.role}",
    )
    changed(db, row.workshop_id, "workshop")
    return joined_as, user


def ask_reset(db: Session, settings: Settings, *, email: object, client: str) -> str:
    """A reset asked on the sign-in page: the address checked and the ask counted (throttled
    per client and address), the same work whether or not it has an account; the link, if
    any, is made after the answer has gone (`reset_mail`), so the answer's time says
    nothing about the address either."""
    address = normalise_email(str(email or ""))[:254]
    if "@" not in address:
        raise Invalid("Enter a valid e-mail address.", field="email")
    if ratelimit.blocked(db, settings, "reset-client", client) or ratelimit.blocked(
        db, settings, "reset-email", address
    ):
        raise TooMany("Too many requests. Wait a few minutes and try again.")
    ratelimit.fail(db, settings, "reset-client", client)
    ratelimit.fail(db, settings, "reset-email", address)
    return address


def reset_mail(db: Session, settings: Settings, *, address: str) -> Outgoing | None:
    """The e-mail with a new reset link for an asked address, or None when it has no active
    account (nothing is sent, nothing is stored)."""
    user = db.exec(select(User).where(User.email == address)).first()
    if user is None or not user.is_active:
        log.info("password reset asked for no active account")
        return None
    issued = reset_link(db, settings, email=address)
    body = translate(
        "Someone asked to set a new password for your Tracktwo account. If it was you, open "
        "this link within an hour:\n\n%(url)s\n\nIf it was not you, ignore this message: your "
        "password stays as it is.",
        url=issued.url,
    )
    return Outgoing(to=user.email, subject=translate("Set a new Tracktwo password"), body=body)


def reset_link(db: Session, settings: Settings, *, email: str) -> Issued:
    """A reset link for an active account (the operator's `users reset-link`, or by e-mail)."""
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.is_active:
        raise Invalid("No staff account has this e-mail address.", field="email")
    return _issue(db, settings, purpose=RESET, email=user.email, user_id=user.id)


def reset(db: Session, *, token: str, password: str, confirm: str) -> User:
    """Set the new password; every session of the account ends, every other link too."""
    row = open_link(db, token, RESET)
    user = db.get(User, row.user_id) if row.user_id else None
    if user is None or not user.is_active:
        raise Gone(LINK_GONE)
    problem = passwords.password_problem(password)
    if problem:
        raise Invalid(problem, field="password")
    if password != confirm:
        raise Invalid("The two passwords differ.", field="confirm")
    _use_up(db, row, user.id)
    user.password_hash = passwords.hash_password(password)
    db.add(user)
    others = update(StaffInvitation).where(
        col(StaffInvitation.user_id) == user.id,
        col(StaffInvitation.purpose) == RESET,
        col(StaffInvitation.used_at).is_(None),
    )
    db.exec(others.values(expires_at=utcnow()))
    sign_out_everywhere(db, user.id)
    return user


def invitation_mail(issued: Issued, workshop_title: str, inviter: str) -> Outgoing:
    body = translate(
        "%(inviter)s invites you to the staff of the workshop “%(title)s” on Tracktwo. Open "
        "this link within three days to choose your name and password:\n\n%(url)s\n\nIf you "
        "did not expect this, ignore this message.",
        inviter=inviter,
        title=workshop_title,
        url=issued.url,
    )
    subject = translate("Invitation to the staff of “%(title)s”", title=workshop_title)
    return Outgoing(to=issued.invitation.email, subject=subject, body=body)
