"""The demo: a fictional Track Two workshop on a fictional river-basin dispute.

Everything in it is invented: the states of Aveno, Belmara and Tavria, the Sarel river, the
Halden Institute and every person. It is built through the features' services (the same
paths the web pages use), so it exercises the real code. The staff password is printed
because this is a demo; it must never be used for a real deployment.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, TextIO

from sqlmodel import Session, col, func, select

from app import demo_two_step
from app.accounts.models import User
from app.accounts.service import create_user
from app.agenda import service as agenda
from app.agenda.models import AgendaItem
from app.config import Settings
from app.db import Database
from app.notes import service as notes
from app.ntext import demo as text_demo
from app.policy import Viewer
from app.room import moderation, proposals, reactions, runtime
from app.roster import service as roster
from app.rules import service as rules
from app.workshops import parties as party_service
from app.workshops import service as workshops
from app.workshops import staff as staff_service
from app.workshops.models import Membership, Party, Workshop

DEMO_PASSWORD = "demo-tracktwo-only"  # noqa: S105 (printed on purpose: demo data only)
STAFF = (
    ("organizer", "organizer@demo.tracktwo", "Ingrid Halvorsen"),
    ("facilitator", "facilitator@demo.tracktwo", "Tomás Ferreira"),
    ("rapporteur", "rapporteur@demo.tracktwo", "Noor Haddad"),
    ("observer", "observer@demo.tracktwo", "Pieter van Loon"),
)

TITLE = "Sarel Basin Dialogue — Second Round"
PURPOSE = (
    "An unofficial, confidential dialogue on the shared waters of the Sarel river, convened "
    "by the (fictional) Halden Institute for Dialogue. Participants from Aveno (upstream, "
    "where the Karsh dam is being filled), Belmara (downstream, whose delta farms depend on "
    "the spring flood) and Tavria (midstream, whose hydropower and river transport depend on "
    "both) take part in a private capacity. The aim is not agreement but understanding: the "
    "needs and fears behind each side's position, options nobody could propose officially, "
    "and ideas that participants may carry quietly to their governments."
)

PARTIES = (
    ("Aveno", "Upstream state; the Karsh dam and its reservoir are on Aveno's territory."),
    ("Belmara", "Downstream state; the Sarel delta feeds most of its irrigated farmland."),
    ("Tavria", "Midstream state; run-of-river hydropower and the Sarel shipping channel."),
)

# (party index, name, affiliation): six participants per party; the first four of each party
# claim their invitations in the demo (and contribute), the last two stay unclaimed so that
# their invitation links can be printed and tried.
PARTICIPANTS = (
    (0, "Dara Okonma", "Aveno State University, hydrology"),
    (0, "Elias Brandt", "Former deputy minister of energy, Aveno"),
    (0, "Mirela Vasić", "Aveno Chamber of Commerce"),
    (0, "Jonah Reyes", "Karsh valley farmers' association"),
    (0, "Anouk Lemaire", "Editor, Aveno Daily Courier"),
    (0, "Kofi Mensah", "Aveno Institute for Strategic Studies"),
    (1, "سمير الحداد", "جامعة بلمارا، كلية الزراعة"),
    (1, "Layla Nassar", "Delta Women Farmers' Cooperative"),
    (1, "Yusuf Karam", "Retired ambassador, Belmara"),
    (1, "Hana Saleh", "Belmara Water Authority (private capacity)"),
    (1, "Omar Aziz", "Imam, Sarel delta mosque council"),
    (1, "Rania Khoury", "Belmara Centre for Environmental Law"),
    (2, "Лейла Арсенова", "Тавринский государственный университет"),
    (2, "Andrei Volkov", "Tavria River Shipping Union"),
    (2, "Miriam Cohen", "Tavrian Jewish community council"),
    (2, "Sergei Marinov", "Former member of parliament, Tavria"),
    (2, "Elena Petrova", "Tavria Hydropower Company (private capacity)"),
    (2, "Dmitri Orlov", "Orthodox diocese of the Sarel"),
)
CLAIMED_PER_PARTY = 4

EXTRA_RULES = (
    (
        "Maps and figures stay in the room",
        "Data, maps and draft figures shared in this workshop are for discussion here. Ask the "
        "person who shared them before using them anywhere else.",
    ),
    (
        "No recordings, no photographs",
        "Phones stay off the table during sessions. Nobody records or photographs the room, the "
        "screen or the flip charts.",
    ),
)

# Sessions: (title, day offset, start, end, place); items: (session, title, kind, phase,
# minutes, level or None for the session's, description).
SESSIONS = (
    ("Day 1, morning: opening and analysis", 0, time(9, 0), time(12, 30), "Lakeside Room"),
    ("Day 1, afternoon: joint brainstorming", 0, time(14, 0), time(17, 30), "Lakeside Room"),
    ("Day 2: evaluating options and ways forward", 1, time(9, 0), time(13, 0), "Garden Room"),
)
ITEMS: tuple[tuple[int, str, str, str, int, str | None, str], ...] = (
    (
        0,
        "Welcome, purpose and ground rules",
        "plenary",
        "opening",
        30,
        "on_record",
        "The conveners explain the purpose, the facilitator's role and the ground rules.",
    ),
    (
        0,
        "Introductions in a personal capacity",
        "plenary",
        "opening",
        45,
        None,
        "Each participant says what brought them here, speaking for themselves only.",
    ),
    (
        0,
        "Needs and fears: what each of us must protect",
        "contribution",
        "needs_fears",
        60,
        None,
        "Write down, anonymously, the needs behind your side's position and the fears that "
        "make compromise hard. Needs and fears, not demands.",
    ),
    (0, "Coffee", "break", "needs_fears", 15, None, ""),
    (
        0,
        "What we heard: needs and fears in common",
        "plenary",
        "needs_fears",
        45,
        "off_record",
        "An open discussion of what the anonymous round showed. Nothing from this item leaves "
        "the room.",
    ),
    (
        1,
        "Joint brainstorming: sharing the Sarel in dry years",
        "contribution",
        "brainstorming",
        75,
        None,
        "Invent options together. Every idea is welcome at this stage; we evaluate tomorrow.",
    ),
    (
        1,
        "Brainstorming: data, monitoring and early warning",
        "contribution",
        "brainstorming",
        45,
        "off_record",
        "Ideas about measuring and sharing information on the river.",
    ),
    (1, "Tea", "break", "brainstorming", 15, None, ""),
    (
        2,
        "Evaluating options: criteria and trade-offs",
        "contribution",
        "evaluating",
        60,
        None,
        "Which options meet the needs we named on day 1? React to each option.",
    ),
    (
        2,
        "Ways forward: what could be carried to officials",
        "plenary",
        "ways_forward",
        60,
        None,
        "Who could carry which idea to whom, quietly, and in what form.",
    ),
    (
        2,
        "Closing: what we take home",
        "plenary",
        "closing",
        30,
        "on_record",
        "A last round, and the agreement on what the non-attributed summary may contain.",
    ),
)
NEEDS_ITEM, OFF_RECORD_ITEM, LIVE_ITEM = 2, 4, 5

NEEDS_AND_FEARS = (
    "Fear: a dry spring during the filling years leaves the delta without its flood, and the "
    "farms never recover.",
    "Need: electricity for the northern valleys through the winter. For us the dam is not a "
    "luxury.",
    "Fear that any agreement will be read at home as giving up sovereignty over our own river.",
    "Need: predictable flows, announced well in advance, so that farmers can decide what to plant.",
    "Fear: shipping on the middle reach stops when the water drops below two metres in August.",
    "We need to be treated as a party to the river, not as a corridor between two others.",
    "نخشى أن تُتخذ قرارات تشغيل السد دون أي إخطار مسبق لنا.",
    "نحتاج إلى ضمان حدّ أدنى من تدفق المياه في موسم الزراعة.",
    "Мы боимся, что спор о воде станет поводом для закрытия границы.",
    "Нам нужны общие данные о стоке, которым доверяют все стороны.",
    "אנחנו צריכים שהקהילות לאורך הנהר ישמעו זו את זו, לא רק את הממשלות.",
    "Fear: salt water moves further up the delta every year the flood is weak.",
    "Need: a way for leaders to change course without appearing to give in.",
    "Fear that the figures each government publishes are shaped for negotiation, not for truth.",
)
# Themes for the needs-and-fears round: (name, indexes into NEEDS_AND_FEARS).
THEMES = (
    ("Water security in dry years", (0, 1, 3, 4, 7, 11)),
    ("Trust and shared information", (6, 9, 13)),
    ("Recognition and standing", (2, 5, 8, 10, 12)),
)
BRAINSTORM_REVEALED = (
    "A drought protocol: in years below an agreed threshold, filling slows automatically, and "
    "everyone knows the rule in advance.",
    "A joint hydrological commission with scientists from all three states and an independent "
    "chair.",
    "Publish reservoir levels and releases every day on one shared public website.",
    "Spread the filling over ten years instead of five, with a joint review after the third.",
    "A compensation fund: part of the power revenue pays for drip irrigation in the delta.",
    "Run the midstream power plants in step with the dam's releases, so that nobody loses twice.",
    "إنشاء نظام إنذار مبكر مشترك للجفاف يديره خبراء من الدول الثلاث.",
    "Совместные учения речных спасательных служб трёх стран раз в год.",
    "מפגש שנתי של ראשי הרשויות המקומיות משלוש המדינות לאורך הנהר.",
    "Exchange programmes for hydrology students between the three national universities.",
    "A hotline between the dam operator and the delta water authority, staffed day and night.",
    "Sell part of the dam's electricity to the downstream grid at a fixed, friendly price.",
)
HIDDEN = (
    "The upstream delegation should simply admit that the dam was a mistake.",
    "Attacks a side instead of proposing an option (ground rule: we listen to understand).",
)
BRAINSTORM_PENDING = (
    "A shared fund for desalination in the lower delta, financed by a river-basin bond.",
    "Гарантировать судоходную глубину на среднем участке в августе и сентябре.",
    "Name a neutral water ombudsperson whom any village along the river can petition.",
    "تبادل زيارات بين مزارعي الدلتا ومهندسي السد.",
    "Agree now on how a future dispute goes to mediation, before the next dry year.",
)
STAFF_NOTES = (
    (
        "rapporteur",
        1,
        "team",
        "Introductions went round in a personal capacity. Several participants asked that "
        "affiliations appear in no written record.",
    ),
    (
        "rapporteur",
        NEEDS_ITEM,
        "summary",
        "Needs clustered around three themes: water security in dry years, trust in shared "
        "information, and recognition of every riverside community as a party to the river. "
        "Fears of a failed spring flood and of unannounced releases came up again and again.",
    ),
    (
        "rapporteur",
        OFF_RECORD_ITEM,
        "team",
        "Off the record: domestic pressures on each delegation. Nothing from this item goes "
        "into the summary.",
    ),
    (
        "facilitator",
        None,
        "team",
        "Day 2: start with the criteria exercise, keep evaluating options under the Chatham "
        "House Rule, and ask for volunteers for a small ways-forward drafting group.",
    ),
    (
        "facilitator",
        None,
        "room",
        "Reminder: the summary lists themes and proposals only. No names, no parties, no times.",
    ),
)
PARTICIPANT_NOTES = (
    "Ask about the fixed-price electricity idea at dinner: could the ministry accept it without "
    "a treaty?",
    "أسأل عن بيانات التدفق المشتركة: من يجمعها ومن يتحقق منها؟",
)


@dataclass
class Demo:
    """What the seeding made, for printing and for the later steps."""

    workshop: Workshop
    staff: dict[str, User] = field(default_factory=dict)
    parties: list[Party] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    authors: list[Viewer] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (name, party, url)
    counts: dict[str, int] = field(default_factory=dict)
    prep: Workshop | None = None  # requires two-step sign-in (app.demo_two_step)
    key_lines: list[str] = field(default_factory=list)  # the organizer's two-step key

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def is_empty(database: Database) -> bool:
    with database.session() as db:
        return int(db.exec(select(func.count()).select_from(Workshop)).one()) == 0


def staff_viewer(db: Session, user: User) -> Viewer:
    roles = {
        m.workshop_id: m.role
        for m in db.exec(select(Membership).where(col(Membership.user_id) == user.id))
    }
    return Viewer(
        kind="staff", user_id=user.id, email=user.email, display_name=user.display_name, roles=roles
    )


def _staff(db: Session) -> dict[str, User]:
    """The demo staff accounts; existing ones (an earlier demo) are reused."""
    users: dict[str, User] = {}
    for role, email, name in STAFF:
        user = db.exec(select(User).where(col(User.email) == email)).first()
        if user is None:
            user = create_user(db, email=email, display_name=name, password=DEMO_PASSWORD)
        users[role] = user
    return users


def _as(db: Session, demo: Demo, role: str) -> Viewer:
    return staff_viewer(db, demo.staff[role])


def _workshop(db: Session, settings: Settings, demo_staff: dict[str, User]) -> Demo:
    """The workshop (with the starter ground rules), its staff and its parties."""
    viewer = staff_viewer(db, demo_staff["organizer"])
    start = date.today()
    workshop = workshops.create(
        db,
        settings,
        viewer=viewer,
        title=TITLE,
        purpose=PURPOSE,
        track="track2",
        start_date=start,
        end_date=start + timedelta(days=1),
        timezone="Europe/Vienna",
        languages="en,ar,ru,he",
        k_min=3,
    )
    demo = Demo(workshop=workshop, staff=demo_staff)
    organizer = _as(db, demo, "organizer")
    for role in ("facilitator", "rapporteur", "observer"):
        staff_service.add(
            db, viewer=organizer, workshop=workshop, email=demo_staff[role].email, role=role
        )
    for name, description in PARTIES:
        party = party_service.add(
            db, viewer=organizer, workshop=workshop, data={"name": name, "description": description}
        )
        demo.parties.append(party)
    for title, body in EXTRA_RULES:
        rules.add(db, viewer=organizer, workshop=workshop, data={"title": title, "body": body})
    return demo


def _agenda(db: Session, demo: Demo) -> None:
    facilitator = _as(db, demo, "facilitator")
    meetings = []
    for title, offset, start, end, place in SESSIONS:
        data: dict[str, Any] = {
            "title": title,
            "day": date.today() + timedelta(days=offset),
            "start_time": start,
            "end_time": end,
            "place": place,
            "level": "chatham",
        }
        meetings.append(
            agenda.add_session(db, viewer=facilitator, workshop=demo.workshop, data=data)
        )
    for session, title, kind, phase, minutes, level, description in ITEMS:
        item_data: dict[str, Any] = {
            "title": title,
            "kind": kind,
            "phase": phase,
            "duration_minutes": minutes,
            "level": level or "",
            "description": description,
        }
        demo.items.append(
            agenda.add_item(
                db,
                viewer=facilitator,
                workshop=demo.workshop,
                meeting_id=meetings[session].id,
                data=item_data,
            )
        )


def _roster(db: Session, demo: Demo) -> list[roster.Invitation]:
    viewer = _as(db, demo, "organizer")
    invitations = []
    for party_index, name, affiliation in PARTICIPANTS:
        invitations.append(
            roster.add(
                db,
                viewer=viewer,
                workshop=demo.workshop,
                display_name=name,
                party_id=demo.parties[party_index].id,
                affiliation=affiliation,
            )
        )
    return invitations


def _claim(
    db: Session, settings: Settings, demo: Demo, invitations: list[roster.Invitation]
) -> None:
    """Some participants join (as if they had opened their links) and accept the rules; the
    others' links are printed so that they can be tried."""
    for index, invitation in enumerate(invitations):
        party = demo.parties[PARTICIPANTS[index][0]]
        if index % 6 >= CLAIMED_PER_PARTY:
            url = settings.public_base_url + invitation.path()
            demo.links.append((PARTICIPANTS[index][1], party.name, url))
            continue
        claimed = roster.claim(db, settings, token=invitation.token, client="demo-seed")
        viewer = Viewer(
            kind="participant",
            participant_id=claimed.participant.id,
            workshop_id=demo.workshop.id,
            party_id=claimed.participant.party_id,
            display_name=claimed.participant.display_name,
            secret=claimed.secret,
        )
        rules.accept(db, viewer=viewer, workshop=demo.workshop)
        demo.authors.append(viewer)


