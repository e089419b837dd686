"""The demo seeds a whole workshop through the services, once."""

from __future__ import annotations

import io
import re

import pyotp
import pytest
from sqlmodel import func, select

from app.accounts.models import User
from app.agenda.models import AgendaItem
from app.demo import DEMO_PASSWORD, PARTICIPANTS, TITLE, seed
from app.demo_two_step import PREP_TITLE
from app.notes.models import Note
from app.ntext import figures
from app.ntext.models import TextCritique, TextVersion
from app.room.models import Proposal, Reaction, Theme
from app.roster.models import Participant
from app.workshops.models import Membership, Party, Workshop
from tests.factories import Browser, staff_viewer


def _count(database, model, *where) -> int:  # type: ignore[no-untyped-def]
    with database.session() as db:
        statement = select(func.count()).select_from(model)
        for condition in where:
            statement = statement.where(condition)
        return int(db.exec(statement).one())


def test_seed_on_empty_database_then_only_if_empty_does_nothing(settings, database, client) -> None:
    out = io.StringIO()
    assert seed(settings, only_if_empty=True, out=out) == 0
    printed = out.getvalue()

    assert _count(database, Workshop) == 2  # the dialogue, and the one requiring two-step
    assert _count(database, Party) == 3
    assert _count(database, Participant) == len(PARTICIPANTS)
    assert _count(database, Membership) == 4 + 2
    with database.session() as db:
        workshop = db.exec(select(Workshop).where(Workshop.title == TITLE)).one()
        prep = db.exec(select(Workshop).where(Workshop.title == PREP_TITLE)).one()
        items = list(db.exec(select(AgendaItem)))
        props = list(db.exec(select(Proposal)))
    assert workshop.status == "live"
    assert {i.phase for i in items} == {
        "opening",
        "needs_fears",
        "brainstorming",
        "evaluating",
        "ways_forward",
        "closing",
    }
    assert {i.level for i in items} == {"on_record", "chatham", "off_record"}
    assert [i.state for i in items].count("live") == 1
    assert len(props) >= 30
    assert all(p.author_tag for p in props)
    assert len({p.author_tag for p in props}) == len(props), "author tags repeat"
    assert any(re.search(r"[\u0600-\u06ff]", p.text) for p in props)  # Arabic
    assert any(re.search(r"[\u0590-\u05ff]", p.text) for p in props)  # Hebrew
    assert any(re.search(r"[\u0400-\u04ff]", p.text) for p in props)  # Cyrillic
    assert sum(p.status == "pending" for p in props) == 5
    assert sum(p.hidden for p in props) == 1
    # the negotiating text: two versions, revealed critiques, a paragraph every party lives with
    (text,) = [i for i in items if i.kind == "text"]
    assert text.state == "done" and text.results_shown
    assert _count(database, TextVersion, TextVersion.item_id == text.id) == 2
    assert _count(database, TextCritique) == 4
    with database.session() as db:
        staff = staff_viewer(
            db, db.exec(select(User).where(User.email == "facilitator@demo.tracktwo")).one()
        )
        shown, _published = figures.for_item(db, viewer=staff, workshop=workshop, item=text)
    assert sum(f.every_party for f in shown.values()) == 2  # paragraph 1, in both versions
    assert _count(database, Reaction) > 50
    assert _count(database, Theme) == 3
    assert _count(database, Note) >= 5

    assert "organizer@demo.tracktwo" in printed
    assert DEMO_PASSWORD in printed
    links = [line.split()[-1] for line in printed.splitlines() if "/join/" in line]
    assert len(links) == 6
    assert all(link.startswith(settings.public_base_url + "/join/") for link in links)

    # A printed invitation link opens the join page; a demo staff member can sign in.
    page = client.get(links[0].removeprefix(settings.public_base_url))
    assert page.status_code == 200
    assert "Sarel Basin Dialogue" in page.text
    browser = Browser(client)
    response = browser.post(
        "/login", {"email": "facilitator@demo.tracktwo", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 303
    assert "Sarel Basin Dialogue" in browser.get("/").text
    # The live round shows published results in bands, and the console says why one
    # proposal kept its earlier figures.
    console = browser.get(f"/w/{workshop.id}/console").text
    assert "Broad support" in console or "Little support" in console or "Divided" in console
    assert "kept their earlier figures at the last publication: 1." in console
    # The workshop that requires two-step sign-in asks the facilitator (who has none) to
    # set it up; the organizer signs in with the printed key's code and opens it.
    assert prep.staff_two_step
    assert browser.get(f"/w/{prep.id}/manage").status_code == 403
    secret = re.search(r"two-step sign-in on: key ([A-Z2-7]+)", printed)
    assert (
        secret
        and f"otpauth://totp/Tracktwo:organizer%40demo.tracktwo?secret={secret.group(1)}" in printed
    )
    organizer = Browser(client.__class__(client.app))
    organizer.get("/login")
    first = organizer.post(
        "/login", {"email": "organizer@demo.tracktwo", "password": DEMO_PASSWORD}
    )
    assert first.status_code == 200 and "/login/two-step" in first.text
    code = pyotp.TOTP(secret.group(1)).now()
    assert organizer.post("/login/two-step", {"code": code}).status_code == 303
    assert organizer.get(f"/w/{prep.id}/manage").status_code == 200

    # Seeding again with only_if_empty changes nothing and prints no new links.
    models = (Workshop, Participant, User, Proposal, Reaction)
    before = [_count(database, model) for model in models]
    again = io.StringIO()
    assert seed(settings, only_if_empty=True, out=again) == 0
    assert "no demo seeded" in again.getvalue()
    assert secret.group(1) in again.getvalue()  # the key is printed with the logins again
    assert "/join/" not in again.getvalue()
    assert [_count(database, model) for model in models] == before


@pytest.mark.slow
def test_second_seed_adds_a_workshop_and_reuses_the_staff_accounts(settings, database) -> None:
    seed(settings, out=io.StringIO())
    seed(settings, out=io.StringIO())
    assert _count(database, Workshop) == 3  # two dialogues, one workshop requiring two-step
    assert _count(database, User) == 4
