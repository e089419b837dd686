"""A workshop whose every free-text field holds hostile text: format and template syntax,
markup, bidi controls and 2,000-character words. Seeded through the services and pages
where they exist (rows only where the canary seed writes rows too)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.notes import service as notes
from app.policy import Viewer
from app.room.models import Proposal, Theme
from app.roster.models import RulesAcceptance
from app.rules.models import GroundRule
from app.security import keys
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.factories import Browser, World, make_world, staff_viewer
from tests.policy.canary import _params as canary_params
from tests.policy.seed import add_items

MARK = "<script>alert(1)</script>"
SHORT = "50% %(x)s %s {} {0} {{ 7*7 }} " + MARK + " \u202eRTL\u202c"  # fits 120 characters
LONG = SHORT + " " + "W" * 2000
ROLES = ("organizer", "facilitator", "rapporteur", "observer", "participant", "anonymous")


def hostile(label: str, *, long: bool = False) -> str:
    return f"{label} {LONG if long else SHORT}"


@dataclass
class HostileWorld:
    world: World
    browsers: dict[str, Browser] = field(default_factory=dict)
    params: dict[str, list[str]] = field(default_factory=dict)


def _client(app: FastAPI) -> Browser:
    return Browser(TestClient(app, base_url="http://testserver", raise_server_exceptions=False))


def seed(app: FastAPI, settings: Settings, database: Database) -> HostileWorld:
    world = make_world(
        settings,
        database,
        title=hostile("Title"),
        parties=(hostile("PartyA"), hostile("PartyB")),
        participants_per_party=1,
        status="live",
        names=[hostile("Name1"), hostile("Name2")],
        affiliations=[hostile("Org1"), hostile("Org2")],
    )
    hw = HostileWorld(world=world)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        workshop.purpose = hostile("Purpose", long=True)
        for user in world.users.values():
            user.display_name = hostile("Staff")
            db.add(user)
        items = add_items(db, workshop, prefix=hostile("Item"))
        items["chatham"].state = "live"
        items["on_record"].state = "done"
        for item in items.values():
            item.description = hostile("Description", long=True)
            item.reveals = 1
            db.add(item)
            db.add(Theme(workshop_id=workshop.id, item_id=item.id, name=hostile("Theme")))
        db.add(
            GroundRule(
                workshop_id=workshop.id, title=hostile("Rule"), body=hostile("Body", long=True)
            )
        )
        workshop.rules_version += 1
        db.add(workshop)
    # the participant claims the invitation through the real pages
    browser = _client(app)
    code = browser.join(world.invitations[0])
    participant = world.invitations[0].participant
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        db.add(RulesAcceptance(participant_id=participant.id, version=workshop.rules_version))
        key = workshops.data_key(db, settings, workshop)
        author = Viewer(
            kind="participant",
            participant_id=participant.id,
            workshop_id=workshop.id,
            party_id=participant.party_id,
            display_name=participant.display_name,
            secret=keys.participant_secret(code),
        )
        for level, item in items.items():
            for status in ("pending", "revealed"):
                proposal = Proposal(
                    workshop_id=workshop.id,
                    item_id=item.id,
                    text=hostile(f"Proposal {status} {level}", long=True),
                    status=status,
                    batch=1 if status == "revealed" else 0,
                )
                assert author.secret is not None
                proposal.author_tag = keys.author_tag(key, author.secret, "proposal", proposal.id)
                db.add(proposal)
            db.flush()
        rapporteur = staff_viewer(db, world.users["rapporteur"])
        for level, item in [*items.items(), ("general", None)]:
            for visibility in ("private", "team", "room", "summary"):
                if visibility == "summary" and level == "off_record":
                    continue
                notes.create(
                    db,
                    settings,
                    viewer=rapporteur,
                    workshop=workshop,
                    body=hostile("Note", long=True),
                    item_id=item.id if item else None,
                    visibility=visibility,
                )
            notes.create(
                db,
                settings,
                viewer=author,
                workshop=workshop,
                body=hostile("Own note", long=True),
                item_id=item.id if item else None,
            )
    hw.browsers["participant"] = browser
    for role in ("organizer", "facilitator", "rapporteur", "observer"):
        staff = _client(app)
        staff.login(world.users[role])
        hw.browsers[role] = staff
    hw.browsers["anonymous"] = _client(app)
    hw.params = _params(database, world)
    return hw


def _params(database: Database, world: World) -> dict[str, list[str]]:
    """The canary crawl's parameters; the unclaimed invitation's link for /join/{token}."""
    return canary_params(database, world, world.invitations[1].token)
