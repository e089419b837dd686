"""`tracktwo room` (serve one venue from this laptop), `room-cards` and `room-poster`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.config import get_settings
from app.venue import box, guard, network

PLAIN_HTTP_WARNING = """\
!!! PLAIN HTTP: nothing between the participants' devices and this laptop is encrypted.
!!! Anyone on this network can read every page, proposal and invitation link, and can take
!!! over sessions. Use this only on an isolated hotspot that nobody else can join."""


def cmd_room(args: argparse.Namespace) -> int:
    import uvicorn

    from app.logs import uvicorn_log_config
    from app.migrate import upgrade

    folder = Path(args.dir)
    host = args.host
    if not host:
        found = network.lan_addresses()
        if not found:
            print("error: no LAN address found on this machine: pass --host", file=sys.stderr)
            return 2
        host = found[0]
    room = box.prepare(folder, host=host, port=args.port, plain_http=args.plain_http)
    box.use(folder)
    settings = get_settings()
    upgrade(settings.database_url)
    print(f"Tracktwo room box: {room.url}")
    if room.fingerprint:
        print(f"Certificate SHA-256 fingerprint: {room.fingerprint}")
        print("Browsers warn about a self-signed certificate: check this fingerprint, then go on.")
    else:
        print(PLAIN_HTTP_WARNING, file=sys.stderr)
    other = folder.resolve() != box.ROOM_DIR
    room_flag, dir_flag = (f"--room {folder}", f" --dir {folder}") if other else ("--room", "")
    print(f"Staff account: tracktwo {room_flag} create-user EMAIL --name NAME")
    print(f"Cards: tracktwo room-cards WORKSHOP_ID --as EMAIL{dir_flag} --out cards.pdf")
    print(f"Poster: tracktwo room-poster --title TITLE{dir_flag} --out poster.pdf")
    print("Outbound guard on: this server connects to nothing outside this machine.")
    guard.install(frozenset({host, *network.lan_addresses()}))
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=args.port,
        workers=1,
        ssl_certfile=str(room.cert) if room.cert else None,
        ssl_keyfile=str(room.key) if room.key else None,
        access_log=False,
        log_level="info",
        log_config=uvicorn_log_config(settings),
    )
    return 0


def cmd_room_cards(args: argparse.Namespace) -> int:
    from app.db import Database
    from app.errors import DomainError
    from app.venue.cards import cards_pdf
    from app.venue.service import issue_cards, staff_viewer

    box.use(Path(args.dir))
    settings = get_settings()
    database = Database(settings)
    try:
        with database.transaction() as db:
            viewer = staff_viewer(db, args.as_email)
            workshop, cards = issue_cards(
                db, viewer=viewer, workshop_id=args.workshop, base_url=settings.public_base_url
            )
            title = workshop.title
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    if not cards:
        print("Every participant has joined: no card to print.")
        return 0
    Path(args.out).write_bytes(cards_pdf(title, cards, args.lang))
    print(f"{len(cards)} card(s) with fresh invitation links written to {args.out}.")
    print("Their earlier links no longer work. Hand each card to its participant; shred spares.")
    return 0


def cmd_room_poster(args: argparse.Namespace) -> int:
    from app.venue.cards import poster_pdf

    folder = Path(args.dir)
    box.use(folder)
    settings = get_settings()
    data = poster_pdf(args.title, settings.public_base_url, box.fingerprint_of(folder), args.lang)
    Path(args.out).write_bytes(data)
    print(f"Poster for {settings.public_base_url} written to {args.out}.")
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    default = str(box.ROOM_DIR)
    room = sub.add_parser("room", help="serve one venue from this laptop (LAN, HTTPS)")
    room.add_argument("--host", help="address to bind (default: this machine's LAN address)")
    room.add_argument("--port", type=int, default=8443)
    room.add_argument("--plain-http", action="store_true", help="no TLS: isolated hotspot only")
    room.add_argument("--dir", default=default, help="the room's folder (default var/room)")
    room.set_defaults(func=cmd_room)

    cards = sub.add_parser("room-cards", help="invitation cards (PDF) with fresh links")
    cards.add_argument("workshop", help="the workshop's id (in its address: /w/<id>)")
    cards.add_argument("--as", dest="as_email", required=True, help="an organizer's e-mail")
    cards.add_argument("--out", default="cards.pdf")
    cards.add_argument("--lang", default="en", choices=["en", "fr", "ru", "ar", "he"])
    cards.add_argument("--dir", default=default)
    cards.set_defaults(func=cmd_room_cards)

    poster = sub.add_parser("room-poster", help="a poster (PDF) with the room's address as QR")
    poster.add_argument("--title", default="Tracktwo")
    poster.add_argument("--out", default="poster.pdf")
    poster.add_argument("--lang", default="en", choices=["en", "fr", "ru", "ar", "he"])
    poster.add_argument("--dir", default=default)
    poster.set_defaults(func=cmd_room_poster)
