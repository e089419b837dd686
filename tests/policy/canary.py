"""A workshop seeded with canaries: unique strings whose every appearance is checked.

Identity canaries (participant names, affiliations, ids, party names) and secrets (recovery
codes, invitation tokens, author tags, participant secrets, the workshop key) are checked
against one table of where each may appear; so is every piece of content (proposal and
note texts at each state, visibility and level).
"""

from __future__ import annotations

import base64
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.agenda.models import AgendaItem
from app.config import Settings
from app.db import Database
from app.evaluation import service as evaluation
from app.evaluation import transfer
from app.evaluation.models import SurveyResponse
from app.notes import service as notes
from app.notes.models import Note
from app.ntext import marks as ntext_marks
from app.ntext import service as ntext
from app.ntext import signoff as ntext_signoff
from app.ntext.models import TextMark, TextParagraph, TextSignoff
from app.policy import Viewer
from app.room import moderation, proposals, reactions, runtime
from app.room.models import Proposal, Reaction
from app.roster import service as roster
from app.roster.models import RulesAcceptance
from app.security import keys
from app.translations import texts as translating
from app.two_step import service as two_step
from app.workshops import service as workshops
from app.workshops.models import Workshop
from tests.factories import PASSWORD, Browser, World, make_user, make_world, staff_viewer
from tests.policy.crawl import Fetch, Record
from tests.policy.seed import add_items

STAFF = ("organizer", "facilitator", "rapporteur", "observer", "translator")
PARTY_READERS = frozenset(STAFF) - {"translator"}  # the translator sees texts, never parties
TEAM = frozenset({"organizer", "facilitator", "rapporteur"})
MODERATORS = frozenset({"organizer", "facilitator"})
ROOM_A = frozenset({*STAFF, "p1", "p2"})
ROLES = (*STAFF, "p1", "p2", "participant_B", "organizer_B", "anonymous", "signing_in")
NEVER = frozenset({"recovery", "token", "tag", "secret", "key"})
IDENTITY = frozenset({"name", "affiliation", "participant_id"})


def _canary(label: str) -> str:
    """Letters and digits only: nothing a format could escape (Markdown escapes `_`)."""
    return "CANARY" + re.sub(r"[^A-Za-z0-9]", "", label) + secrets.token_hex(3)


@dataclass(frozen=True)
class Canary:
    value: str
    kind: str
    label: str
    owner: str | None = None  # the role this identity belongs to
    roster_reader: str | None = None  # the organizer who may see it on roster pages
    readers: frozenset[str] = frozenset()  # content: who may read it inside the workshop
    exportable: bool = False  # content: may appear in a summary export


def is_export(path: str) -> bool:
    return "/summary/export" in path


def is_roster(path: str) -> bool:
    return "/roster" in path


def allowed(canary: Canary, role: str, path: str) -> bool:
    """THE table: where each kind of canary may appear."""
    if canary.kind in NEVER:
        return False
    if canary.kind in IDENTITY:
        if is_export(path):
            return False
        return role == canary.owner or (role == canary.roster_reader and is_roster(path))
    if canary.kind == "party":
        return role in PARTY_READERS and not is_export(path)
    if canary.kind in {"proposal", "note", "survey", "transfer"}:
        if is_export(path):
            return canary.exportable and role in canary.readers
        return role in canary.readers
    raise AssertionError(f"unknown canary kind {canary.kind}")


@dataclass
class CanaryWorld:
    world: World
    other: World
    canaries: list[Canary] = field(default_factory=list)
    browsers: dict[str, Browser] = field(default_factory=dict)
    params: dict[str, list[str]] = field(default_factory=dict)

    def add(self, canary: Canary) -> None:
        assert canary.value, canary
        self.canaries.append(canary)


@dataclass
class CanaryCrawl:
    """The seeded world and everything the crawl of it received (tests/policy/conftest.py)."""

    app: FastAPI
    cw: CanaryWorld
    fetches: list[Fetch]
    unknown: list[str]
    records: list[Record]
    logs: list[logging.LogRecord] = field(default_factory=list)


RECOVERY_RE = re.compile(r'id="recovery-code">([^<]+)<')


