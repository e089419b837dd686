"""Service-level helpers for the negotiating text: a live world with a text item, drafting,
publishing, marking and critiquing through the real write paths."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from app.agenda.models import AgendaItem, Meeting
from app.ntext import figures, marks, page, service, signoff
from app.ntext.models import TextParagraph
from app.policy import Viewer
from app.room import proposals, runtime
from app.workshops.models import Workshop
from tests.factories import Browser, World, make_world
from tests.room.conftest import accept_rules
from tests.room.helpers import participant_viewer, tx


def text_world(
    settings,
    database,
    *,
    k: int = 3,
    per_party: int = 3,
    languages: str = "en",
    names=None,
    level: str = "chatham",
):  # type: ignore[no-untyped-def]
    """A live workshop (k as given, two parties) whose agenda holds one negotiating text."""
    world = make_world(
        settings, database, status="live", participants_per_party=per_party, names=names
    )
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        workshop.k_min = k
        workshop.languages = languages
        db.add(workshop)
        meeting = Meeting(workshop_id=workshop.id, title="Round two", position=0)
        db.add(meeting)
        db.flush()
        item = AgendaItem(
            workshop_id=workshop.id,
            meeting_id=meeting.id,
            title="The single text",
            kind="text",
            position=0,
            level=level,
        )
        db.add(item)
        db.flush()
        item_id = item.id
    world.workshop.k_min = k
    world.workshop.languages = languages
    return world, item_id


def viewers(world: World) -> list[Viewer]:
    return [participant_viewer(world, i) for i in range(len(world.invitations))]


def start(world: World, item_id: str) -> None:
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        runtime.start(db, viewer=fac, workshop=workshop, item_id=item_id)
        runtime.set_intake(db, viewer=fac, workshop=workshop, item_id=item_id, open_=True)


def publish_text(world: World, item_id: str, text: str, lang: str = "") -> list[str]:
    """Draft and publish the next version; returns its paragraph ids in order."""
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        item = service.text_item(db, viewer=fac, workshop=workshop, item_id=item_id)
        service.save_draft(db, viewer=fac, workshop=workshop, item=item, text=text, lang=lang)
        version = service.publish_version(db, viewer=fac, workshop=workshop, item=item)
        rows = db.exec(select(TextParagraph).where(TextParagraph.version_id == version.id))
        return [row.id for row in sorted(rows, key=lambda r: r.number)]


def mark(world: World, viewer: Viewer, paragraph_id: str, value: str) -> str:
    with tx(world, viewer) as (db, workshop):
        return marks.mark(
            db,
            world.settings,
            viewer=viewer,
            workshop=workshop,
            paragraph_id=paragraph_id,
            value=value,
        )


def critique(world: World, viewer: Viewer, paragraph_id: str, text: str) -> str:
    with tx(world, viewer) as (db, workshop):
        return marks.critique(
            db,
            world.settings,
            viewer=viewer,
            workshop=workshop,
            paragraph_id=paragraph_id,
            text=text,
            idempotency_key=proposals.new_idempotency_key(),
        ).id


def publish_figures(world: World, item_id: str, *, show: bool = True) -> int:
    fac = world.viewer("facilitator")
    with tx(world, fac) as (db, workshop):
        item = service.text_item(db, viewer=fac, workshop=workshop, item_id=item_id)
        withheld = figures.publish(db, viewer=fac, workshop=workshop, item=item)
        if show:
            runtime.set_results(db, viewer=fac, workshop=workshop, item_id=item_id, shown=True)
        return withheld


def read(world: World, viewer: Viewer, item_id: str) -> page.TextPage:
    with tx(world, viewer) as (db, workshop):
        item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
        return page.text_page(db, world.settings, viewer=viewer, workshop=workshop, item=item)


def sign_off(world: World, viewer: Viewer, item_id: str, seen: str = "") -> bool:
    """Sign the version in force off, through the service."""
    with tx(world, viewer) as (db, workshop):
        item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
        return signoff.sign_off(
            db, world.settings, viewer=viewer, workshop=workshop, item=item, seen=seen
        )


def joined(app: object, world: World, index: int) -> Browser:
    """A browser of the participant at `index`, joined, the ground rules accepted."""
    browser = Browser(TestClient(app, base_url="http://testserver"))  # type: ignore[arg-type]
    browser.join(world.invitations[index])
    accept_rules(world, index)
    return browser
