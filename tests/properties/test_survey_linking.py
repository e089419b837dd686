"""Linking attack on survey answers (app/evaluation): a dump of every table plus the master
key must not pair anyone's answers with their identity or their contributions, while each
person's own three answers (before, after, follow-up) pair with each other and nothing else.

The workshop is seeded through the real write paths (tests/properties/seed.py, every secret
the one the browser holds); the attacker is tests/properties/attacker.py.
"""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.evaluation import service as evaluation
from app.models import metadata
from app.security import crypto, keys
from tests.factories import World
from tests.properties import attacker
from tests.properties.seed import Author, seed
from tests.room.helpers import tx

pytestmark = pytest.mark.slow  # among the longest files: handed out first under xdist

STATEMENTS = ("A negotiated solution is possible.", "I trust the other side's intentions.")


def _answer_all(world: World, authors: list[Author], moment: str, shift: int) -> None:
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        survey = evaluation.survey_of(db, workshop, viewer=organizer)
        items = evaluation.items_of(db, survey, viewer=organizer)
    for n, author in enumerate(authors):
        with tx(world, author.viewer) as (db, workshop):
            evaluation.answer(
                db,
                world.settings,
                viewer=author.viewer,
                workshop=workshop,
                moment=moment,
                given={
                    item.id: f"Written {n}.{shift}"
                    if item.kind == "text"
                    else 1 + (n + m + shift) % 5
                    for m, item in enumerate(items)
                },
            )


def _open(world: World, *moments: str) -> None:
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        if evaluation.survey_of(db, workshop, viewer=organizer) is None:
            for prompt in STATEMENTS:
                evaluation.add_item(db, viewer=organizer, workshop=workshop, prompt=prompt)
            evaluation.add_item(
                db, viewer=organizer, workshop=workshop, prompt="What changed?", kind="text"
            )
        for moment in moments:
            evaluation.set_moment(
                db, viewer=organizer, workshop=workshop, moment=moment, state="open"
            )


def _while_live(world: World, authors: list[Author]) -> None:
    _open(world, "pre", "post", "follow_up")
    _answer_all(world, authors, "pre", 0)
    _answer_all(world, authors, "post", 1)


def test_every_paired_table_is_the_answer_table() -> None:
    paired = {t.name for t in metadata.sorted_tables if any("pairing" in c for c in t.c.keys())}
    assert paired == {attacker.SURVEY_TABLE}


def test_dump_plus_master_key_pairs_no_answer_with_a_person(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    seeded = seed(app, settings, database, while_live=_while_live)
    _answer_all(seeded.world, seeded.authors, "follow_up", 2)  # after the workshop closed
    with database.engine.connect() as conn:
        dump = attacker.read_dump(conn, settings)
    answers = dump.of(attacker.SURVEY_TABLE)
    assert len(answers) == 3 * len(seeded.authors)
    assert len(dump.of(attacker.SURVEY_TEXT_TABLE)) == 3 * len(seeded.authors)
    prefixes = attacker.code_prefixes()
    assert keys.PAIRING_DOMAIN in prefixes
    # The answers are not there to set against the per-party tallies without the workshop
    # key (which archive destroys): ciphertext, all of one length however many were answered.
    stored = [str(r.values["answers"]) for r in answers]
    assert all(crypto.is_encrypted(v) for v in stored), stored[:1]
    assert len({len(v) for v in stored}) == 1
    # Parties of two under k = 5 keep no tally of their own (policy.keeps_party_tally): a
    # dump holds no per-party count that could be set against anyone's answers at all.
    assert not dump.of("survey_tally") and not dump.of("survey_change_tally")

    links = attacker.pairing_links(dump, prefixes) + attacker.survey_equality_links(dump)
    links += attacker.tag_links(dump, prefixes) + attacker.equality_links(dump)
    assert not links, "\n".join(map(str, links[:20]))

    # Control: handed the secrets, the same machinery pairs each person's three answers.
    key = dump.workshop_keys[0]
    survey_id = str(answers[0].values["survey_id"])
    by_tag = Counter(str(r.values["pairing_tag"]) for r in answers)
    mine = [keys.pairing_tag(key, a.secret, survey_id) for a in seeded.authors]
    assert sorted(by_tag.values()) == [3] * len(seeded.authors)
    assert set(mine) == set(by_tag)
    # ... and the attacker, were the secrets stored anywhere, would find every pairing tag.
    leaked = attacker.Dump(
        rows=[
            *dump.rows,
            *(attacker.Row("leak", a.secret.hex(), {"s": a.secret}) for a in seeded.authors),
        ],
        workshop_keys=dump.workshop_keys,
    )
    found = {link.other for link in attacker.pairing_links(leaked, prefixes)}
    assert len(found) == len(seeded.authors), found