def _join(app: FastAPI, database: Database, world: World, index: int) -> tuple[Browser, str]:
    browser = Browser(TestClient(app, base_url="http://testserver", raise_server_exceptions=False))
    code = browser.join(world.invitations[index])
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        db.add(
            RulesAcceptance(
                participant_id=world.invitations[index].participant.id,
                version=workshop.rules_version,
            )
        )
    return browser, code


def _participant_viewer(world: World, index: int, code: str) -> Viewer:
    participant = world.invitations[index].participant
    return Viewer(
        kind="participant",
        participant_id=participant.id,
        workshop_id=world.workshop.id,
        party_id=participant.party_id,
        display_name=participant.display_name,
        secret=keys.participant_secret(code),
    )


# The rounds run in this order; every item but the last is finished, the last stays live.
ROUNDS = ("on_record", "off_record", "chatham")
# Passed to every reveal: a minimum reveal batch, when it comes with an override, is confirmed
# here (e.g. {"override": True, "reason": "canary seed"}).
REVEAL_OPTIONS: dict[str, object] = {"override_reason": "canary seed: a few per item"}
# (state, author, readers): a pending proposal stays with p1; p2's is revealed, then hidden
SPECS = (
    ("revealed", "p1", ROOM_A),
    ("hidden", "p2", MODERATORS | {"p2"}),
    ("pending", "p1", MODERATORS | {"p1"}),
)


def _run_round(
    settings: Settings,
    database: Database,
    world: World,
    item: AgendaItem,
    p1: Viewer,
    p2: Viewer,
    level: str,
) -> list[Canary]:
    """One contribution round through the services people use: the facilitator starts it and
    opens intake, p1 and p2 submit, the facilitator reveals and hides p2's, p2 reacts, p1
    submits one more that stays pending, and the item is finished unless it is the last."""
    authors = {"p1": p1, "p2": p2}
    facilitator = world.viewer("facilitator")
    texts = {state: _canary(f"PROP{state.upper()}{level.upper()}") for state, _, _ in SPECS}
    ids: dict[str, str] = {}

    def submit(state: str, author: str) -> None:
        with _room(world, authors[author]) as (db, workshop):
            row = proposals.submit(
                db,
                settings,
                viewer=authors[author],
                workshop=workshop,
                text=texts[state],
                idempotency_key=proposals.new_idempotency_key(),
            )
            ids[state] = row.id

    with _room(world, facilitator) as (db, workshop):
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=item.id)
        runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=item.id, open_=True)
    submit("revealed", "p1")
    submit("hidden", "p2")
    with _room(world, facilitator) as (db, workshop):
        runtime.reveal(db, viewer=facilitator, workshop=workshop, item_id=item.id, **REVEAL_OPTIONS)
        moderation.hide(
            db, viewer=facilitator, workshop=workshop, proposal_id=ids["hidden"], reason="off topic"
        )
    with _room(world, p2) as (db, workshop):
        reactions.react(
            db, settings, viewer=p2, workshop=workshop, proposal_id=ids["revealed"], value="agree"
        )
    submit("pending", "p1")
    if level != ROUNDS[-1]:
        with _room(world, facilitator) as (db, workshop):
            runtime.finish(db, viewer=facilitator, workshop=workshop, item_id=item.id)
    exportable = level != "off_record"
    found = []
    for state, _author, readers in SPECS:
        for value, what in ((texts[state], ""), (ids[state], " id")):
            found.append(
                Canary(
                    value,
                    "proposal",
                    f"{state} proposal{what} ({level})",
                    readers=readers,
                    exportable=exportable and state == "revealed",
                )
            )
    return found


