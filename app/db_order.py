"""Storage order: contribution tables are keyed by their random ids, with no hidden order.

On SQLite an ordinary table is stored in the order of its hidden ``rowid``, which grows with
every insert: the file would keep submission order (DESIGN.md, Anonymity 7). The tables that
hold contributions (TABLES) are therefore ``WITHOUT ROWID``: their B-tree is keyed by the
128-bit random primary key, and VACUUM (run by archive) lays the pages out in that order.
PostgreSQL ignores the option. Within a page both engines still place a new row where there
is room, so rows written one after another sit in the order they were written: the reveal
therefore deletes the batch's rows and inserts them again one by one in a random order
(reinsert_in_random_order), and archive rewrites and compacts every table. What remains is
described in app.workshops.archive ("Storage order").
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

T = TypeVar("T")
_RANDOM = secrets.SystemRandom()
NO_ROWID: dict[str, Any] = {"sqlite_with_rowid": False}
TABLES = (
    "proposal",
    "proposal_tombstone",
    "reaction",
    "reaction_tally",
    "note",
    "summary_comment",
    "summary_signoff",
    "summary_signoff_tally",
    "survey_response",
    "survey_tally",
    "survey_change_tally",
    "survey_text",
    "ntext_critique",
    "ntext_mark",
    "ntext_mark_tally",
    "ntext_signoff",
    "ntext_signoff_tally",
)


def in_random_order(items: Iterable[T]) -> list[T]:
    """The items in a fresh, unpredictable order (to rewrite rows in it)."""
    out = list(items)
    _RANDOM.shuffle(out)
    return out


def reinsert_in_random_order(db: Session, model: Any, ids: list[str]) -> None:
    """Delete these rows (by id) and insert them again, unchanged, one by one in a random order.

    Only for rows nothing references with ON DELETE CASCADE (pending proposals: reactions,
    tallies and merges need a revealed one). Values are copied as stored (ciphertext stays
    ciphertext); the session's objects stay valid, since nothing in them changes.
    """
    if not ids:
        return
    table = model.__table__
    rows = [dict(row._mapping) for row in db.execute(select(table).where(table.c.id.in_(ids)))]
    db.execute(table.delete().where(table.c.id.in_(ids)))
    for row in in_random_order(rows):
        db.execute(table.insert().values(**row))
