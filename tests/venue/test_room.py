"""`tracktwo room`: its folder (room.env, generated secrets, a self-signed certificate whose
fingerprint is printed), the server's arguments (TLS, one worker, the guard installed), plain
HTTP loudly warned, and `room-cards` / `room-poster` on the room's own settings."""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography import x509

from app import cli, config
from app.db import Database
from app.policy import Viewer
from app.roster import service as roster
from app.venue import box, guard, network
from app.venue.service import staff_viewer
from app.workshops import service as workshops
from app.workshops.models import Party
from tests.factories import PASSWORD

FINGERPRINT = re.compile(r"^([0-9A-F]{2}:){31}[0-9A-F]{2}$")


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """box.use() writes os.environ: put it back afterwards."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("TRACKTWO_"):
            monkeypatch.delenv(name)
    config.get_settings.cache_clear()
    yield
    os.environ.clear()
    os.environ.update(saved)
    config.get_settings.cache_clear()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    monkeypatch.setattr(guard, "install", lambda own: seen.update(guard=own))
    return seen


def test_room_serves_https_on_the_given_address(
    environ: None, served: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "room"
    assert cli.main(["room", "--host", "127.0.0.1", "--port", "8443", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert served["host"] == "127.0.0.1" and served["port"] == 8443 and served["workers"] == 1
    assert served["ssl_certfile"] and served["ssl_keyfile"]
    assert "127.0.0.1" in served["guard"], "the outbound guard was installed"
    printed = re.search(r"fingerprint: (\S+)", out)
    assert printed and FINGERPRINT.match(printed.group(1))
    assert printed.group(1) == network.fingerprint(Path(served["ssl_certfile"]))
    cert = x509.load_pem_x509_certificate(Path(served["ssl_certfile"]).read_bytes())
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert alt.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    for secret in ("TRACKTWO_SECRET_KEY", "TRACKTWO_MASTER_KEY"):
        mode = (folder / "secrets" / secret).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600, secret
    assert stat.S_IMODE((folder / "room-key.pem").stat().st_mode) == 0o600
    settings = config.get_settings()
    assert settings.env == "production" and settings.htmx_source == "local"
    assert settings.public_base_url == "https://127.0.0.1:8443"
    assert settings.database_url.endswith(str(folder / "tracktwo.db"))
    assert settings.master_key_is_raw and settings.secret_key != config.DEV_SECRET
    # a second start keeps the keys and the certificate
    key = (folder / "secrets" / "TRACKTWO_MASTER_KEY").read_text()
    assert cli.main(["room", "--host", "127.0.0.1", "--dir", str(folder)]) == 0
    assert (folder / "secrets" / "TRACKTWO_MASTER_KEY").read_text() == key
    assert printed.group(1) in capsys.readouterr().out


def test_plain_http_is_warned(
    environ: None, served: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "room"
    assert cli.main(["room", "--host", "127.0.0.1", "--plain-http", "--dir", str(folder)]) == 0
    err = capsys.readouterr().err
    assert "PLAIN HTTP" in err and "isolated hotspot" in err
    assert served["ssl_certfile"] is None
    assert config.get_settings().public_base_url == "http://127.0.0.1:8443"


def test_the_room_ignores_a_database_url_from_the_shell(
    environ: None, served: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", "sqlite:///" + str(tmp_path / "other.db"))
    assert cli.main(["room", "--host", "127.0.0.1", "--dir", str(tmp_path / "room")]) == 0
    assert config.get_settings().database_url.endswith("room/tracktwo.db")


def test_lan_addresses_are_private_and_not_loopback() -> None:
    for address in network.lan_addresses():
        ip = ipaddress.ip_address(address)
        assert ip.is_private and not ip.is_loopback


def test_cards_and_poster_from_the_command_line(
    environ: None, served: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "room"
    room = ["--room", str(folder)]
    assert cli.main(["room", "--host", "127.0.0.1", "--dir", str(folder)]) == 0
    assert (
        cli.main([*room, "create-user", "org@example.org", "--name", "Org", "--password", PASSWORD])
        == 0
    )

    settings = config.get_settings()
    database = Database(settings)
    try:
        with database.transaction() as db:
            viewer: Viewer = staff_viewer(db, "org@example.org")
            workshop = workshops.create(db, settings, viewer=viewer, title="Room Dialogue")
            party = Party(workshop_id=workshop.id, name="Riverside", position=0)
            db.add(party)
            db.flush()
            viewer = staff_viewer(db, "org@example.org")
            for name in ("Ada", "Bea"):
                roster.add(
                    db, viewer=viewer, workshop=workshop, display_name=name, party_id=party.id
                )
            workshop_id = workshop.id
    finally:
        database.dispose()
    capsys.readouterr()
    out_pdf = tmp_path / "cards.pdf"
    args = ["room-cards", workshop_id, "--as", "org@example.org", "--dir", str(folder)]
    assert cli.main([*args, "--out", str(out_pdf)]) == 0
    assert "2 card(s)" in capsys.readouterr().out
    assert out_pdf.read_bytes().startswith(b"%PDF")
    poster = tmp_path / "poster.pdf"
    assert cli.main(["room-poster", "--dir", str(folder), "--out", str(poster)]) == 0
    assert "https://127.0.0.1:8443" in capsys.readouterr().out
    assert poster.read_bytes().startswith(b"%PDF")
    assert (
        cli.main(["room-cards", workshop_id, "--as", "nobody@example.org", "--dir", str(folder)])
        == 2
    )


def test_a_room_command_without_a_room_is_a_clear_error(
    environ: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--room", str(tmp_path / "none"), "users", "list"]) == 2
    assert "run `tracktwo room` first" in capsys.readouterr().err
    assert box.ROOM_DIR.name == "room"