def _run_text(
    settings: Settings, database: Database, world: World, p1: Viewer, p2: Viewer
) -> list[Canary]:
    """A negotiating text before the rounds: version 1 published (a paragraph canary), p1
    marks it and critiques it (revealed with p2's, then one more left pending) and signs
    version 1 off, version 2 drafted (staff only), and the item finished."""
    facilitator = world.viewer("facilitator")
    paragraph, draft = _canary("TEXTPARAGRAPH"), _canary("TEXTDRAFT")
    # the same paragraphs in the workshop's second language (app/ntext: ParagraphText)
    other, other_draft = _canary("TEXTPARAGRAPHAR"), _canary("TEXTDRAFTAR")
    critiques = {state: _canary(f"CRITIQUE{state.upper()}") for state in ("revealed", "pending")}
    with _room(world, facilitator) as (db, workshop):
        meeting = db.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop.id)).first()
        assert meeting is not None
        item = AgendaItem(
            workshop_id=workshop.id, meeting_id=meeting.meeting_id, title="Text", kind="text"
        )
        db.add(item)
        workshop.languages = "en,ar"
        db.add(workshop)
        db.flush()
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=item.id)
        runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=item.id, open_=True)
        ntext.save_draft(
            db,
            viewer=facilitator,
            workshop=workshop,
            item=item,
            text=paragraph,
            lang="",
            texts={"ar": other},
        )
        version = ntext.publish_version(db, viewer=facilitator, workshop=workshop, item=item)
        (row,) = ntext.paragraphs(db, viewer=facilitator, version_ids=[version.id])[version.id]
        item_id, paragraph_id = item.id, row.id
    ids: dict[str, str] = {}
    for author, state, text in ((p1, "revealed", critiques["revealed"]), (p2, "other", "Agreed")):
        with _room(world, author) as (db, workshop):
            ntext_marks.mark(
                db,
                settings,
                viewer=author,
                workshop=workshop,
                paragraph_id=paragraph_id,
                value="pass",
            )
            ids[state] = ntext_marks.critique(
                db,
                settings,
                viewer=author,
                workshop=workshop,
                paragraph_id=paragraph_id,
                text=text,
                idempotency_key=proposals.new_idempotency_key(),
            ).id
    with _room(world, facilitator) as (db, workshop):
        runtime.reveal(db, viewer=facilitator, workshop=workshop, item_id=item_id, **REVEAL_OPTIONS)
    with _room(world, p1) as (db, workshop):
        ids["pending"] = ntext_marks.critique(
            db,
            settings,
            viewer=p1,
            workshop=workshop,
            paragraph_id=paragraph_id,
            text=critiques["pending"],
            idempotency_key=proposals.new_idempotency_key(),
        ).id
    with _room(world, p1) as (db, workshop):
        signed = ntext.text_item(db, viewer=p1, workshop=workshop, item_id=item_id)
        assert ntext_signoff.sign_off(db, settings, viewer=p1, workshop=workshop, item=signed)
        (signoff_row,) = db.exec(select(TextSignoff).where(TextSignoff.item_id == item_id))
        signoff_values = (signoff_row.id, signoff_row.author_tag)
    with _room(world, facilitator) as (db, workshop):
        text_item = ntext.text_item(db, viewer=facilitator, workshop=workshop, item_id=item_id)
        ntext.save_draft(
            db,
            viewer=facilitator,
            workshop=workshop,
            item=text_item,
            text=draft,
            lang="",
            texts={"ar": other_draft},
        )
        runtime.finish(db, viewer=facilitator, workshop=workshop, item_id=item_id)
    return [
        Canary(
            paragraph,
            "proposal",
            "published paragraph of a text (its final version: in the summary)",
            readers=ROOM_A,
            exportable=True,
        ),
        Canary(
            other,
            "proposal",
            "published paragraph of a text in another language (in the JSON export)",
            readers=ROOM_A,
            exportable=True,
        ),
        Canary(draft, "proposal", "draft paragraph of a text", readers=MODERATORS),
        Canary(
            other_draft,
            "proposal",
            "draft paragraph of a text in another language",
            readers=MODERATORS,
        ),
        Canary(
            critiques["revealed"],
            "proposal",
            "revealed critique (never in the summary)",
            readers=ROOM_A,
            exportable=False,
        ),
        Canary(
            ids["revealed"], "proposal", "revealed critique id", readers=ROOM_A, exportable=False
        ),
        Canary(critiques["pending"], "proposal", "pending critique", readers=MODERATORS | {"p1"}),
        Canary(ids["pending"], "proposal", "pending critique id", readers=MODERATORS | {"p1"}),
        Canary(signoff_values[0], "proposal", "text sign-off id (shown to nobody)"),
        Canary(signoff_values[1], "proposal", "text sign-off author tag (shown to nobody)"),
    ]


@contextmanager
def _room(world: World, viewer: Viewer) -> Iterator[tuple[Session, Workshop]]:
    with world.database.transaction() as db:
        yield db, workshops.get(db, world.workshop.id, viewer=viewer, action="room.read")


