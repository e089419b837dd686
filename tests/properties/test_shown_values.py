"""No stored digest reaches a participant: author tags, token and recovery hashes and
ciphertext live in the database only. Searched by value (every stored hex digest of 40+
characters and every encrypted cell), in every page, fragment and JSON answer a participant
gets while the round is live, whatever the field that would carry it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.security import crypto
from tests.factories import World
from tests.properties import attacker
from tests.properties.seed import Author, seed

DIGEST = re.compile(r"^[0-9a-fA-F]{40,}$")


def test_no_stored_digest_is_shown_to_a_participant(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    shown: list[str] = []
    secrets: set[str] = set()

    def look(world: World, authors: list[Author]) -> None:
        wid = world.workshop.id
        for author in authors:
            for url in (
                f"/w/{wid}/room",
                f"/w/{wid}/room/region/proposals",
                f"/w/{wid}/room/region/results",
                f"/api/v1/workshops/{wid}/room",
            ):
                response = author.browser.get(url)
                assert response.status_code == 200, url
                shown.append(response.text)
        with database.engine.connect() as conn:
            dump = attacker.read_dump(conn, settings)
        for row in dump.rows:
            for value in row.values.values():
                if isinstance(value, str) and (DIGEST.match(value) or crypto.is_encrypted(value)):
                    secrets.add(value)

    seeded = seed(app, settings, database, while_live=look)
    assert len(secrets) > 40 and any("Option 1.1" in text for text in shown)
    leaks = sorted({value for value in secrets for text in shown if value in text})
    assert not leaks, leaks[:5]
    seeded.close()
