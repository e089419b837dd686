"""After an archive, leave no deleted row versions in the database files (archive.py, Storage
order): SQLite checkpoints, VACUUMs and truncates its WAL; PostgreSQL rewrites the workshop's
tables with VACUUM FULL once no other session of the database can still see the old versions.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

log = logging.getLogger("tracktwo.archive")

_COMPACT = "tracktwo_compact_after_commit"
# the tables that hold a workshop's data, rewritten on PostgreSQL after an archive
PG_REWRITTEN = (
    "proposal",
    "proposal_tombstone",
    "reaction",
    "reaction_tally",
    "note",
    "theme",
    "participant",
    "rules_acceptance",
    "auth_session",
    "speaking_request",
    "summary_comment",
    "summary_signoff",
    "summary_signoff_tally",
    "summary_term",
    "summary_decision",
    "summary_review",
    "ntext_paragraph",
    "ntext_critique",
    "ntext_mark",
    "ntext_mark_tally",
    "audit_entry",
    "workshop_key",
    "form_replay",
    "text_translation",
    "survey",
    "survey_response",
    "survey_tally",
    "survey_change_tally",
    "survey_text",
)
# How long VACUUM FULL waits for older snapshots (an open transaction, an autovacuum's ANALYZE)
# to end: a row version such a snapshot may still read is "recently dead", and VACUUM FULL
# copies it into the new file instead of dropping it.
HORIZON_WAIT_SECONDS = 30.0
LOCK_TIMEOUT = "5s"
KEPT_DEAD_RE = re.compile(r"(\d+) dead row versions cannot be removed yet")


@dataclass(frozen=True)
class Compaction:
    vacuumed: bool
    wal_truncated: bool


def compact(engine: Engine) -> Compaction:
    """SQLite: checkpoint and truncate the WAL, VACUUM, and truncate the WAL again.
    PostgreSQL: VACUUM FULL the tables that hold workshop data (see archive.py, Storage order)."""
    if engine.dialect.name == "postgresql":
        return Compaction(vacuumed=_vacuum_full(engine), wal_truncated=False)
    if engine.dialect.name != "sqlite":
        return Compaction(vacuumed=False, wal_truncated=False)
    raw = engine.raw_connection()
    vacuumed = truncated = False
    try:
        cursor = raw.cursor()  # the DB-API connection runs in autocommit (app/db.py)
        cursor.execute("PRAGMA secure_delete=ON")
        _checkpoint(cursor)
        cursor.execute("VACUUM")
        vacuumed = True
        truncated = _checkpoint(cursor)
        cursor.close()
    except Exception as exc:  # the archive is committed; compaction is best effort, logged
        log.error("compaction after archive failed: %s", type(exc).__name__)
    finally:
        raw.close()
    return Compaction(vacuumed=vacuumed, wal_truncated=truncated)


def _vacuum_full(engine: Engine) -> bool:
    """Once older snapshots are gone, rewrite each table (dropping dead row versions). A table
    whose rewrite had to keep dead versions ("cannot be removed yet": some snapshot may still
    read them) is rewritten again until none is kept, within HORIZON_WAIT_SECONDS; one that
    stays locked for LOCK_TIMEOUT is tried once more. Either is logged if it remains."""
    done = True
    deadline = time.monotonic() + HORIZON_WAIT_SECONDS
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        notices: list[str] = []
        driver = conn.connection.dbapi_connection
        if driver is not None and hasattr(driver, "add_notice_handler"):
            driver.add_notice_handler(
                lambda diag: notices.append(f"{diag.message_primary} {diag.message_detail}")
            )
        conn.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        if not _wait_for_older_snapshots(conn, HORIZON_WAIT_SECONDS):
            done = False
            log.warning(
                "VACUUM FULL after archive: older transactions still open after %.0f s;"
                " row versions they can see are kept until the next VACUUM",
                HORIZON_WAIT_SECONDS,
            )
        for table in PG_REWRITTEN:
            failures = 0
            while True:
                notices.clear()
                try:
                    conn.exec_driver_sql(f"VACUUM (FULL, VERBOSE) {table}")
                except Exception as exc:  # committed already: best effort, logged
                    failures += 1
                    if failures < 2:
                        continue
                    done = False
                    log.warning(
                        "VACUUM FULL %s after archive failed: %s", table, type(exc).__name__
                    )
                    break
                kept = _kept_dead(notices)
                if not kept:
                    break
                if time.monotonic() > deadline:
                    done = False
                    log.warning(
                        "VACUUM FULL %s after archive kept %d dead row versions", table, kept
                    )
                    break
                time.sleep(0.2)
    return done


def _kept_dead(notices: list[str]) -> int:
    """Dead row versions a VACUUM (VERBOSE) reported it could not remove yet (0 if it said
    nothing we can read, e.g. in a server language other than English)."""
    return sum(int(n) for text in notices for n in KEPT_DEAD_RE.findall(text))


def _wait_for_older_snapshots(conn: Connection, seconds: float) -> bool:
    """Poll until no other session of this database holds a snapshot or transaction that began
    before now (bounded): only then can VACUUM FULL drop what the archive deleted."""
    now = conn.execute(text("SELECT pg_current_xact_id()::text")).scalar_one()
    older = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND (age(backend_xmin) >= age(CAST(:now AS xid))"
        " OR age(backend_xid) >= age(CAST(:now AS xid)))"
    )
    # pg_current_xact_id is 64-bit; the 32-bit xid of pg_stat_activity is its low part
    low = str(int(now) % 2**32)
    deadline = time.monotonic() + seconds
    while conn.execute(older, {"now": low}).scalar_one():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _checkpoint(cursor: Any, attempts: int = 20) -> bool:
    """PRAGMA wal_checkpoint(TRUNCATE) until no reader blocks it (bounded)."""
    for _ in range(attempts):
        busy, _log_frames, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy == 0:
            return True
        time.sleep(0.05)
    log.warning("the WAL could not be truncated: readers kept it busy")
    return False


def compact_after_commit(db: Session) -> None:
    """Ask for compaction once this session's transaction has committed."""
    db.info[_COMPACT] = True


@event.listens_for(Session, "after_commit")
def _compact_after_commit(session: Session) -> None:
    if not session.info.pop(_COMPACT, False):
        return
    bind = session.get_bind()
    if isinstance(bind, Engine):
        compact(bind)
