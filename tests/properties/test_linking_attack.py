"""Linking attack: a dump of every table plus the master key must link no contribution to a
participant, nor two contributions to each other as the same author (DESIGN.md, Anonymity 2).

The workshop is seeded through the real write paths (tests/properties/seed.py); the attacker
(tests/properties/attacker.py) is told no column name and no secret.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.config import Settings
from app.db import Database
from app.models import metadata
from app.roster.models import Participant
from app.security import keys
from tests.properties import attacker
from tests.properties.seed import seed

pytestmark = pytest.mark.slow  # among the longest files: handed out first under xdist


def test_every_tagged_table_is_a_contribution_table() -> None:
    """The attacker is told which tables hold contributions: a new one must be added there."""
    tagged = {t.name for t in metadata.sorted_tables if any("author" in c for c in t.c.keys())}
    assert tagged <= set(attacker.CONTRIBUTION_TABLES) | {attacker.PERSON_TABLE}, tagged


def test_dump_plus_master_key_links_no_contribution(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    authors = seed(app, settings, database).authors
    with database.engine.connect() as conn:
        dump = attacker.read_dump(conn, settings)
    assert len(dump.workshop_keys) == 1
    prefixes = attacker.code_prefixes()
    assert b"tracktwo/participant-secret/v1/" in prefixes and len(prefixes) >= 4
    tagged = [r for r in dump.of(*attacker.CONTRIBUTION_TABLES) if r.values.get("author_tag")]
    assert len(tagged) >= 7 + 4 * 7 + 8 + 4 + 4  # proposals, reactions, notes, sign-offs (2 kinds)

    links = attacker.tag_links(dump, prefixes) + attacker.equality_links(dump)
    assert not links, "\n".join(map(str, links[:20]))

    # Control: the attacker's machinery finds the authors when handed their secrets.
    with database.session() as db:
        participants = list(db.exec(select(Participant)))
    assert len(participants) == len(authors)
    key = dump.workshop_keys[0]
    stored = {str(r.values["author_tag"]) for r in tagged}
    tags = attacker._tagger(key)
    cids = sorted({str(v) for r in tagged for v in r.values.values()})
    suffixes = [f"{k}|{c}".encode() for k in attacker.KINDS for c in cids]
    suffixes += attacker.numbered_suffixes(dump)
    found = {tag for author in authors for tag in tags(author.secret, suffixes) if tag in stored}
    assert found == stored
    assert keys.author_tag(key, authors[0].secret, "proposal", "x") not in stored