def _submit(db: Session, settings: Settings, demo: Demo, author: Viewer, text: str) -> str:
    proposal = proposals.submit(
        db,
        settings,
        viewer=author,
        workshop=demo.workshop,
        text=text,
        idempotency_key=proposals.new_idempotency_key(),
    )
    demo.count("proposals")
    return proposal.id


def _react(
    db: Session,
    settings: Settings,
    demo: Demo,
    proposal_ids: list[str],
    rng: random.Random,
    *,
    share: float,
) -> None:
    """Each participant reacts to a share of the revealed proposals; most agree."""
    for author in demo.authors:
        for proposal_id in proposal_ids:
            if rng.random() > share:
                continue
            value = rng.choices(("agree", "disagree", "pass"), weights=(6, 2, 1))[0]
            reactions.react(
                db,
                settings,
                viewer=author,
                workshop=demo.workshop,
                proposal_id=proposal_id,
                value=value,
            )
            demo.count("reactions")


def _run_room(db: Session, settings: Settings, demo: Demo) -> None:
    """Play the first day: finished items with revealed proposals, reactions and themes, and
    one contribution round in progress."""
    rng = random.Random(20261122)  # noqa: S311 (demo data, not security)
    workshop = demo.workshop
    facilitator = _as(db, demo, "facilitator")
    workshops.transition(db, viewer=_as(db, demo, "organizer"), workshop=workshop, to="live")

    def run(item: AgendaItem) -> None:
        runtime.start(db, viewer=facilitator, workshop=workshop, item_id=item.id)

    for index, item in enumerate(demo.items[:LIVE_ITEM]):
        run(item)
        if index == NEEDS_ITEM:
            runtime.set_intake(
                db, viewer=facilitator, workshop=workshop, item_id=item.id, open_=True
            )
            ids = [
                _submit(db, settings, demo, demo.authors[n % len(demo.authors)], text)
                for n, text in enumerate(NEEDS_AND_FEARS)
            ]
            runtime.set_intake(
                db, viewer=facilitator, workshop=workshop, item_id=item.id, open_=False
            )
            runtime.reveal(db, viewer=facilitator, workshop=workshop, item_id=item.id)
            for name, members in THEMES:
                theme = moderation.create_theme(
                    db, viewer=facilitator, workshop=workshop, item_id=item.id, name=name
                )
                for member in members:
                    moderation.assign_theme(
                        db,
                        viewer=facilitator,
                        workshop=workshop,
                        proposal_id=ids[member],
                        theme_id=theme.id,
                    )
            _react(db, settings, demo, ids, rng, share=0.8)
            runtime.set_results(
                db, viewer=facilitator, workshop=workshop, item_id=item.id, shown=True
            )
        runtime.finish(db, viewer=facilitator, workshop=workshop, item_id=item.id)

    text_demo.play(
        db,
        settings,
        facilitator=facilitator,
        workshop=workshop,
        meeting_id=demo.items[LIVE_ITEM].meeting_id,
        authors=demo.authors,
        parties=[p.id for p in demo.parties],
    )
    live = demo.items[LIVE_ITEM]
    run(live)
    runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=live.id, open_=True)
    authors = rng.sample(demo.authors, len(demo.authors))
    ids = [
        _submit(db, settings, demo, authors[n % len(authors)], text)
        for n, text in enumerate(BRAINSTORM_REVEALED)
    ]
    hidden = _submit(db, settings, demo, authors[-1], HIDDEN[0])
    runtime.reveal(db, viewer=facilitator, workshop=workshop, item_id=live.id)
    moderation.hide(db, viewer=facilitator, workshop=workshop, proposal_id=hidden, reason=HIDDEN[1])
    _react(db, settings, demo, ids, rng, share=0.6)
    runtime.set_results(db, viewer=facilitator, workshop=workshop, item_id=live.id, shown=True)
    runtime.publish(db, viewer=facilitator, workshop=workshop, item_id=live.id)
    # One participant changes their mind afterwards: the next publication keeps that
    # proposal's figures (fewer than k changed), and the console says why.
    reactions.react(
        db,
        settings,
        viewer=demo.authors[0],
        workshop=workshop,
        proposal_id=ids[0],
        value="pass",
    )
    runtime.publish(db, viewer=facilitator, workshop=workshop, item_id=live.id)
    for n, text in enumerate(BRAINSTORM_PENDING):
        _submit(db, settings, demo, authors[(n * 5) % len(authors)], text)
    demo.counts["pending"] = len(BRAINSTORM_PENDING)
    runtime.timer(
        db, viewer=facilitator, workshop=workshop, item_id=live.id, action="start", minutes=25
    )


