"""Back up and restore the database (`tracktwo backup PATH`, `tracktwo restore PATH`).

SQLite: the backup is a consistent snapshot taken while the server keeps running
(``VACUUM INTO``, which also leaves out free pages), written to a temporary file, checked
with ``PRAGMA integrity_check`` and only then moved into place. Restore checks the backup,
refuses while another process has the database open, removes the stale ``-wal``, ``-shm``
and ``-journal`` files of the database it replaces (SQLite would otherwise replay them onto
the restored file), moves the copy into place and checks it again.

PostgreSQL: use pg_dump / pg_restore (printed by the commands); they return 2.

Keep in mind that a backup taken before a workshop was archived still holds that workshop's
wrapped key: crypto-shredding is complete only once such backups are destroyed too (or the
master key they were wrapped with is retired).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import Settings

SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    """The backup or restore could not be completed safely; nothing was changed."""


def sqlite_path(settings: Settings) -> Path:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("not an SQLite database file")
    return Path(url.database)


def integrity(path: Path) -> str:
    """'ok', or the first problems PRAGMA integrity_check reports for the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return f"not a usable SQLite database: {exc}"
    finally:
        conn.close()
    result = "; ".join(str(r[0]) for r in rows[:5])
    return result


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _say(message: str, *, error: bool = False) -> None:
    print(message, file=sys.stderr if error else sys.stdout)


def _postgres_help(settings: Settings, verb: str) -> int:
    url = make_url(settings.database_url)
    target = url.database or "tracktwo"
    if verb == "backup":
        _say(
            "This database is PostgreSQL: back it up with pg_dump, for example\n"
            f"  pg_dump --format=custom --file=tracktwo.dump --dbname={target}\n"
            "(add --host/--username as for psql). Verify the dump with "
            "`pg_restore --list tracktwo.dump`.",
            error=True,
        )
    else:
        _say(
            "This database is PostgreSQL: stop the app instances, then restore with\n"
            f"  pg_restore --clean --if-exists --single-transaction --dbname={target} "
            "tracktwo.dump\n"
            "and run `tracktwo migrate` before starting them again.",
            error=True,
        )
    return 2


def snapshot(source: Path, destination: Path) -> None:
    """A consistent, verified copy of `source` at `destination` (which must not exist)."""
    if destination.exists():
        raise BackupError(f"{destination} exists already: choose a new file name")
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".partial")
    _remove(tmp)
    conn = sqlite3.connect(str(source), timeout=30, isolation_level=None)
    try:
        conn.execute("VACUUM INTO ?", (str(tmp),))
    finally:
        conn.close()
    try:
        check = integrity(tmp)
        if check != "ok":
            raise BackupError(f"the copy failed its integrity check: {check}")
        _fsync(tmp)
        os.replace(tmp, destination)
        _fsync(destination.parent)
    finally:
        _remove(tmp)


def backup(settings: Settings, path: str | os.PathLike[str]) -> int:
    """Write a verified backup to `path`. 0 on success."""
    if not settings.is_sqlite:
        return _postgres_help(settings, "backup")
    try:
        source = sqlite_path(settings)
        if not source.exists():
            raise BackupError(f"no database at {source}")
        destination = Path(path)
        snapshot(source, destination)
    except (BackupError, sqlite3.Error, OSError) as exc:
        _say(f"error: backup failed, nothing was written: {exc}", error=True)
        return 1
    _say(f"Backed up {source} to {destination} (integrity_check: ok).")
    return 0


def _ensure_not_in_use(target: Path) -> None:
    """Refuse while any other connection has the database open.

    Leaving WAL mode needs the only connection to the file, so it doubles as a test that no
    server (or other process) is using it; it also folds the WAL into the old file first.
    """
    conn = sqlite3.connect(str(target), timeout=0.5, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=500")
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise BackupError(
            f"{target} is in use ({exc}): stop the Tracktwo server first, then restore"
        ) from exc
    finally:
        conn.close()
    if str(mode).lower() != "delete":
        raise BackupError(f"{target} is in use: stop the Tracktwo server first, then restore")


def restore(settings: Settings, path: str | os.PathLike[str]) -> int:
    """Replace the database with the backup at `path`. 0 on success."""
    if not settings.is_sqlite:
        return _postgres_help(settings, "restore")
    try:
        source = Path(path)
        if not source.is_file():
            raise BackupError(f"no backup file at {source}")
        check = integrity(source)
        if check != "ok":
            raise BackupError(f"the backup failed its integrity check: {check}")
        target = sqlite_path(settings)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            _ensure_not_in_use(target)
        tmp = target.with_name(target.name + ".restoring")
        _remove(tmp)
        with source.open("rb") as src, tmp.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        for suffix in SIDE_FILES:  # they belong to the database being replaced
            _remove(target.with_name(target.name + suffix))
        os.replace(tmp, target)
        _fsync(target.parent)
        check = integrity(target)
        if check != "ok":
            raise BackupError(f"the restored database failed its integrity check: {check}")
    except (BackupError, sqlite3.Error, OSError) as exc:
        _say(f"error: restore failed: {exc}", error=True)
        return 1
    _say(
        f"Restored {target} from {source} (integrity_check: ok). "
        "Run `tracktwo migrate` before starting the server."
    )
    return 0
