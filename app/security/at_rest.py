"""Encryption at rest of confidential text columns, transparent to the services.

Everything personal or contributed is stored as AES-GCM ciphertext under the workshop's data
key (app.security.crypto: fresh nonce per write, table + row id + column as associated data):
note bodies; participants' names and affiliations; proposal texts, hide reasons and opted-in
attributions; theme names; the paragraphs of negotiating texts; summary comments, listed
terms, decision reasons and the release override reason; translations of proposals and
notes; free-text and numeric survey answers (ENCRYPTED below). Archive's destruction of the key
therefore reaches dead tuples, the WAL, replicas and old backups alike.
The ORM does the work, so every reader (the notes pages and API, the summary, exports) gets
plaintext and every writer stores ciphertext, without each service having to remember:

- before a flush, a new or changed body is encrypted;
- after the flush, the object holds the plaintext again as its *committed* value (so it is
  not written back);
- when a row is loaded or refreshed, its body is decrypted the same way.

The master key comes from the Settings the session was made with (app.db.Database puts them
in ``session.info["settings"]``); without them nothing is written in the clear: the flush
fails. A value that is not ciphertext, or that belongs to another row, fails to load
(crypto.DecryptionFailed); NULL stays NULL, and the empty string is what archive leaves in
place of ciphertext (SHREDDED: it reads back as empty text, since the app itself never
stores an empty value in the clear).

Since the database holds only ciphertext, nothing may filter, sort or match on these
columns in SQL: services load the rows (through the policy as for any read) and sort or
compare the plaintext in Python (roster order, theme order, term order, the speaking queue's
names). Bulk UPDATE statements bypass the ORM and must never set these columns. Audit
details are not encrypted (the audit log outlives the key); archive clears the free-text ones.

Once a workshop is archived its key is gone, its notes are deleted and every encrypted
column of what stays is emptied (app.workshops.archive).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import get_history, set_committed_value
from sqlmodel import col, select

from app.evaluation.models import SurveyResponse, SurveyText
from app.notes.models import Note
from app.ntext.models import ParagraphText, TextParagraph
from app.room.models import Proposal, Theme
from app.roster.models import Participant
from app.security import crypto, keys
from app.summary.models import SummaryComment, SummaryDecision, SummaryReview, SummaryTerm
from app.translations.models import TextTranslation
from app.workshops.models import RoundContext, WorkshopKey

# model -> (table name, encrypted columns)
ENCRYPTED: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    Note: ("note", ("body",)),
    Participant: ("participant", ("display_name", "affiliation")),
    Proposal: ("proposal", ("text", "hide_reason", "attribution")),
    Theme: ("theme", ("name",)),
    TextParagraph: ("ntext_paragraph", ("text",)),
    ParagraphText: ("ntext_paragraph_text", ("text",)),
    RoundContext: ("round_context", ("summary", "open_questions")),
    SummaryComment: ("summary_comment", ("body",)),
    SummaryTerm: ("summary_term", ("term",)),
    SummaryDecision: ("summary_decision", ("reason",)),
    SummaryReview: ("summary_review", ("release_override",)),
    TextTranslation: ("text_translation", ("text",)),
    SurveyText: ("survey_text", ("text",)),
    SurveyResponse: ("survey_response", ("answers",)),
}
SHREDDED = ""  # what archive leaves in an encrypted column: reads back as empty text
_KEYS = "tracktwo_data_keys"
_PLAIN = "tracktwo_plaintext"


def workshop_of(session: OrmSession, obj: Any) -> str | None:
    """The workshop whose key encrypts `obj` (a summary comment's is its review's)."""
    if isinstance(obj, SummaryComment):
        with session.no_autoflush:
            review = session.get(SummaryReview, obj.review_id)
        return None if review is None else review.workshop_id
    workshop_id: str | None = getattr(obj, "workshop_id", None)
    return workshop_id


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


def seal(
    session: OrmSession, model: type[Any], workshop_id: str, row_id: str, column: str, text: str
) -> str:
    """The ciphertext of one encrypted column, as the flush stores it: for a write that does
    not go through the ORM (an INSERT ... ON CONFLICT DO NOTHING)."""
    table, columns = ENCRYPTED[model]
    if column not in columns:
        raise KeyError(f"{table}.{column} is not an encrypted column")
    return crypto.encrypt_text(data_key(session, workshop_id), table, row_id, column, text)


def _decrypt_loaded(obj: Any, session: OrmSession | None, attrs: Any = None) -> None:
    table, columns = ENCRYPTED[type(obj)]
    if session is None:
        return
    for column in columns:
        if attrs is not None and column not in attrs:
            continue
        stored = obj.__dict__.get(column)
        if stored is None or stored == SHREDDED:
            continue
        workshop_id = workshop_of(session, obj)
        if workshop_id is None:
            raise crypto.DecryptionFailed("an encrypted value whose workshop is unknown")
        key = data_key(session, workshop_id)
        plain = crypto.decrypt_text(key, table, obj.id, column, stored)
        set_committed_value(obj, column, plain)


def _on_load(target: Any, context: Any) -> None:
    _decrypt_loaded(target, context.session)


def _on_refresh(target: Any, context: Any, attrs: Any) -> None:
    _decrypt_loaded(target, context.session, attrs)


for _model in ENCRYPTED:
    event.listen(_model, "load", _on_load)
    event.listen(_model, "refresh", _on_refresh)


@event.listens_for(OrmSession, "before_flush")
def _encrypt_before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    plain: dict[tuple[int, str], tuple[Any, str, str]] = session.info.setdefault(_PLAIN, {})
    for obj in list(session.new) + list(session.dirty):
        spec = ENCRYPTED.get(type(obj))
        if spec is None:
            continue
        table, columns = spec
        for column in columns:
            if obj not in session.new and not get_history(obj, column).has_changes():
                continue
            text = getattr(obj, column)
            if text is None:
                continue
            workshop_id = workshop_of(session, obj)
            if obj.id is None or workshop_id is None:
                raise RuntimeError(f"{table} needs its id and workshop before it is written")
            setattr(obj, column, seal(session, type(obj), workshop_id, obj.id, column, text))
            plain[(id(obj), column)] = (obj, column, text)


@event.listens_for(OrmSession, "after_flush_postexec")
def _plaintext_after_flush(session: OrmSession, _context: Any) -> None:
    plain: dict[tuple[int, str], tuple[Any, str, str]] = session.info.pop(_PLAIN, {})
    for obj, column, text in plain.values():
        set_committed_value(obj, column, text)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_after_rollback(session: OrmSession, _previous: Any) -> None:
    session.info.pop(_PLAIN, None)