def _signing_in(app: FastAPI, settings: Settings, database: Database) -> Browser:
    """A staff account (of no workshop) with two-step sign-in, past its password: the second
    step's page is all it may reach beyond what anyone may."""
    with database.transaction() as db:
        user = make_user(db)
        viewer = Viewer(kind="staff", user_id=user.id, email=user.email)
        two_step.start(db, settings, viewer=viewer)
        secret = two_step.pending_secret(db, settings, viewer=viewer)
        assert secret
        two_step.confirm(
            db, settings, viewer=viewer, password=PASSWORD, code=pyotp.TOTP(secret).now()
        )
    browser = Browser(TestClient(app, base_url="http://testserver", raise_server_exceptions=False))
    browser.get("/login")
    page = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert page.status_code == 200 and "/login/two-step" in page.text, page.text
    return browser


def seed(app: FastAPI, settings: Settings, database: Database) -> CanaryWorld:
    names = [_canary(f"NAME{i}") for i in range(4)]
    orgs = [_canary(f"AFFIL{i}") for i in range(4)]
    parties = (_canary("PARTYA"), _canary("PARTYB"))
    world = make_world(
        settings,
        database,
        title="Canary dialogue",
        parties=parties,
        participants_per_party=2,
        status="live",
        names=names,
        affiliations=orgs,
    )
    other_name = _canary("OTHERNAME")
    other = make_world(
        settings,
        database,
        title="Another dialogue",
        parties=("North", "South"),
        participants_per_party=1,
        status="live",
        names=[other_name, "Plain Person"],
    )
    cw = CanaryWorld(world=world, other=other)
    # invitations are ordered by party: p1 (party A), p2 (party A), p3, p4 (party B)
    owners = ["p1", "p2", "p3", "p4"]
    for i, invitation in enumerate(world.invitations):
        cw.add(Canary(names[i], "name", f"name of {owners[i]}", owners[i], "organizer"))
        cw.add(
            Canary(orgs[i], "affiliation", f"affiliation of {owners[i]}", owners[i], "organizer")
        )
        cw.add(
            Canary(
                invitation.participant.id,
                "participant_id",
                f"participant id of {owners[i]}",
                owners[i],
                "organizer",
            )
        )
        cw.add(Canary(invitation.token, "token", f"invitation token of {owners[i]}"))
    for party in parties:
        cw.add(Canary(party, "party", "party name"))
    cw.add(Canary(other_name, "name", "name of participant_B", "participant_B", "organizer_B"))
    cw.add(
        Canary(
            other.invitations[0].participant.id,
            "participant_id",
            "participant id of participant_B",
            "participant_B",
            "organizer_B",
        )
    )
    for invitation in other.invitations:
        cw.add(Canary(invitation.token, "token", "invitation token in workshop B"))

    # a spare invitation (not a canary) so that /join/{token} can be reached
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        spare = roster.add(
            db,
            viewer=staff_viewer(db, world.users["organizer"]),
            workshop=workshop,
            display_name="Spare Invitee",
            party_id=world.parties[0].id,
        )
        items = add_items(db, workshop, prefix="Agenda")
    spare_token = spare.token

    # participants claim their invitations through the real pages
    codes: dict[str, str] = {}
    for role, index in (("p1", 0), ("p2", 1)):
        browser, code = _join(app, database, world, index)
        cw.browsers[role] = browser
        codes[role] = code
        cw.add(Canary(code, "recovery", f"recovery code of {role}"))
        cw.add(Canary(code.replace("-", ""), "recovery", f"recovery code of {role} (bare)"))
        secret = keys.participant_secret(code)
        cw.add(Canary(base64.urlsafe_b64encode(secret).decode().rstrip("="), "secret", role))
        cw.add(Canary(secret.hex(), "secret", f"secret of {role} (hex)"))
    browser_b, code_b = _join(app, database, other, 0)
    cw.browsers["participant_B"] = browser_b
    cw.add(Canary(code_b, "recovery", "recovery code of participant_B"))
    for role in STAFF:
        browser = Browser(
            TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
        )
        browser.login(world.users[role])
        cw.browsers[role] = browser
    browser = Browser(TestClient(app, base_url="http://testserver", raise_server_exceptions=False))
    browser.login(other.users["organizer"])
    cw.browsers["organizer_B"] = browser
    cw.browsers["anonymous"] = Browser(
        TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    )
    cw.browsers["signing_in"] = _signing_in(app, settings, database)

    p1 = _participant_viewer(world, 0, codes["p1"])
    p2 = _participant_viewer(world, 1, codes["p2"])
    for canary in _run_text(settings, database, world, p1, p2):
        cw.add(canary)
    for level in ROUNDS:
        for canary in _run_round(settings, database, world, items[level], p1, p2, level):
            cw.add(canary)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        key = workshops.data_key(db, settings, workshop)
        cw.add(Canary(key.hex(), "key", "workshop key"))
        rapporteur = staff_viewer(db, world.users["rapporteur"])
        note_readers = {
            "private": frozenset({"rapporteur"}),
            "team": TEAM,
            "room": ROOM_A,
            "summary": ROOM_A,
        }
        for level, item in [*items.items(), ("general", None)]:
            for visibility, readers in note_readers.items():
                if visibility == "summary" and level == "off_record":
                    continue
                text = _canary(f"NOTE{visibility.upper()}{level.upper()}")
                note = notes.create(
                    db,
                    settings,
                    viewer=rapporteur,
                    workshop=workshop,
                    body=text,
                    item_id=item.id if item else None,
                    visibility=visibility,
                )
                for value, what in ((text, ""), (note.id, " id")):
                    cw.add(
                        Canary(
                            value,
                            "note",
                            f"{visibility} staff note{what} ({level})",
                            readers=readers,
                            exportable=visibility == "summary",
                        )
                    )
            text = _canary(f"NOTEPARTICIPANT{level.upper()}")
            own = notes.create(
                db,
                settings,
                viewer=p1,
                workshop=workshop,
                body=text,
                item_id=item.id if item else None,
            )
            cw.add(
                Canary(
                    own.id,
                    "note",
                    f"participant's private note id ({level})",
                    readers=frozenset({"p1"}),
                )
            )
            cw.add(
                Canary(
                    text, "note", f"participant's private note ({level})", readers=frozenset({"p1"})
                )
            )
        db.flush()
        for model in (Proposal, Reaction, Note, TextMark):
            for row in db.exec(select(model)):
                if row.author_tag:
                    cw.add(Canary(row.author_tag, "tag", f"{model.__name__} author tag"))

    for canary in _translate(database, world):
        cw.add(canary)
    _survey(cw, settings, database, (p1, p2))
    _open_summary_review(settings, database, world)
    cw.params = _params(database, world, spare_token)
    return cw