def _notes(db: Session, settings: Settings, demo: Demo) -> None:
    for role, item_index, visibility, body in STAFF_NOTES:
        notes.create(
            db,
            settings,
            viewer=_as(db, demo, role),
            workshop=demo.workshop,
            body=body,
            item_id=demo.items[item_index].id if item_index is not None else None,
            visibility=visibility,
        )
        demo.count("notes")
    for author, body in zip(demo.authors, PARTICIPANT_NOTES, strict=False):
        notes.create(
            db,
            settings,
            viewer=author,
            workshop=demo.workshop,
            body=body,
            item_id=demo.items[LIVE_ITEM].id,
        )
        demo.count("notes")


def seed(settings: Settings, *, only_if_empty: bool = False, out: TextIO | None = None) -> int:
    """Seed the demo workshop; returns a process exit code. With only_if_empty, a database
    that already holds any workshop is left alone."""
    out = out or sys.stdout
    database = Database(settings)
    try:
        if only_if_empty and not is_empty(database):
            print(
                "The database already holds workshops: no demo seeded. Demo staff sign in at "
                f"{settings.public_base_url}/login with the password {DEMO_PASSWORD!r} "
                "(if the demo was seeded); `tracktwo demo` adds another demo workshop with "
                "fresh invitation links.",
                file=out,
            )
            with database.session() as db:
                lines = _organizer_key(db, settings)
            if lines:
                print(f"  {STAFF[0][0]:<12} {STAFF[0][1]}\n" + "\n".join(lines), file=out)
            return 0
        with database.transaction() as db:
            demo = _workshop(db, settings, _staff(db))
            _agenda(db, demo)
            invitations = _roster(db, demo)
            workshops.transition(
                db, viewer=_as(db, demo, "organizer"), workshop=demo.workshop, to="open"
            )
            _claim(db, settings, demo, invitations)
            _run_room(db, settings, demo)
            _notes(db, settings, demo)
            _two_step(db, settings, demo)
        _print(settings, demo, out)
        return 0
    finally:
        database.dispose()


