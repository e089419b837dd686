"""The room box's configuration, kept in one folder (default var/room/): room.env (the settings:
production, its own SQLite database, htmx from this server, the room's address), secrets/ (a
generated secret key and master key, mode 0600) and the self-signed certificate."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.config import ROOT, SettingsError, get_settings
from app.venue import network

ROOM_DIR = ROOT / "var" / "room"
ENV_FILE = "room.env"


@dataclass(frozen=True)
class Room:
    folder: Path
    host: str
    port: int
    url: str
    cert: Path | None
    key: Path | None
    fingerprint: str


def _secret_file(folder: Path, name: str, value: str) -> None:
    path = folder / name
    if not path.is_file():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(value + "\n", encoding="utf-8")


def prepare(folder: Path, *, host: str, port: int, plain_http: bool) -> Room:
    """Write (or reuse) the room's secrets, certificate and room.env for this address."""
    folder.mkdir(parents=True, exist_ok=True)
    secrets_dir = folder / "secrets"
    _secret_file(secrets_dir, "TRACKTWO_SECRET_KEY", secrets.token_urlsafe(48))
    _secret_file(secrets_dir, "TRACKTWO_MASTER_KEY", secrets.token_hex(32))
    cert = key = None
    fingerprint = ""
    scheme = "http"
    if not plain_http:
        cert, key = network.certificate(folder, host)
        fingerprint = network.fingerprint(cert)
        scheme = "https"
    url = f"{scheme}://{host}:{port}"
    lines = {
        "TRACKTWO_ENV": "production",
        "TRACKTWO_DATABASE_URL": f"sqlite:///{folder.resolve() / 'tracktwo.db'}",
        "TRACKTWO_SECRETS_DIR": str(secrets_dir.resolve()),
        "TRACKTWO_PUBLIC_BASE_URL": url,
        "TRACKTWO_HTMX_SOURCE": "local",
        "TRACKTWO_HOST": host,
        "TRACKTWO_PORT": str(port),
        "TRACKTWO_WORKERS": "1",
        "TRACKTWO_API_DOCS": "false",
    }
    body = "".join(f"{k}={v}\n" for k, v in lines.items())
    (folder / ENV_FILE).write_text(
        "# Written by `tracktwo room`: the room box's settings (rewritten at each start).\n" + body,
        encoding="utf-8",
    )
    return Room(folder, host, port, url, cert, key, fingerprint)


def use(folder: Path) -> None:
    """Run this process on the room's settings: room.env's values override the environment
    (a shell's or make's TRACKTWO_DATABASE_URL must not point the room at another database)."""
    path = folder / ENV_FILE
    if not path.is_file():
        raise SettingsError(f"no room configured in {folder}: run `tracktwo room` first")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            os.environ[name] = value
    get_settings.cache_clear()


def fingerprint_of(folder: Path) -> str:
    cert = folder / "room-cert.pem"
    return network.fingerprint(cert) if cert.is_file() else ""
