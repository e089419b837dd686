"""The `tracktwo` command: serve, migrate, demo, create-user, backup, restore."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from app.config import get_settings


def cmd_migrate(_args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url, settings)
    print("Database is at the latest migration.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    workers = args.workers or int(os.environ.get("TRACKTWO_WORKERS", "1"))
    if workers > 1 and get_settings().database_url.startswith("sqlite"):
        # Live updates travel in-process on SQLite: a participant served by another worker
        # would miss them. Several workers need PostgreSQL (LISTEN/NOTIFY).
        print(
            f"SQLite: serving with one process, not {workers} (live updates are in-process; "
            "use PostgreSQL for several workers or instances).",
            file=sys.stderr,
        )
        workers = 1
    os.environ["TRACKTWO_WORKERS"] = str(workers)  # the workers' live bus reads it
    uvicorn.run(
        "app.asgi:app",
        host=args.host,
        port=args.port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("TRACKTWO_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        access_log=False,
        log_level="info",
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from app.accounts.service import create_user
    from app.db import Database
    from app.errors import Invalid

    password = args.password or os.environ.get("TRACKTWO_NEW_USER_PASSWORD")
    if not password:
        password = getpass.getpass("Password (at least 12 characters): ")
    database = Database(get_settings())
    try:
        with database.transaction() as db:
            user = create_user(db, email=args.email, display_name=args.name, password=password)
    except Invalid as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"Created staff account {user.email}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import seed

    return int(seed(get_settings(), only_if_empty=args.if_empty))


def cmd_backup(args: argparse.Namespace) -> int:
    from app.backup import backup

    return int(backup(get_settings(), args.path))


def cmd_restore(args: argparse.Namespace) -> int:
    from app.backup import restore

    return int(restore(get_settings(), args.path))


def cmd_archive_due(_args: argparse.Namespace) -> int:
    from app.db import Database
    from app.workshops.archive import archive_due

    settings = get_settings()
    database = Database(settings)
    try:
        archived = archive_due(database, settings)
    finally:
        database.dispose()
    print(f"Archived {len(archived)} workshop(s) past their retention period.")
    for workshop_id in archived:
        print(f"  {workshop_id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracktwo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the application with uvicorn")
    serve.add_argument("--host", default=os.environ.get("TRACKTWO_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("TRACKTWO_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=0)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    demo = sub.add_parser("demo", help="seed the demo workshop")
    demo.add_argument("--if-empty", action="store_true", help="only when no workshop exists")
    demo.set_defaults(func=cmd_demo)

    create = sub.add_parser("create-user", help="create a staff account")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--password", help="prefer the prompt or TRACKTWO_NEW_USER_PASSWORD")
    create.set_defaults(func=cmd_create_user)

    back = sub.add_parser("backup", help="back up the database to a file")
    back.add_argument("path")
    back.set_defaults(func=cmd_backup)

    rest = sub.add_parser("restore", help="restore the database from a backup file")
    rest.add_argument("path")
    rest.set_defaults(func=cmd_restore)

    due = sub.add_parser(
        "archive-due", help="archive (crypto-shred) workshops closed longer than their retention"
    )
    due.set_defaults(func=cmd_archive_due)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
