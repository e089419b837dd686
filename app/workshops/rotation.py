"""Master-key rotation: every workshop's data key re-wrapped under a new master key, in one
transaction (`tracktwo rotate-master-key`). The data itself is not re-encrypted: it is under
the workshop keys, which do not change. Staff accounts' TOTP secrets, under a key derived
from the master key, are re-encrypted in the same transaction."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from sqlmodel import select

from app.config import Settings
from app.db import Database
from app.security import keys
from app.security.crypto import DecryptionFailed
from app.two_step import service as two_step
from app.workshops.models import WorkshopKey


class RotationError(RuntimeError):
    """The rotation cannot proceed; nothing was changed."""


def rotate_master_key(database: Database, old: Settings, new: Settings) -> int:
    """Re-wrap every workshop key from `old`'s master key to `new`'s; returns how many.
    All or nothing: a key that the old master key does not open stops it before any commit."""
    if keys.master_key(old) == keys.master_key(new):
        raise RotationError("the new master key is the current one")
    with database.transaction() as db:
        rows = list(db.exec(select(WorkshopKey).order_by(WorkshopKey.workshop_id)))
        for row in rows:
            try:
                key = keys.unwrap(old, row.workshop_id, row.wrapped)
            except InvalidTag:
                raise RotationError(
                    "the current master key does not open every workshop key (is "
                    "TRACKTWO_MASTER_KEY the one in use?): nothing was changed"
                ) from None
            row.wrapped = keys.wrap(new, row.workshop_id, key)
            db.add(row)
        try:
            two_step.reseal_all(db, old, new)
        except DecryptionFailed:
            raise RotationError(
                "the current master key does not open every two-step sign-in secret: nothing "
                "was changed"
            ) from None
    return len(rows)