def _two_step(db: Session, settings: Settings, demo: Demo) -> None:
    """The organizer gets two-step sign-in (once), with the workshop that requires it."""
    if demo_two_step.enrol(db, settings, _as(db, demo, "organizer"), password=DEMO_PASSWORD):
        organizer = _as(db, demo, "organizer")
        demo.prep = demo_two_step.prep_workshop(db, settings, organizer, demo.staff["facilitator"])
    demo.key_lines = demo_two_step.key_lines(db, settings, demo.staff["organizer"])


def _organizer_key(db: Session, settings: Settings) -> list[str]:
    user = db.exec(select(User).where(col(User.email) == STAFF[0][1])).first()
    return demo_two_step.key_lines(db, settings, user) if user is not None else []


def _print(settings: Settings, demo: Demo, out: TextIO) -> None:
    base = settings.public_base_url
    counts = demo.counts
    live = demo.items[LIVE_ITEM].title
    lines = [
        "",
        f"Demo workshop seeded: {demo.workshop.title}",
        f"  {base}/w/{demo.workshop.id}",
        f"  {len(PARTICIPANTS)} participants ({len(demo.authors)} joined), "
        f"{len(demo.items)} agenda items, {counts.get('proposals', 0)} proposals "
        f"({counts.get('pending', 0)} awaiting reveal), {counts.get('reactions', 0)} reactions, "
        f"{counts.get('notes', 0)} notes",
        f"  Live now: {live}",
        "",
        f"Staff sign in at {base}/login (demo password for all: {DEMO_PASSWORD})",
    ]
    for role, email, _ in STAFF:
        lines.append(f"  {role:<12} {email}")
        lines += demo.key_lines if role == "organizer" else []
    if demo.prep is not None:
        lines += [
            "",
            f"Two-step sign-in: “{demo.prep.title}” requires it of its staff (the",
            "facilitator, who has none, is asked there to set it up on the account page):",
            f"  {base}/w/{demo.prep.id}/manage",
        ]
    lines += ["", "Participant invitation links (each works once; open one per browser):"]
    lines += [f"  {party:<8} {name:<16} {url}" for name, party, url in demo.links]
    lines.append("")
    print("\n".join(lines), file=out)
