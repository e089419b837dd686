"""Two-step sign-in on a staff account: set up (confirmed by a code and the password), turn
off and new recovery codes (each needing the password and a code), and checking a code.

Every change is in the audit log (action and account, never a secret). Turning it on ends
the account's other sessions: from then on every session of the account has passed the
second step (app.two_step.signin), so "this account has two-step sign-in" is what the
workshop requirement (app.policy.two_step) may rely on.
"""

from __future__ import annotations

import logging

from sqlalchemy import or_, update
from sqlmodel import Session, col, delete, select

from app.accounts import reauth
from app.accounts.models import User
from app.accounts.service import NO_SUCH_ACCOUNT, normalise_email, sign_out_everywhere
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Invalid, NotFound
from app.i18n import N_
from app.ids import utcnow
from app.policy import Viewer
from app.security import passwords
from app.two_step import codes
from app.two_step.models import StaffRecoveryCode, StaffTotp
from app.workshops.models import Workshop

log = logging.getLogger("tracktwo.accounts")
WRONG_CODE = N_("That code is not right, or it was already used. Try the next one.")
WRONG_PASSWORD = N_("Your password is not right.")


def state(db: Session, user_id: str | None) -> StaffTotp | None:
    return db.get(StaffTotp, user_id) if user_id else None


def is_active(db: Session, user_id: str | None) -> bool:
    row = state(db, user_id)
    return row is not None and row.confirmed_at is not None


def _user(db: Session, viewer: Viewer) -> User:
    user = db.get(User, viewer.user_id) if viewer.is_staff and viewer.user_id else None
    if user is None:
        raise NotFound()
    return user


def start(db: Session, settings: Settings, *, viewer: Viewer) -> None:
    """A fresh secret awaiting confirmation (an earlier unconfirmed one is replaced)."""
    user = _user(db, viewer)
    row = state(db, user.id)
    if row is not None and row.confirmed_at is not None:
        raise Conflict("Two-step sign-in is already on for your account.")
    secret = codes.seal(settings, user.id, codes.new_secret())
    if row is None:
        db.add(StaffTotp(user_id=user.id, secret=secret))
    else:
        row.secret, row.last_step, row.created_at = secret, None, utcnow()
        db.add(row)
    db.flush()


def pending_secret(db: Session, settings: Settings, *, viewer: Viewer) -> str | None:
    """The secret of a set-up awaiting its first code (shown on the account page), or None."""
    row = state(db, viewer.user_id)
    if row is None or row.confirmed_at is not None:
        return None
    return codes.unseal(settings, row.user_id, row.secret)


def cancel(db: Session, *, viewer: Viewer) -> None:
    row = state(db, _user(db, viewer).id)
    if row is not None and row.confirmed_at is None:
        db.delete(row)


def _check_password(db: Session, settings: Settings, user: User, password: str) -> None:
    reauth.guard(db, settings, user.id)
    if not passwords.verify_password(user.password_hash, password[:1024]):
        reauth.refuse(db, settings, user.id, Invalid(WRONG_PASSWORD, field="password"))


def _new_recovery_codes(db: Session, user_id: str) -> list[str]:
    db.exec(delete(StaffRecoveryCode).where(col(StaffRecoveryCode.user_id) == user_id))
    fresh = codes.new_recovery_codes()
    for code in fresh:
        db.add(StaffRecoveryCode(user_id=user_id, code_hash=codes.recovery_hash(user_id, code)))
    return fresh


def confirm(
    db: Session, settings: Settings, *, viewer: Viewer, password: str, code: str
) -> list[str]:
    """Turn it on with a current code from the new secret; returns the recovery codes, which
    are shown this once. The account's other sessions end."""
    user = _user(db, viewer)
    row = state(db, user.id)
    if row is None or row.confirmed_at is not None:
        raise Conflict("Start the set-up again: there is no set-up waiting for a code.")
    _check_password(db, settings, user, password)
    secret = codes.unseal(settings, user.id, row.secret)
    step = codes.matching_step(secret, code, last_step=None)
    if step is None:
        reauth.refuse(db, settings, user.id, Invalid(WRONG_CODE, field="code"))
    reauth.passed(db, settings, user.id)
    row.confirmed_at, row.last_step = utcnow(), step
    db.add(row)
    fresh = _new_recovery_codes(db, user.id)
    sign_out_everywhere(db, user.id, except_session=viewer.session_id)
    audit.record(db, viewer=viewer, workshop_id=None, action="account.two_step.on", target=user)
    return fresh


