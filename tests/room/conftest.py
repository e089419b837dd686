"""Room fixtures: a live workshop with an agenda, staff and participants in browsers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from app.agenda.models import AgendaItem, Meeting
from app.roster.models import RulesAcceptance
from tests.factories import Browser, World, make_world


@dataclass
class Room:
    world: World
    app: object
    contribution: AgendaItem
    plenary: AgendaItem
    on_record: AgendaItem
    clients: list[TestClient] = field(default_factory=list)

    @property
    def wid(self) -> str:
        return self.world.workshop.id

    def browser(self) -> Browser:
        """A separate cookie jar. Only the `client` fixture runs the app's lifespan (one bus);
        these extra clients share that app without starting another."""
        client = TestClient(self.app, base_url="http://testserver")  # type: ignore[arg-type]
        self.clients.append(client)
        return Browser(client)

    def staff(self, role: str) -> Browser:
        browser = self.browser()
        browser.login(self.world.users[role])
        return browser

    def participant(self, index: int) -> tuple[Browser, str]:
        """Join with invitation `index`, accept the rules; returns the browser and code."""
        browser = self.browser()
        code = browser.join(self.world.invitations[index])
        accept_rules(self.world, index)
        return browser, code


def accept_rules(world: World, index: int) -> None:
    participant = world.invitations[index].participant
    with world.database.transaction() as db:
        if db.get(RulesAcceptance, (participant.id, world.workshop.rules_version)) is None:
            db.add(
                RulesAcceptance(participant_id=participant.id, version=world.workshop.rules_version)
            )


def add_agenda(world: World) -> tuple[AgendaItem, AgendaItem, AgendaItem]:
    with world.database.transaction() as db:
        meeting = Meeting(workshop_id=world.workshop.id, title="Day one", position=0)
        db.add(meeting)
        db.flush()
        plenary = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="Opening round",
            kind="plenary",
            position=0,
        )
        contribution = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="Options for the water dispute",
            kind="contribution",
            phase="brainstorming",
            position=1,
        )
        on_record = AgendaItem(
            workshop_id=world.workshop.id,
            meeting_id=meeting.id,
            title="Statements for the press",
            kind="contribution",
            level="on_record",
            position=2,
        )
        db.add_all([plenary, contribution, on_record])
    return contribution, plenary, on_record


@pytest.fixture
def room(app, client, settings, database) -> Iterator[Room]:  # type: ignore[no-untyped-def]
    world = make_world(settings, database, status="live", participants_per_party=3)
    contribution, plenary, on_record = add_agenda(world)
    result = Room(world, app, contribution, plenary, on_record)
    yield result
    for extra in result.clients:
        extra.close()