def _translate(database: Database, world: World) -> list[Canary]:
    """The translator translates every text on their list: each translation is a canary
    read only where its original is shown beside it (revealed proposals and shared notes:
    the room), never in an export."""
    found: list[Canary] = []
    with database.transaction() as db:
        translator = staff_viewer(db, world.users["translator"])
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        todo = translating.worklist(db, viewer=translator, workshop=workshop)
        assert todo and {t.state for t in todo} == {"revealed", "room", "summary"}, todo
        for item in todo:
            text = _canary(f"TRANSLATION{item.kind.upper()}{item.state.upper()}")
            translating.save(
                db,
                viewer=translator,
                workshop=workshop,
                kind=item.kind,
                object_id=item.id,
                lang="en",
                text=text,
            )
            readers = ROOM_A  # shown beside the original: a revealed proposal, a shared note
            found.append(
                Canary(
                    text, item.kind, f"translation of a {item.state} {item.kind}", readers=readers
                )
            )
    return found


def _survey(
    cw: CanaryWorld, settings: Settings, database: Database, people: tuple[Viewer, ...]
) -> None:
    """A survey (app/evaluation) with a canary statement, answered before and after by p1 and
    p2, its results published: the statement reaches the team and the participants only, and
    no pairing tag reaches anyone."""
    world = cw.world
    text = _canary("SURVEYSTATEMENT")
    cw.add(Canary(text, "survey", "survey statement", readers=TEAM | {"p1", "p2"}))
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        organizer = staff_viewer(db, world.users["organizer"])
        item = evaluation.add_item(db, viewer=organizer, workshop=workshop, prompt=text)
        for moment in ("pre", "post"):
            evaluation.set_moment(
                db, viewer=organizer, workshop=workshop, moment=moment, state="open"
            )
    for moment, value in (("pre", 2), ("post", 4)):
        for person in people:
            with database.transaction() as db:
                workshop = db.get(Workshop, world.workshop.id)
                evaluation.answer(
                    db,
                    settings,
                    viewer=person,
                    workshop=workshop,
                    moment=moment,
                    given={item.id: value},
                )
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        evaluation.publish(db, viewer=staff_viewer(db, world.users["organizer"]), workshop=workshop)
        for row in db.exec(select(SurveyResponse)):
            cw.add(Canary(row.pairing_tag, "tag", "survey pairing tag"))
    where = _canary("TRANSFERDESTINATION")
    cw.add(Canary(where, "transfer", "transfer log destination", readers=TEAM))
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        transfer.record(
            db,
            viewer=staff_viewer(db, world.users["rapporteur"]),
            workshop=workshop,
            item="whole",
            destination=where,
            briefed_on="2026-12-01",
            by=world.users["organizer"].id,
        )