def use_code(db: Session, settings: Settings, *, user_id: str, code: str) -> str:
    """Check and use up a TOTP code or a recovery code: "" when accepted, else why not (for the
    log, never shown). A TOTP code is taken by a conditional UPDATE on the last step, so two
    requests racing with one code cannot both win; a recovery code by deleting its row."""
    row = state(db, user_id)
    if row is None or row.confirmed_at is None:
        return "two-step sign-in is not on"
    if codes.looks_like_recovery(code):
        gone = db.exec(
            delete(StaffRecoveryCode).where(
                col(StaffRecoveryCode.user_id) == user_id,
                col(StaffRecoveryCode.code_hash) == codes.recovery_hash(user_id, code),
            )
        )
        if not gone.rowcount:
            return "wrong recovery code"
        log.info("second step: a recovery code was used")
        return ""
    secret = codes.unseal(settings, user_id, row.secret)
    step = codes.matching_step(secret, code, last_step=None)
    if step is None:
        return "wrong code"
    taken = db.exec(
        update(StaffTotp)
        .where(
            col(StaffTotp.user_id) == user_id,
            or_(col(StaffTotp.last_step).is_(None), col(StaffTotp.last_step) < step),
        )
        .values(last_step=step)
    )
    if not taken.rowcount:
        return "code already used"
    db.expire(row)
    return ""


def _check_password_and_code(
    db: Session, settings: Settings, viewer: Viewer, password: str, code: str
) -> User:
    user = _user(db, viewer)
    if not is_active(db, user.id):
        raise Conflict("Two-step sign-in is not on for your account.")
    _check_password(db, settings, user, password)
    reason = use_code(db, settings, user_id=user.id, code=code)
    if reason:
        log.warning("two-step change refused: %s", reason)
        reauth.refuse(db, settings, user.id, Invalid(WRONG_CODE, field="code"))
    reauth.passed(db, settings, user.id)
    return user


def disable(db: Session, settings: Settings, *, viewer: Viewer, password: str, code: str) -> None:
    """Turn it off: the password and a current code (or a recovery code) are needed."""
    user = _check_password_and_code(db, settings, viewer, password, code)
    db.exec(delete(StaffRecoveryCode).where(col(StaffRecoveryCode.user_id) == user.id))
    db.exec(delete(StaffTotp).where(col(StaffTotp.user_id) == user.id))
    audit.record(db, viewer=viewer, workshop_id=None, action="account.two_step.off", target=user)


def regenerate(
    db: Session, settings: Settings, *, viewer: Viewer, password: str, code: str
) -> list[str]:
    """New recovery codes (the old ones stop working), shown once."""
    user = _check_password_and_code(db, settings, viewer, password, code)
    fresh = _new_recovery_codes(db, user.id)
    audit.record(
        db, viewer=viewer, workshop_id=None, action="account.recovery_codes.new", target=user
    )
    return fresh


def recovery_codes_left(db: Session, *, viewer: Viewer) -> int:
    statement = select(StaffRecoveryCode).where(col(StaffRecoveryCode.user_id) == viewer.user_id)
    return len(list(db.exec(statement)))


def required_by(db: Session, *, viewer: Viewer) -> list[str]:
    """Titles of the viewer's workshops that require two-step sign-in (turning it off would
    keep them out of these: said beside the form)."""
    ids = sorted(viewer.roles)
    statement = select(Workshop.title).where(
        col(Workshop.id).in_(ids), col(Workshop.staff_two_step).is_(True)
    )
    return sorted(db.exec(statement))


def reseal_all(db: Session, old: Settings, new: Settings) -> int:
    """Master-key rotation: every TOTP secret re-encrypted from `old`'s key to `new`'s."""
    rows = list(db.exec(select(StaffTotp).order_by(col(StaffTotp.user_id))))
    for row in rows:
        row.secret = codes.seal(new, row.user_id, codes.unseal(old, row.user_id, row.secret))
        db.add(row)
    return len(rows)


OPERATOR = Viewer(kind="operator", email="operator (tracktwo users reset-two-step)")


def operator_reset(db: Session, *, email: str) -> User:
    """The operator turns two-step sign-in off for an account that lost both its phone and
    its recovery codes (`tracktwo users reset-two-step`); the account's sessions end."""
    user = db.exec(select(User).where(col(User.email) == normalise_email(email))).first()
    if user is None:
        raise Invalid(NO_SUCH_ACCOUNT, field="email")
    db.exec(delete(StaffRecoveryCode).where(col(StaffRecoveryCode.user_id) == user.id))
    db.exec(delete(StaffTotp).where(col(StaffTotp.user_id) == user.id))
    sign_out_everywhere(db, user.id)
    audit.record(
        db, viewer=OPERATOR, workshop_id=None, action="account.two_step.reset", target=user
    )
    return user
