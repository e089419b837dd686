"""A workshop seeded through the real write paths, for the property tests: invitations claimed
over HTTP (so each authorship secret is the one the browser is handed), proposals, an edit and
a withdrawal, reactions and a change of mind, private and team notes, the speaking queue,
sign-offs and a comment."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from fastapi.testclient import TestClient

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database
from app.notes import service as notes
from app.policy import Viewer
from app.room import common, proposals, queue, reactions, runtime
from app.roster.models import Participant
from app.rules import service as rules
from app.security import sessions
from app.summary import service as summary
from app.workshops import service as workshops
from tests.factories import Browser, World, make_world
from tests.ntext.helpers import critique, mark, publish_text, sign_off
from tests.room.helpers import open_round, reveal, submit, tx

NAMES = ["Zenobia Quartermaine", "Ottokar Vellburn", "Ismeralda Thorncastle", "Baltazar Oyelowo"]


@dataclass(frozen=True)
class Author:
    viewer: Viewer
    secret: bytes
    browser: Browser


@dataclass(frozen=True)
class Seeded:
    world: World
    authors: list[Author]
    round_id: str

    def close(self) -> None:
        for author in self.authors:
            author.browser.client.close()


def _join(app: object, world: World, index: int) -> Author:
    """Claim invitation `index` in a browser of its own; the secret is the cookie it gets."""
    client = TestClient(app, base_url="http://testserver")  # type: ignore[arg-type]
    browser = Browser(client)  # no lifespan of its own: it shares the app's (one bus)
    browser.join(world.invitations[index])
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
    return Author(viewer, secret, browser)


def agenda(world: World) -> tuple[str, str]:
    """A contribution round, a negotiating text and a plenary item; the round's and the
    plenary's ids (the text is the item between them)."""
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
        text = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="A single text",
            kind="text",
            position=1,
        )
        plenary = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="Ways forward",
            kind="plenary",
            position=2,
        )
        db.add_all([round_, text, plenary])
        db.flush()
        return round_.id, plenary.id


def seed(
    app: object,
    settings: Settings,
    database: Database,
    while_live: Callable[[World, list[Author]], None] | None = None,
) -> Seeded:
    """`while_live` is called once the round's proposals are revealed and reacted to."""
    world = make_world(
        settings,
        database,
        status="live",
        participants_per_party=2,
        names=NAMES,
        affiliations=["Institute Of Xylophonic Studies", "", "Ministry Of Quiet Waters", ""],
    )
    round_id, plenary_id = agenda(world)
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
    if while_live is not None:
        while_live(world, authors)
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
    negotiating_text(world, authors)
    with tx(world, fac) as (db, workshop):
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
        summary.comment(
            db, world.settings, world.workshop.id, viewer=authors[3].viewer, body="Fair enough."
        )
    return Seeded(world, authors, round_id)


def negotiating_text(world: World, authors: list[Author]) -> None:
    """Two versions of a three-paragraph text: every author marks every paragraph of both
    (one changes a mark) and critiques one paragraph of each; the critiques are revealed.
    Every author signs version 1 off, every other one signs again on version 2 (moved)."""
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        item = next(i for i in common.items(db, viewer=fac, workshop=workshop) if i.kind == "text")
        runtime.advance(db, viewer=fac, workshop=workshop)
        runtime.set_intake(db, viewer=fac, workshop=workshop, item_id=item.id, open_=True)
        item_id = item.id
    for version in (1, 2):
        ids = publish_text(world, item_id, f"One {version}.\n\nTwo {version}.\n\nThree.")
        for n, author in enumerate(authors):
            for m, pid in enumerate(ids):
                mark(world, author.viewer, pid, ("agree", "disagree", "pass")[(n + m) % 3])
            critique(world, author.viewer, ids[n % 3], f"Critique {version}.{n}")
        mark(world, authors[0].viewer, ids[0], "disagree")  # a change of mind
        assert reveal(world, item_id) == len(authors)
        for author in authors if version == 1 else authors[::2]:  # some sign again on 2
            sign_off(world, author.viewer, item_id)
    with tx(world, fac) as (db, workshop):
        runtime.finish(db, viewer=fac, workshop=workshop, item_id=item_id)
