"""The demo's two-step sign-in: the demo organizer has it on (its key is printed with the
logins, so an authenticator app, or pyotp, gives the codes), and a small second workshop, the
conveners' preparatory meeting, requires it of its staff; the demo facilitator is its staff
without it, and is asked there to set it up. The other demo logins sign in as before.
"""

from __future__ import annotations

import time

import pyotp
from sqlmodel import Session

from app.accounts.models import User
from app.config import Settings
from app.errors import Invalid
from app.policy import Viewer
from app.two_step import codes
from app.two_step import service as two_step
from app.workshops import service as workshops
from app.workshops import staff as staff_service
from app.workshops.models import Workshop

PREP_TITLE = "Sarel Basin Dialogue — Conveners' preparatory meeting"
PREP_PURPOSE = (
    "The conveners and the facilitation team prepare the next round. Its organizer asks every "
    "staff member to use two-step sign-in."
)


def enrol(db: Session, settings: Settings, viewer: Viewer, *, password: str) -> bool:
    """Two-step sign-in for this account, through the account page's own service; False
    when it already has it (an earlier demo)."""
    if two_step.is_active(db, viewer.user_id):
        return False
    two_step.start(db, settings, viewer=viewer)
    secret = two_step.pending_secret(db, settings, viewer=viewer)
    assert secret is not None
    # the previous step's code, so that the code shown right now still signs in (once more
    # if a step ended between making the code and checking it)
    for attempt in range(2):
        earlier = pyotp.TOTP(secret).at(time.time() - codes.STEP_SECONDS)
        try:
            two_step.confirm(db, settings, viewer=viewer, password=password, code=earlier)
        except Invalid:
            if attempt:
                raise
            continue
        return True
    return False


def prep_workshop(
    db: Session, settings: Settings, organizer: Viewer, facilitator: User
) -> Workshop:
    """The workshop that requires two-step sign-in, with the facilitator (who has none)."""
    workshop = workshops.create(
        db, settings, viewer=organizer, title=PREP_TITLE, purpose=PREP_PURPOSE, staff_two_step=True
    )
    roles = {**organizer.roles, workshop.id: "organizer"}
    again = Viewer(kind="staff", user_id=organizer.user_id, email=organizer.email, roles=roles)
    staff_service.add(
        db, viewer=again, workshop=workshop, email=facilitator.email, role="facilitator"
    )
    return workshop


def key_lines(db: Session, settings: Settings, user: User) -> list[str]:
    """What to print beside the account's login: its two-step key, URI and how to get a code."""
    row = two_step.state(db, user.id)
    if row is None or row.confirmed_at is None:
        return []
    secret = codes.unseal(settings, user.id, row.secret)
    command = f"import pyotp; print(pyotp.TOTP('{secret}').now())"
    return [
        f"               two-step sign-in on: key {secret}",
        f"               {codes.otpauth_uri(secret, user.email)}",
        f'               code: .venv/bin/python -c "{command}"',
    ]
