"""Time resolution: no stored contribution and nothing a participant is shown carries a time
finer than the agenda item (DESIGN.md, Anonymity 4). Searched by value, not by column name:
any datetime or time in a contribution row, any string that parses as a time of day.

A first, minimal version; the full one (every column and every output) follows issue 13.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.security import crypto
from tests.factories import World
from tests.properties import attacker
from tests.properties.seed import Author, seed

# 14:05, 14:05:09, 2026-12-02T14:05 ... (a timer's m:ss countdown is not running in the seed)
TIME_OF_DAY = re.compile(r"(?<![\w.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\w)|T\d\d:\d\d")


def _times(value: object) -> bool:
    if isinstance(value, (datetime, time)):
        return True
    if isinstance(value, str) and crypto.is_encrypted(value):
        return False  # its plaintext is searched instead (base64 can look like "1:05")
    return isinstance(value, str) and bool(TIME_OF_DAY.search(value))


def test_no_contribution_row_stores_a_time(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    seeded = seed(app, settings, database)
    with database.engine.connect() as conn:
        dump = attacker.read_dump(conn, settings)
    rows = dump.of(*attacker.CONTRIBUTION_TABLES)
    assert len(rows) > 40
    found = [
        f"{row.table}.{column} = {value!r}"
        for row in rows
        for column, value in row.values.items()
        if _times(value)
    ]
    found += [f"encrypted: {text!r}" for text in attacker.plaintexts(dump) if _times(text)]
    assert not found, found
    seeded.close()


def test_participant_is_shown_no_time_of_a_contribution(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    shown: list[str] = []

    def look(world: World, authors: list[Author]) -> None:
        wid = world.workshop.id
        for author in authors[:2]:
            for url in (f"/w/{wid}/room", f"/w/{wid}/room/region/proposals"):
                response = author.browser.get(url)
                assert response.status_code == 200, url
                shown.append(response.text)
            response = author.browser.client.get(f"/api/v1/workshops/{wid}/room")
            assert response.status_code == 200, response.text
            shown.append(response.text)
        assert any("Option 2.1: a joint water board" in text for text in shown)

    seeded = seed(app, settings, database, while_live=look)
    hits = [m.group(0) for text in shown for m in TIME_OF_DAY.finditer(text)]
    assert not hits, hits
    seeded.close()
