"""Invitation cards and the room poster: fresh links for the participants not yet joined
(the old links stop working, the batch is audit-logged), and PDFs whose QR codes, decoded
from the rendered pages (pdftoppm, then zbarimg), are exactly those links."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from sqlmodel import select

from app.audit.models import AuditEntry
from app.config import Settings
from app.db import Database
from app.errors import DomainError
from app.roster import service as roster
from app.venue import cards as venue_cards
from app.venue.cards import Card
from app.venue.service import issue_cards, staff_viewer
from tests.factories import make_world
from tests.policy.seed import join

BASE = "https://192.168.50.10:8443"
TOOLS = {"pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"}


def _decode(pdf: bytes, folder: Path) -> list[list[str]]:
    """The QR codes of each page: rendered at 200 dpi, read by zbar."""
    missing = [pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs apt-get install {' '.join(missing)}")
    (folder / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(folder / "doc.pdf"), str(folder / "page")],
        check=True,
        timeout=120,
    )
    pages = []
    for png in sorted(folder.glob("page*.png")):
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        pages.append(sorted(done.stdout.split()))
    return pages


def test_cards_go_to_the_not_yet_joined_with_fresh_links(
    settings: Settings, database: Database
) -> None:
    world = make_world(settings, database, participants_per_party=2)
    with database.transaction() as db:
        joined = join(db, settings, world, 0)
        viewer = staff_viewer(db, world.users["organizer"].email)
        workshop, cards = issue_cards(
            db, viewer=viewer, workshop_id=world.workshop.id, base_url=BASE
        )
    assert workshop.id == world.workshop.id
    waiting = world.invitations[1:]
    assert sorted(c.name for c in cards) == sorted(
        i.participant.display_name or "" for i in waiting
    )
    assert all(c.link.startswith(BASE + "/join/") for c in cards)
    old_tokens = {i.token for i in world.invitations}
    assert not {c.link.rsplit("/", 1)[1] for c in cards} & old_tokens, "fresh tokens"
    with database.transaction() as db:
        for invitation in waiting:  # the old links stop working
            with pytest.raises(DomainError):
                roster.invitation_workshop(db, invitation.token)
        for card in cards:  # the new ones work
            assert roster.invitation_workshop(db, card.link.rsplit("/", 1)[1]).id == workshop.id
        entries = list(db.exec(select(AuditEntry).where(AuditEntry.workshop_id == workshop.id)))
    actions = [e.action for e in entries]
    assert actions.count("roster.print_cards") == 1
    assert actions.count("roster.readmit") == len(waiting)
    assert joined.participant_id not in {
        e.target_id for e in entries if e.action != "roster.invite"
    }


def test_only_organizers_print_cards(settings: Settings, database: Database) -> None:
    world = make_world(settings, database)
    with database.transaction() as db:
        observer = staff_viewer(db, world.users["observer"].email)
        with pytest.raises(DomainError):
            issue_cards(db, viewer=observer, workshop_id=world.workshop.id, base_url=BASE)
        with pytest.raises(DomainError, match="No active staff account"):
            staff_viewer(db, "nobody@example.org")


def test_card_qr_codes_decode_to_the_links(tmp_path: Path) -> None:
    cards = [
        Card(name=f"Participant {i}", link=f"{BASE}/join/tok{i:02d}" + "x" * 38) for i in range(11)
    ]
    pdf = venue_cards.cards_pdf("Dialogue on the Northern Valley", cards)
    pages = _decode(pdf, tmp_path)
    assert len(pages) == 2, "8 cards to a page"
    assert len(pages[0]) == 8 and len(pages[1]) == 3
    assert sorted(pages[0] + pages[1]) == sorted(c.link for c in cards)


def test_cards_in_a_right_to_left_language_still_decode(tmp_path: Path) -> None:
    cards = [Card(name="מרים כהן", link=f"{BASE}/join/" + "h" * 43)]
    html = venue_cards.cards_html("שיח על העמק", cards, "he")
    assert 'dir="rtl"' in html
    assert _decode(venue_cards.cards_pdf("שיח על העמק", cards, "he"), tmp_path) == [[cards[0].link]]


def test_the_qr_matrix_is_segnos_for_the_link() -> None:
    """Without zbar: the embedded SVG is exactly segno's code for the link."""
    link = f"{BASE}/join/" + "m" * 43
    html = venue_cards.cards_html("T", [Card(name="N", link=link)])
    assert segno.make(link, error="m", micro=False).svg_data_uri(scale=6, border=4) in html
    assert link in html


def test_poster_qr_is_the_room_address(tmp_path: Path) -> None:
    pdf = venue_cards.poster_pdf("Sarel Basin Dialogue", BASE, "AB:CD:EF")
    assert _decode(pdf, tmp_path) == [[BASE]]
