"""The `tracktwo` command (also `python -m app`): serve, migrate, demo, create-user, users,
rotate-master-key, backup, restore, archive-due; room, room-cards, room-poster (app.venue)."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from app.config import SettingsError, get_settings
from app.venue import box as venue_box
from app.venue import commands as venue_commands


def cmd_migrate(_args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url, settings)
    print("Database is at the latest migration.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.live.routes import HEARTBEAT_SECONDS
    from app.logs import uvicorn_log_config

    settings = get_settings()
    workers = args.workers or settings.workers
    if workers > 1 and settings.is_sqlite:
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
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        access_log=False,
        # an idle connection outlives the heartbeat, so a browser's refetch after an event
        # never lands on a connection the server is closing; a deep queue for a whole room
        # reconnecting at once
        timeout_keep_alive=int(HEARTBEAT_SECONDS) + 55,
        backlog=4096,
        log_level="info",
        log_config=uvicorn_log_config(settings),
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from app.accounts.service import create_user
    from app.db import Database
    from app.errors import Invalid

    password = _new_password(args)
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


def _new_password(args: argparse.Namespace) -> str:
    password: str = args.password or os.environ.get("TRACKTWO_NEW_USER_PASSWORD", "")
    return password or getpass.getpass("Password (at least 12 characters): ")


def cmd_users(args: argparse.Namespace) -> int:
    from app.accounts import invitations
    from app.accounts import service as accounts
    from app.db import Database
    from app.errors import Invalid
    from app.two_step import service as two_step

    settings = get_settings()
    database = Database(settings)
    try:
        with database.transaction() as db:
            if args.action == "reset-link":
                issued = invitations.reset_link(db, settings, email=args.email)
                print(f"Reset link for {issued.invitation.email} (works once, for an hour):")
                print(issued.url)
                return 0
            if args.action == "list":
                for user in accounts.list_users(db):
                    state = "active" if user.is_active else "deactivated"
                    created = f"{user.created_at:%Y-%m-%d}"
                    print(f"{user.email}\t{state}\t{created}\t{user.display_name}")
                return 0
            if args.action == "deactivate":
                user = accounts.deactivate_user(db, email=args.email)
                print(f"Deactivated {user.email}: it can no longer sign in; its sessions ended.")
                return 0
            if args.action == "reset-two-step":
                user = two_step.operator_reset(db, email=args.email)
                print(f"Two-step sign-in turned off for {user.email}; its sessions ended.")
                return 0
            user = accounts.reset_password(db, email=args.email, password=_new_password(args))
            print(f"New password set for {user.email}; its sessions ended.")
            return 0
    except Invalid as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        database.dispose()


def cmd_rotate_master_key(args: argparse.Namespace) -> int:
    from app.db import Database
    from app.workshops.rotation import RotationError, rotate_master_key

    old = get_settings()
    if args.new_key_file:
        new_key = Path(args.new_key_file).read_text(encoding="utf-8").strip()
    else:
        new_key = os.environ.get("TRACKTWO_NEW_MASTER_KEY", "") or getpass.getpass(
            "New master key (64 hex digits, or a passphrase of at least 16 characters): "
        )
    salt = args.new_salt or secrets.token_hex(16)
    try:
        if not new_key:
            raise SettingsError("the new master key is empty")
        new = replace(old, master_key=new_key, master_key_salt=salt).validate()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    database = Database(old)
    try:
        count = rotate_master_key(database, old, new)
    except RotationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    print(f"Re-wrapped {count} workshop key(s) under the new master key.")
    print("Now set TRACKTWO_MASTER_KEY (or its file) to the new key", end="")
    if not new.master_key_is_raw:
        print(f" and TRACKTWO_MASTER_KEY_SALT={salt}", end="")
    print(", then start the servers: the old key opens nothing any more.")
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
    parser.add_argument(
        "--room",
        nargs="?",
        const=str(venue_box.ROOM_DIR),
        metavar="DIR",
        help="run the command on the room box's settings (var/room, or DIR)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the application with uvicorn")
    serve.add_argument("--host", help="default TRACKTWO_HOST (127.0.0.1)")
    serve.add_argument("--port", type=int, help="default TRACKTWO_PORT (8000)")
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

    users = sub.add_parser(
        "users", help="list staff accounts, deactivate one, reset a password or two-step sign-in"
    )
    users_sub = users.add_subparsers(dest="action", required=True)
    users_sub.add_parser("list", help="every staff account: e-mail, state, created, name")
    off = users_sub.add_parser("deactivate", help="stop an account signing in; end its sessions")
    off.add_argument("email")
    reset = users_sub.add_parser("reset-password", help="set a new password; end its sessions")
    reset.add_argument("email")
    reset.add_argument("--password", help="prefer the prompt or TRACKTWO_NEW_USER_PASSWORD")
    link = users_sub.add_parser(
        "reset-link", help="print a single-use link (1 h) with which they set a new password"
    )
    link.add_argument("email")
    lost = users_sub.add_parser(
        "reset-two-step",
        help="turn two-step sign-in off (lost phone and recovery codes); end its sessions",
    )
    lost.add_argument("email")
    users.set_defaults(func=cmd_users)

    rotate = sub.add_parser(
        "rotate-master-key",
        help="re-wrap every workshop key under a new master key (stop the servers first)",
    )
    rotate.add_argument(
        "--new-key-file", help="file with the new key (else TRACKTWO_NEW_MASTER_KEY, or a prompt)"
    )
    rotate.add_argument("--new-salt", help="hex salt for a new passphrase (default: a fresh one)")
    rotate.set_defaults(func=cmd_rotate_master_key)

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
    venue_commands.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.room:
        try:
            venue_box.use(Path(args.room))
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
