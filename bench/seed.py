"""Seed a live workshop for the benchmark through the application's own services."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from app.accounts.service import create_user
from app.config import Settings
from app.db import Database
from app.migrate import upgrade
from app.policy import Viewer
from app.roster import service as roster
from app.roster.models import RulesAcceptance
from app.security import sessions
from app.security.tokens import b64
from app.workshops import parties
from app.workshops import service as workshops
from app.workshops.models import Membership

PASSWORD = "bench password 2026"


@dataclass
class Person:
    cookie: str
    csrf: str


@dataclass
class Seeded:
    workshop_id: str
    item_id: str  # live, intake open: the throughput scenarios post here
    live_item_id: str  # planned: the live scenarios start it, so they begin on a clean item
    facilitator: Person
    participants: list[Person] = field(default_factory=list)


def _staff(db, user) -> Viewer:  # type: ignore[no-untyped-def]
    roles = {
        m.workshop_id: m.role
        for m in db.exec(select(Membership).where(Membership.user_id == user.id))
    }
    return Viewer(kind="staff", user_id=user.id, email=user.email, roles=roles)


def seed(settings: Settings, participants: int, cookie_names: tuple[str, str]) -> Seeded:
    """A live workshop with two parties, a live contribution round with intake open, and
    `participants` signed-in participants who accepted the ground rules."""
    from app.agenda import service as agenda
    from app.room import runtime

    upgrade(settings.database_url)
    database = Database(settings)
    session_cookie, author_cookie = cookie_names
    with database.transaction() as db:
        user = create_user(
            db, email="facilitator@bench.example", display_name="Bench", password=PASSWORD
        )
        viewer = Viewer(kind="staff", user_id=user.id, email=user.email)
        workshop = workshops.create(db, settings, viewer=viewer, title="Benchmark workshop")
        viewer = _staff(db, user)
        sides = [
            parties.add(
                db, viewer=viewer, workshop=workshop, data={"name": name, "description": ""}
            )
            for name in ("Side A", "Side B")
        ]
        meeting = agenda.add_session(
            db, viewer=viewer, workshop=workshop, data={"title": "Day one"}
        )
        item, second = (
            agenda.add_item(
                db,
                viewer=viewer,
                workshop=workshop,
                meeting_id=meeting.id,
                data={"title": title, "kind": "contribution", "phase": phase},
            )
            for title, phase in (
                ("Joint brainstorming", "brainstorming"),
                ("Options on the table", "evaluating"),
            )
        )
        invitations = [
            roster.add(
                db,
                viewer=viewer,
                workshop=workshop,
                display_name=f"Participant {i}",
                party_id=sides[i % 2].id,
            )
            for i in range(participants)
        ]
        workshop.status = "live"
        db.add(workshop)
        db.flush()
        runtime.start(db, viewer=viewer, workshop=workshop, item_id=item.id)
        runtime.set_intake(db, viewer=viewer, workshop=workshop, item_id=item.id, open_=True)
        staff_session = sessions.create(db, settings, kind="staff", user_id=user.id)
        facilitator = Person(
            cookie=f"{session_cookie}={staff_session.token}", csrf=staff_session.row.csrf_token
        )
        people = []
        for invitation in invitations:
            claimed = roster.claim(db, settings, token=invitation.token, client="bench")
            db.add(
                RulesAcceptance(
                    participant_id=claimed.participant.id, version=workshop.rules_version
                )
            )
            new = sessions.create(
                db, settings, kind="participant", participant_id=claimed.participant.id
            )
            cookie = f"{session_cookie}={new.token}; {author_cookie}={b64(claimed.secret)}"
            people.append(Person(cookie=cookie, csrf=new.row.csrf_token))
        seeded = Seeded(workshop.id, item.id, second.id, facilitator, people)
    database.dispose()
    return seeded
