"""The master key: a passphrase goes through scrypt with a stored salt (not a bare hash); 64 hex
digits are the key itself; `tracktwo rotate-master-key` re-wraps every workshop key, after which
every workshop still opens under the new key and none under the old one."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from sqlmodel import select

from app import cli, config
from app.config import Settings
from app.db import Database
from app.notes.models import Note
from app.security import keys
from app.workshops.models import WorkshopKey
from app.workshops.rotation import RotationError, rotate_master_key
from tests.factories import make_world

PASSPHRASE = "correct horse battery staple, twice"
SALT = "5a" * 16


def test_a_passphrase_goes_through_scrypt_with_its_salt() -> None:
    settings = Settings(env="test", master_key=PASSPHRASE, master_key_salt=SALT).validate()
    key = keys.master_key(settings)
    expected = hashlib.scrypt(
        PASSPHRASE.encode(),
        salt=bytes.fromhex(SALT),
        n=2**15,
        r=8,
        p=1,
        maxmem=64 * 2**20,
        dklen=32,
    )
    assert key == expected and len(key) == 32
    assert key != hashlib.sha256(PASSPHRASE.encode()).digest(), "no bare hash any more"
    other_salt = replace(settings, master_key_salt="a5" * 16)
    assert keys.master_key(other_salt) != key, "the salt takes part"


def test_a_raw_key_is_used_as_is() -> None:
    settings = Settings(env="test", master_key="0f" * 32).validate()
    assert settings.master_key_is_raw
    assert keys.master_key(settings) == bytes.fromhex("0f" * 32)


def test_a_passphrase_without_salt_is_refused() -> None:
    with pytest.raises(config.SettingsError, match="TRACKTWO_MASTER_KEY_SALT"):
        Settings(env="test", master_key=PASSPHRASE).validate()


def _note_bodies(settings: Settings) -> list[str]:
    database = Database(settings)
    try:
        with database.session() as db:
            return sorted(n.body for n in db.exec(select(Note)))
    finally:
        database.dispose()


def _seed(settings: Settings, database: Database) -> list[str]:
    """Three workshops, one with an encrypted note; returns their ids."""
    from app.notes import service as notes

    worlds = [make_world(settings, database, title=f"Dialogue {i}") for i in range(3)]
    with database.transaction() as db:
        viewer = worlds[0].viewer("rapporteur")
        notes.create(
            db,
            settings,
            viewer=viewer,
            workshop=worlds[0].workshop,
            body="Confidential: the river plan",
        )
    return [w.workshop.id for w in worlds]


def _opens(settings: Settings, database: Database, workshop_id: str) -> bool:
    with database.session() as db:
        row = db.get(WorkshopKey, workshop_id)
        assert row is not None
        try:
            keys.unwrap(settings, workshop_id, row.wrapped)
        except InvalidTag:
            return False
    return True


def test_rotation_rewraps_every_workshop_key(settings: Settings, database: Database) -> None:
    ids = _seed(settings, database)
    before = _note_bodies(settings)
    assert before == ["Confidential: the river plan"]
    new = replace(settings, master_key=PASSPHRASE, master_key_salt=SALT).validate()

    assert rotate_master_key(database, settings, new) == 3

    assert all(_opens(new, database, w) for w in ids), "every workshop opens with the new key"
    assert not any(_opens(settings, database, w) for w in ids), "the old key opens nothing"
    assert _note_bodies(new) == before, "the data reads as before"
    with pytest.raises(InvalidTag):
        _note_bodies(settings)


def test_a_wrong_current_key_changes_nothing(settings: Settings, database: Database) -> None:
    ids = _seed(settings, database)
    wrong = replace(settings, master_key="11" * 32)
    with pytest.raises(RotationError, match="nothing was changed"):
        rotate_master_key(database, wrong, replace(settings, master_key="22" * 32))
    with pytest.raises(RotationError, match="current one"):
        rotate_master_key(database, settings, settings)
    assert all(_opens(settings, database, w) for w in ids)


def test_cli_rotate_master_key(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = _seed(settings, database)
    old_key = "3c" * 32
    # Start from a real master key: the fixture's settings derive one in development.
    old = replace(settings, master_key=old_key)
    assert rotate_master_key(database, settings, old) == 3
    new_file = tmp_path / "new.key"
    new_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    monkeypatch.setenv("TRACKTWO_ENV", "test")
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", old_key)
    config.get_settings.cache_clear()
    try:
        code = cli.main(["rotate-master-key", "--new-key-file", str(new_file)])
    finally:
        config.get_settings.cache_clear()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Re-wrapped 3 workshop key(s)" in out
    salt = out.split("TRACKTWO_MASTER_KEY_SALT=")[1].split(",")[0]
    assert PASSPHRASE not in out and old_key not in out, "no key is printed"
    new = replace(settings, master_key=PASSPHRASE, master_key_salt=salt)
    assert all(_opens(new, database, w) for w in ids)
    assert not any(_opens(old, database, w) for w in ids)
