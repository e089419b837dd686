"""A realistic workshop for the summary tests: agenda at every level, proposals, tallies, notes.

Contributions are inserted as rows (the room's and notes' own services are tested there); the
roster, parties and staff come from tests.factories.make_world.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database
from app.notes.models import Note
from app.room import snapshots
from app.room.models import Proposal, ReactionTally, Theme
from app.rules.models import GroundRule
from app.workshops.models import Workshop
from tests.factories import World, make_world, staff_viewer

NAMES = ["José Núñez", "Ilse Brandt", "سمير حداد", "נועה כהן"]
AFFILIATIONS = ["Instituto del Valle", "Nordic Peace Forum", "جامعة بيرزيت", "מכון ון ליר"]


@dataclass
class Seeded:
    world: World
    items: dict[str, AgendaItem] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)


def _tally(db, proposal: Proposal, party_id: str, **counts: int) -> None:  # type: ignore[no-untyped-def]
    for value, count in counts.items():
        db.add(
            ReactionTally(
                proposal_id=proposal.id,
                party_id=party_id,
                value="pass" if value == "passed" else value,
                count=count,
            )
        )


def seed(
    settings: Settings,
    database: Database,
    *,
    names: list[str] | None = None,
    affiliations: list[str] | None = None,
    parties: tuple[str, ...] = ("Riverside", "Highland"),
    leak_names: bool = True,
    languages: str = "en",
) -> Seeded:
    """`leak_names`: the rapporteur's synthesis mentions a participant (the check must catch it)."""
    names = names or NAMES
    world = make_world(
        settings,
        database,
        title="Dialogue on the Sarel Basin — حوار حوض سارل — דיאלוג אגן סרל",
        parties=parties,
        participants_per_party=2,
        status="live",
        names=names,
        affiliations=affiliations or AFFILIATIONS,
        languages=languages,
    )
    out = Seeded(world)
    wid = world.workshop.id
    a, b = world.parties[0].id, world.parties[1].id
    with database.transaction() as db:
        workshop = db.get(Workshop, wid)
        assert workshop is not None
        workshop.purpose = (
            "To explore, in a private capacity, how water from the Sarel basin could be shared "
            "in a drought year. لاستكشاف تقاسم المياه في سنوات الجفاف. לבחון חלוקת מים בשנות בצורת."
        )
        workshop.start_date = date(2026, 11, 20)
        workshop.end_date = date(2026, 11, 21)
        workshop.k_min = 3
        db.add(workshop)
        db.add(
            GroundRule(
                workshop_id=wid,
                title="The Chatham House Rule",
                body="Use what you hear; never say who said it.",
                position=0,
            )
        )
        db.add(
            GroundRule(
                workshop_id=wid,
                title="Speak for yourself",
                body="Everyone speaks in a private capacity.",
                position=1,
            )
        )
        day1 = Meeting(
            workshop_id=wid,
            title="Day one",
            day=date(2026, 11, 20),
            place="Secret Villa Canary",
            position=0,
        )
        db.add(day1)
        db.flush()
        spec = [
            ("opening", "Opening and hopes", "plenary", "on_record"),
            ("needs", "Needs and fears — الاحتياجات والمخاوف", "contribution", "chatham"),
            ("options", "Options for a drought year", "contribution", "on_record"),
            ("secret", "Security arrangements (off the record)", "contribution", "off_record"),
            ("coffee", "Coffee", "break", "chatham"),
            ("ways", "Ways forward — דרכים להמשך", "plenary", "chatham"),
        ]
        for pos, (key, title, kind, level) in enumerate(spec):
            item = AgendaItem(
                workshop_id=wid,
                meeting_id=day1.id,
                title=title,
                kind=kind,
                level=level,
                position=pos,
                description=f"Item description for {key}."
                if key != "secret"
                else "OFFREC-DESCRIPTION-CANARY",
                state="done",
            )
            db.add(item)
            out.items[key] = item
        db.flush()
        theme = Theme(
            workshop_id=wid, item_id=out.items["needs"].id, name="Water security", position=0
        )
        db.add(theme)
        db.flush()

        def proposal(key: str, item: str, text: str, **kw: object) -> Proposal:
            p = Proposal(
                workshop_id=wid,
                item_id=out.items[item].id,
                text=text,
                **{"status": "revealed", "batch": 1, **kw},  # type: ignore[arg-type]
            )
            db.add(p)
            out.proposals[key] = p
            return p

        proposal(
            "unites",
            "needs",
            "A joint monitoring station on the upper Sarel. محطة رصد مشتركة.",
            theme_id=theme.id,
        )
        proposal(
            "divides",
            "needs",
            "Release reservoir water to the lower valley first.",
            theme_id=theme.id,
        )
        proposal("few", "needs", "A shared drought early-warning bulletin. עלון התרעה משותף.")
        proposal(
            "attributed",
            "options",
            "Publish rainfall data weekly.",
            attribution="A hydrologist who chose to be named",
        )
        proposal(
            "chatham_attr",
            "needs",
            "Rotate the chair of the water committee.",
            attribution="CHATHAM-ATTRIBUTION-CANARY",
        )
        proposal("hidden", "needs", "HIDDEN-PROPOSAL-CANARY", hidden=True, hide_reason="insult")
        proposal("pending", "needs", "PENDING-PROPOSAL-CANARY", status="pending")
        proposal("offrec", "secret", "OFFREC-PROPOSAL-CANARY")
        target = out.proposals["unites"]
        db.flush()
        proposal("merged", "needs", "MERGED-AWAY-CANARY", merged_into_id=target.id)
        db.flush()
        _tally(db, out.proposals["unites"], a, agree=3, disagree=0)
        _tally(db, out.proposals["unites"], b, agree=3, passed=1)
        _tally(db, out.proposals["divides"], a, agree=3)
        _tally(db, out.proposals["divides"], b, disagree=3)
        _tally(db, out.proposals["few"], a, agree=2)
        _tally(db, out.proposals["few"], b, agree=1)
        db.flush()
        organizer = staff_viewer(db, world.users["organizer"])
        for key in ("needs", "options", "secret"):
            snapshots.publish(db, viewer=organizer, workshop=workshop, item=out.items[key])
        synthesis = (
            "The group agreed that **data sharing** comes first.\n\n"
            "- Monitoring should be joint\n- Bulletins in Arabic and Hebrew\n"
        )
        if leak_names:
            synthesis += "\nAs jose nunez put it, trust follows data.\n"
        db.add(
            Note(
                workshop_id=wid,
                item_id=out.items["needs"].id,
                author_role="rapporteur",
                visibility="summary",
                body=synthesis,
            )
        )
        db.add(
            Note(
                workshop_id=wid,
                item_id=None,
                author_role="rapporteur",
                visibility="summary",
                body="Overall, the sides found common ground on **monitoring**.",
            )
        )
        db.add(
            Note(
                workshop_id=wid,
                item_id=out.items["secret"].id,
                author_role="rapporteur",
                visibility="summary",
                body="OFFREC-NOTE-CANARY",
            )
        )
        db.add(
            Note(
                workshop_id=wid,
                item_id=out.items["needs"].id,
                author_role="rapporteur",
                visibility="team",
                body="TEAM-NOTE-CANARY",
            )
        )
        db.add(
            Note(
                workshop_id=wid,
                item_id=out.items["needs"].id,
                author_role="rapporteur",
                visibility="room",
                body="ROOM-NOTE-CANARY",
            )
        )
        db.add(
            Note(
                workshop_id=wid,
                item_id=out.items["needs"].id,
                author_role="participant",
                author_tag="x" * 64,
                visibility="private",
                body="PRIVATE-NOTE-CANARY",
            )
        )
    return out
