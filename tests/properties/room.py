"""One live workshop seeded the way people use it: every contribution through the HTTP forms.

Parties Amber and Birch, three participants each. In the default cast the *author* (Amber)
writes two proposals that are revealed, one that stays pending (and edits it), reacts, changes
a reaction, keeps a private note and signs the summary off; the *other* (Amber too) writes
nothing and reacts; a Birch participant writes the remaining revealed proposals (one hidden by
the facilitator). `authors` recasts who writes what, for the authorship-swap comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select as core_select

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database
from app.models import metadata
from app.room.service import REGIONS
from app.workshops.models import Workshop
from tests.factories import Browser, World, make_world

PARTIES = ("Amber", "Birch")
NAMES = ["Ada Quell", "Otto Vrisk", "Ines Pharo", "Zoe Glimt", "Wim Torrak", "Ula Brenz"]
CAST = {"author": 0, "other": 1, "birch": 3, "watcher": 4}
IDEM_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')
RULE_RE = re.compile(r'<select id="rule" name="rule">\s*<option value="([^"]+)"')
# Sent with every reveal. A minimum reveal batch may come with an override: this is where the
# seed confirms it (unknown form fields are ignored until then).
REVEAL_FORM: dict[str, str] = {"override_reason": "property test seed"}

# (writer in the default cast, text, fate): revealed, pending (stays with its author), hidden
PROPOSALS = (
    ("author", "Joint monitoring of the river", "revealed"),
    ("author", "A shared water commission", "revealed"),
    ("birch", "Seasonal quotas for the fishery", "revealed"),
    ("birch", "Close the northern crossing", "hidden"),
    ("author", "An exchange of school teachers", "pending"),
)


@dataclass
class SeededRoom:
    world: World
    browsers: dict[str, Browser]
    item: AgendaItem
    proposal_ids: dict[str, str] = field(default_factory=dict)  # text -> id
    own: dict[str, set[str]] = field(default_factory=dict)  # role -> ids only they may see
    writers: dict[str, str] = field(default_factory=dict)  # text -> the role who wrote it

    @property
    def wid(self) -> str:
        return self.world.workshop.id


def _browser(app: FastAPI) -> Browser:
    return Browser(TestClient(app, base_url="http://testserver", raise_server_exceptions=False))


def _ok(response: object, what: str) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status in (200, 201, 303), f"{what}: {status} {response.text[:300]}"  # type: ignore[attr-defined]


def add_agenda(database: Database, workshop_id: str) -> dict[str, AgendaItem]:
    """One session with clock times (staff schedule data) and three items."""
    with database.transaction() as db:
        meeting = Meeting(
            workshop_id=workshop_id,
            title="Day one",
            level="chatham",
            start_time=time(9, 30),
            end_time=time(12, 15),
        )
        db.add(meeting)
        db.flush()
        items = {}
        for position, (key, kind, level) in enumerate(
            (
                ("opening", "plenary", "chatham"),
                ("options", "contribution", "chatham"),
                ("record", "contribution", "on_record"),
            )
        ):
            items[key] = AgendaItem(
                workshop_id=workshop_id,
                meeting_id=meeting.id,
                title=f"Item {key}",
                kind=kind,
                phase="brainstorming",
                level=level,
                position=position,
            )
            db.add(items[key])
    return items


def submit(browser: Browser, wid: str, text: str) -> None:
    page = browser.get(f"/w/{wid}/room")
    key = IDEM_RE.search(page.text)
    assert key, "the room offers no proposal form"
    _ok(
        browser.post(f"/w/{wid}/room/proposals", {"text": text, "idempotency_key": key.group(1)}),
        f"submit {text}",
    )


def seed_room(
    app: FastAPI, settings: Settings, database: Database, *, authors: dict[str, str] | None = None
) -> SeededRoom:
    """The room above, as it stands mid-item: intake open, results shown, timer paused."""
    recast = authors or {}
    world = make_world(
        settings,
        database,
        title="Dialogue on the river",
        parties=PARTIES,
        participants_per_party=3,
        status="live",
        names=NAMES,
    )
    wid = world.workshop.id
    items = add_agenda(database, wid)
    item = items["options"]
    with database.session() as db:
        workshop = db.get(Workshop, wid)
        assert workshop is not None
        version = str(workshop.rules_version)
    browsers: dict[str, Browser] = {}
    for role, index in CAST.items():
        browser = _browser(app)
        browser.join(world.invitations[index])
        _ok(browser.post(f"/w/{wid}/rules/accept", {"version": version}), "accept rules")
        browsers[role] = browser
    for role in ("organizer", "facilitator", "rapporteur", "observer"):
        browsers[role] = _browser(app)
        browsers[role].login(world.users[role])
    facilitator = browsers["facilitator"]
    console = f"/w/{wid}/console/items/{item.id}"
    _ok(facilitator.post(f"{console}/start"), "start")
    _ok(facilitator.post(f"{console}/intake", {"open": "1"}), "intake")

    seeded = SeededRoom(world=world, browsers=browsers, item=item)
    seeded.writers = {text: recast.get(writer, writer) for writer, text, _ in PROPOSALS}
    for writer, text, fate in PROPOSALS:
        if fate != "pending":
            submit(browsers[recast.get(writer, writer)], wid, text)
    _ok(facilitator.post(f"{console}/reveal", REVEAL_FORM), "reveal")
    for writer, text, fate in PROPOSALS:
        if fate == "pending":
            submit(browsers[recast.get(writer, writer)], wid, text + " (draft)")
    shown = [t for _, t, fate in PROPOSALS if fate != "pending"]
    seeded.proposal_ids = _proposal_ids(facilitator, wid, shown)
    for writer, text, fate in PROPOSALS:
        if fate == "pending":
            author = browsers[recast.get(writer, writer)]
            seeded.proposal_ids.update(_proposal_ids(author, wid, [text], where="room"))
    for writer, text, fate in PROPOSALS:
        if fate == "pending":
            role = recast.get(writer, writer)
            pid = seeded.proposal_ids[text]
            seeded.own.setdefault(role, set()).add(pid)
            _ok(
                browsers[role].post(f"/w/{wid}/room/proposals/{pid}/edit", {"text": text}),
                "edit",
            )
        if fate == "hidden":
            pid = seeded.proposal_ids[text]
            _ok(
                facilitator.post(f"/w/{wid}/console/proposals/{pid}/hide", {"reason": "off topic"}),
                "hide",
            )
    ids = seeded.proposal_ids
    for role, text, values in (
        ("author", "Seasonal quotas for the fishery", ("agree", "disagree")),
        ("author", "Joint monitoring of the river", ("pass",)),
        ("other", "Joint monitoring of the river", ("agree",)),
        ("other", "A shared water commission", ("disagree", "agree")),
        ("birch", "Joint monitoring of the river", ("agree",)),
        ("watcher", "Seasonal quotas for the fishery", ("pass",)),
    ):
        for value in values:
            url = f"/w/{wid}/room/proposals/{ids[text]}/react"
            _ok(browsers[role].post(url, {"value": value}), "react")
    _ok(facilitator.post(f"{console}/results", {"shown": "1"}), "results")
    _ok(facilitator.post(f"{console}/timer", {"timer": "start", "minutes": "5"}), "timer")
    _ok(facilitator.post(f"{console}/timer", {"timer": "pause"}), "pause")
    _ok(
        browsers["rapporteur"].post(
            f"/w/{wid}/notes", {"body": "The room agreed to meet again.", "visibility": "room"}
        ),
        "room note",
    )
    note = browsers["author"].post(f"/w/{wid}/notes", {"body": "Call home tonight."})
    _ok(note, "private note")
    seeded.own.setdefault("author", set()).add(note.headers["location"].split("#note-")[1])
    organizer = browsers["organizer"]
    rule = RULE_RE.search(organizer.get(f"/w/{wid}/summary").text)
    assert rule, "the summary page offers no release rule"
    _ok(
        organizer.post(
            f"/w/{wid}/summary/review/open", {"rule": rule.group(1), "min_signoffs": "1"}
        ),
        "open review",
    )
    _ok(browsers["author"].post(f"/w/{wid}/summary/review/signoff"), "sign off")
    return seeded


def _proposal_ids(
    reader: Browser, wid: str, texts: list[str], *, where: str = "room/console"
) -> dict[str, str]:
    """Each proposal's id, read the way its reader sees them: revealed ones from the console,
    a pending one from its author's own room (staff see pending texts only in groups)."""
    found: dict[str, str] = {}
    data = reader.client.get(f"/api/v1/workshops/{wid}/{where}").json()
    stack: list[object] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            text = value.get("text")
            if isinstance(text, str) and "id" in value:
                for wanted in texts:
                    if text.startswith(wanted):
                        found[wanted] = value["id"]
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    missing = [t for t in texts if t not in found]
    assert not missing, f"the console does not list {missing}"
    return found


# path parameter -> the table whose ids fill it
PARAM_TABLES = {
    "workshop_id": "workshop",
    "item_id": "agenda_item",
    "meeting_id": "meeting",
    "session_id": "meeting",
    "note_id": "note",
    "proposal_id": "proposal",
    "party_id": "party",
    "participant_id": "participant",
    "rule_id": "ground_rule",
    "theme_id": "theme",
    "entry_id": "audit_entry",
    "membership_id": "membership",
    "member_id": "membership",
}


def params(database: Database, wid: str, *, exclude: set[str]) -> dict[str, list[str]]:
    """Values for the GET routes' path parameters: the workshop's ids, minus `exclude`."""
    out: dict[str, list[str]] = {"region": list(REGIONS), "token": ["no-such-token"]}
    with database.session() as db:
        for name, table_name in PARAM_TABLES.items():
            table = metadata.tables[table_name]
            column = table.c.id if table_name == "workshop" else table.c.workshop_id
            rows = db.execute(core_select(table.c.id).where(column == wid)).scalars()
            out[name] = sorted(v for v in rows if v not in exclude)
    return out