def _open_summary_review(settings: Settings, database: Database, world: World) -> None:
    """Open the summary to participants' review, so that its pages can be crawled too."""
    try:
        from app.summary import service as summary
    except ImportError:
        return
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        organizer = staff_viewer(db, world.users["organizer"])
        summary.open_review(
            db, settings, workshop, viewer=organizer, rule=next(iter(summary.RULES)), min_signoffs=1
        )


def _params(database: Database, world: World, spare_token: str) -> dict[str, list[str]]:
    """Values for every path parameter the application's GET routes use."""
    from app.agenda.models import AgendaItem, Meeting
    from app.audit.models import AuditEntry
    from app.room.models import Theme
    from app.roster.models import Participant
    from app.rules.models import GroundRule
    from app.workshops.models import Membership, Party

    wid = world.workshop.id

    def ids(model: type) -> list[str]:
        with database.session() as db:
            return [row.id for row in db.exec(select(model).where(model.workshop_id == wid))]  # type: ignore[attr-defined]

    def kinds(model: type) -> list[tuple[str, str]]:
        with database.session() as db:
            return [(r.id, r.kind) for r in db.exec(select(model).where(model.workshop_id == wid))]  # type: ignore[attr-defined]

    return {
        "workshop_id": [wid],
        "item_id": ids(AgendaItem),
        "session_id": ids(Meeting),
        "meeting_id": ids(Meeting),
        "note_id": ids(Note),
        "proposal_id": ids(Proposal),
        "participant_id": ids(Participant),
        "party_id": ids(Party),
        "rule_id": ids(GroundRule),
        "theme_id": ids(Theme),
        "text_id": [i for i, kind in kinds(AgendaItem) if kind == "text"],
        "paragraph_id": ids(TextParagraph),
        "entry_id": ids(AuditEntry),
        "membership_id": ids(Membership),
        "member_id": ids(Membership),
        "token": [spare_token],
        **_staff_links(database, world),
        "region": list(_room_regions()),
        "fmt": list(_export_formats()),
        "?item": ids(AgendaItem),
    }


def _staff_links(database: Database, world: World) -> dict[str, list[str]]:
    """An unused staff invitation of the workshop and a reset link of a spare account."""
    from app.accounts import invitations
    from app.accounts.service import create_user
    from app.workshops import staff

    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        organizer = staff_viewer(db, world.users["organizer"])
        invited = staff.invite(
            db,
            world.settings,
            viewer=organizer,
            workshop=workshop,
            email="canary-invitee@example.org",
            role="observer",
        )
        assert isinstance(invited, invitations.Issued)
        create_user(db, email="canary-reset@example.org", display_name="Spare", password="x" * 16)
        reset = invitations.reset_link(db, world.settings, email="canary-reset@example.org")
    return {
        "join_link": [invited.url.rsplit("/", 1)[1]],
        "reset_link": [reset.url.rsplit("/", 1)[1]],
    }


def _export_formats() -> tuple[str, ...]:
    try:
        from app.summary.formats.registry import registry
    except ImportError:
        return ()
    return tuple(registry())


def _room_regions() -> tuple[str, ...]:
    try:
        from app.room.service import REGIONS
    except ImportError:
        return ()
    return tuple(REGIONS)
