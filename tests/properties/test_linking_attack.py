"""Linking attack: a dump of every table plus the master key must link no contribution to a
participant, nor two contributions to each other as the same author (DESIGN.md, Anonymity 2).

The workshop is seeded through the real write paths: invitations claimed over HTTP (so the
authorship secret is the one the browser is handed), proposals, an edit and a withdrawal,
reactions and a change of mind, private notes, the speaking queue, sign-offs and a comment.
The attacker (tests/properties/attacker.py) is told no column name and no secret.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlmodel import select

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database
from app.models import metadata
from app.notes import service as notes
from app.policy import Viewer
from app.room import proposals, queue, reactions, runtime
from app.roster.models import Participant
from app.rules import service as rules
from app.security import keys, sessions
from app.summary import service as summary
from app.workshops import service as workshops
from tests.factories import Browser, World, make_world
from tests.properties import attacker
from tests.room.helpers import open_round, reveal, submit, tx

NAMES = ["Zenobia Quartermaine", "Ottokar Vellburn", "Ismeralda Thorncastle", "Baltazar Oyelowo"]


@dataclass(frozen=True)
class Author:
    viewer: Viewer
    secret: bytes


def _join(app: object, world: World, index: int) -> Author:
    """Claim invitation `index` in a browser of its own; the secret is the cookie it gets."""
    with TestClient(app, base_url="http://testserver") as client:  # type: ignore[arg-type]
        Browser(client).join(world.invitations[index])
        raw = client.cookies.get(sessions.author_cookie(world.settings))
    assert raw, "joining sets the authorship cookie"
    secret = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    with world.database.session() as db:
        participant = db.get(Participant, world.invitations[index].participant.id)
        assert participant is not None and participant.status == "active"
        viewer = Viewer(
            kind="participant",
            participant_id=participant.id,
            workshop_id=participant.workshop_id,
            party_id=participant.party_id,
            display_name=participant.display_name,
            secret=secret,
        )
    with tx(world, viewer) as (db, workshop):
        rules.accept(db, viewer=viewer, workshop=workshop)
    return Author(viewer, secret)


def _agenda(world: World) -> tuple[str, str]:
    with world.database.transaction() as db:
        meeting = Meeting(workshop_id=world.workshop.id, title="Day one", position=0)
        db.add(meeting)
        db.flush()
        round_ = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="Options for the water dispute",
            kind="contribution",
            phase="brainstorming",
            position=0,
        )
        plenary = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="Ways forward",
            kind="plenary",
            position=1,
        )
        db.add_all([round_, plenary])
        db.flush()
        return round_.id, plenary.id


def _seed(app: object, settings: Settings, database: Database) -> list[Author]:
    world = make_world(
        settings,
        database,
        status="live",
        participants_per_party=2,
        names=NAMES,
        affiliations=["Institute Of Xylophonic Studies", "", "Ministry Of Quiet Waters", ""],
    )
    round_id, plenary_id = _agenda(world)
    authors = [_join(app, world, n) for n in range(len(world.invitations))]
    fac = world.viewer("facilitator")
    open_round(world, round_id)
    mine: list[list[str]] = []
    for n, author in enumerate(authors):
        mine.append(
            [
                submit(world, author.viewer, f"Option {n}.{m}: a joint water board").id
                for m in (1, 2)
            ]
        )
    with tx(world, authors[0].viewer) as (db, workshop):
        proposals.edit(
            db,
            settings,
            viewer=authors[0].viewer,
            workshop=workshop,
            proposal_id=mine[0][1],
            text="Option 0.2, edited: a joint water board with observers",
        )
    with tx(world, authors[1].viewer) as (db, workshop):
        proposals.withdraw(
            db, settings, viewer=authors[1].viewer, workshop=workshop, proposal_id=mine[1][1]
        )
    assert reveal(world, round_id) == 7
    shown = [pid for ids in mine for pid in ids if pid != mine[1][1]]
    for n, author in enumerate(authors):
        for m, pid in enumerate(shown):
            value = ("agree", "disagree", "pass")[(n + m) % 3]
            with tx(world, author.viewer) as (db, workshop):
                reactions.react(
                    db,
                    settings,
                    viewer=author.viewer,
                    workshop=workshop,
                    proposal_id=pid,
                    value=value,
                )
    with tx(world, authors[2].viewer) as (db, workshop):  # a change of mind
        reactions.react(
            db,
            settings,
            viewer=authors[2].viewer,
            workshop=workshop,
            proposal_id=shown[0],
            value="agree",  # was "pass"
        )
    for n, author in enumerate(authors):
        for m in (1, 2):
            with tx(world, author.viewer) as (db, workshop):
                notes.create(
                    db,
                    settings,
                    viewer=author.viewer,
                    workshop=workshop,
                    body=f"Private note {n}.{m}",
                    item_id=round_id if m == 1 else None,
                )
    rapporteur = world.viewer("rapporteur")
    with tx(world, rapporteur) as (db, workshop):
        notes.create(
            db,
            settings,
            viewer=rapporteur,
            workshop=workshop,
            body="Team synthesis",
            visibility="team",
        )
    with tx(world, fac) as (db, workshop):
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=round_id)
        runtime.start(db, viewer=fac, workshop=workshop, item_id=plenary_id)
    for author in authors[:3]:
        with tx(world, author.viewer) as (db, workshop):
            queue.ask(db, viewer=author.viewer, workshop=workshop)
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        workshops.transition(db, viewer=organizer, workshop=workshop, to="closed")
    with tx(world, organizer) as (db, workshop):
        summary.open_review(
            db, settings, workshop, viewer=organizer, rule="every_party", min_signoffs=1
        )
    for author in authors:
        with database.transaction() as db:
            assert summary.sign_off(db, settings, world.workshop.id, viewer=author.viewer)
    with database.transaction() as db:
        summary.comment(db, world.workshop.id, viewer=authors[3].viewer, body="Fair enough.")
    return authors


def test_every_tagged_table_is_a_contribution_table() -> None:
    """The attacker is told which tables hold contributions: a new one must be added there."""
    tagged = {t.name for t in metadata.sorted_tables if any("author" in c for c in t.c.keys())}
    assert tagged <= set(attacker.CONTRIBUTION_TABLES) | {attacker.PERSON_TABLE}, tagged


def test_dump_plus_master_key_links_no_contribution(
    app: object, client: TestClient, settings: Settings, database: Database
) -> None:
    authors = _seed(app, settings, database)
    with database.engine.connect() as conn:
        dump = attacker.read_dump(conn, settings)
    assert len(dump.workshop_keys) == 1
    prefixes = attacker.code_prefixes()
    assert b"tracktwo/participant-secret/v1/" in prefixes and len(prefixes) >= 4
    tagged = [r for r in dump.of(*attacker.CONTRIBUTION_TABLES) if r.values.get("author_tag")]
    assert len(tagged) >= 7 + 4 * 7 + 8 + 4  # proposals, reactions, notes, sign-offs

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
    found = {
        tag
        for author in authors
        for tag in tags(author.secret, [f"{k}|{c}".encode() for k in attacker.KINDS for c in cids])
        if tag in stored
    }
    assert found == stored
    assert keys.author_tag(key, authors[0].secret, "proposal", "x") not in stored
