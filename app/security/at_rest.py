"""Encryption at rest of confidential text columns, transparent to the services.

Note bodies are stored as AES-GCM ciphertext under the workshop's data key
(app.security.crypto: fresh nonce per write, table + row id + column as associated data).
The ORM does the work, so every reader (the notes pages and API, the summary, exports) gets
plaintext and every writer stores ciphertext, without each service having to remember:

- before a flush, a new or changed body is encrypted;
- after the flush, the object holds the plaintext again as its *committed* value (so it is
  not written back);
- when a row is loaded or refreshed, its body is decrypted the same way.

The master key comes from the Settings the session was made with (app.db.Database puts them
in ``session.info["settings"]``); without them nothing is written in the clear: the flush
fails. A body that is not ciphertext, or that belongs to another row, fails to load
(crypto.DecryptionFailed). Once a workshop is archived its key is gone and its notes are
deleted with it (app.workshops.archive).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import get_history, set_committed_value
from sqlmodel import col, select

from app.notes.models import Note
from app.security import crypto, keys
from app.workshops.models import WorkshopKey

# model -> (table name, encrypted column)
ENCRYPTED: dict[type[Any], tuple[str, str]] = {Note: ("note", "body")}
_KEYS = "tracktwo_data_keys"
_PLAIN = "tracktwo_plaintext"


def data_key(session: OrmSession, workshop_id: str) -> bytes:
    """The workshop's unwrapped data key (cached for the session's lifetime)."""
    cache: dict[str, bytes] = session.info.setdefault(_KEYS, {})
    if workshop_id in cache:
        return cache[workshop_id]
    settings = session.info.get("settings")
    if settings is None:
        raise RuntimeError("this session carries no settings: confidential text cannot be handled")
    with session.no_autoflush:
        row = session.execute(
            select(WorkshopKey).where(col(WorkshopKey.workshop_id) == workshop_id)
        ).scalar_one_or_none()
    if row is None:
        raise crypto.DecryptionFailed("the workshop's key was destroyed: it is archived")
    key = keys.unwrap(settings, workshop_id, row.wrapped)
    cache[workshop_id] = key
    return key


def _decrypt_loaded(obj: Any, session: OrmSession | None) -> None:
    table, column = ENCRYPTED[type(obj)]
    stored = obj.__dict__.get(column)
    if stored is None or session is None:
        return
    key = data_key(session, obj.workshop_id)
    set_committed_value(obj, column, crypto.decrypt_text(key, table, obj.id, column, stored))


def _on_load(target: Any, context: Any) -> None:
    _decrypt_loaded(target, context.session)


def _on_refresh(target: Any, context: Any, attrs: Any) -> None:
    column = ENCRYPTED[type(target)][1]
    if attrs is None or column in attrs:
        _decrypt_loaded(target, context.session)


for _model in ENCRYPTED:
    event.listen(_model, "load", _on_load)
    event.listen(_model, "refresh", _on_refresh)


@event.listens_for(OrmSession, "before_flush")
def _encrypt_before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    plain: dict[int, tuple[Any, str]] = session.info.setdefault(_PLAIN, {})
    for obj in list(session.new) + list(session.dirty):
        spec = ENCRYPTED.get(type(obj))
        if spec is None:
            continue
        table, column = spec
        if obj not in session.new and not get_history(obj, column).has_changes():
            continue
        text = getattr(obj, column) or ""
        if obj.id is None or obj.workshop_id is None:
            raise RuntimeError(f"{table} needs its id and workshop before it is written")
        key = data_key(session, obj.workshop_id)
        setattr(obj, column, crypto.encrypt_text(key, table, obj.id, column, text))
        plain[id(obj)] = (obj, text)


@event.listens_for(OrmSession, "after_flush_postexec")
def _plaintext_after_flush(session: OrmSession, _context: Any) -> None:
    plain: dict[int, tuple[Any, str]] = session.info.pop(_PLAIN, {})
    for obj, text in plain.values():
        set_committed_value(obj, ENCRYPTED[type(obj)][1], text)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_after_rollback(session: OrmSession, _previous: Any) -> None:
    session.info.pop(_PLAIN, None)
