"""A participant never reaches a dead end: the recovery code can be shown again until they
confirm keeping it, signing out says what they will need, the rules send them on to where
they were going, the "rules have changed" notice only for someone who accepted before, and
an archived workshop says so."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from app.models import metadata
from app.roster.models import RulesAcceptance
from app.workshops.models import Workshop
from tests.factories import Browser, make_world

CHANGED = "they have changed since"


def _bump_rules(database, workshop_id: str) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as db:
        workshop = db.get(Workshop, workshop_id)
        workshop.rules_version += 1
        db.add(workshop)


def _accept_current(database, participant_id: str, workshop_id: str) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as db:
        workshop = db.get(Workshop, workshop_id)
        db.add(RulesAcceptance(participant_id=participant_id, version=workshop.rules_version))


def test_the_recovery_code_is_shown_again_until_kept_and_never_stored_in_clear(
    client, settings, database
) -> None:
    world = make_world(settings, database, status="live")
    browser = Browser(client)
    code = browser.join(world.invitations[0], keep=False)
    page = f"/w/{world.workshop.id}/recovery-code"
    again = browser.get(page)  # a reload: a GET, no re-post, no "form has expired"
    assert again.status_code == 200 and code in again.text
    sealed = client.cookies.get("tt_recovery")
    assert sealed and code not in sealed and code.replace("-", "") not in sealed
    with database.session() as db:
        for table in metadata.sorted_tables:
            for row in db.exec(select(table)).all():  # type: ignore[call-overload]
                assert code not in repr(tuple(row)), table.name
    # another participant's session cannot open this participant's sealed code
    other = Browser(client.__class__(client.app))
    other.join(world.invitations[1])
    other.client.cookies.set("tt_recovery", sealed)
    assert code not in other.get(f"/w/{world.workshop.id}/recovery-code").text
    kept = browser.post(f"{page}/kept")
    assert kept.status_code == 303 and kept.headers["location"] == f"/w/{world.workshop.id}"
    assert not client.cookies.get("tt_recovery")
    after = browser.get(page)
    assert after.status_code == 200 and code not in after.text


def test_signing_out_explains_the_recovery_code_and_lands_on_a_participant_page(
    client, settings, database
) -> None:
    world = make_world(settings, database, status="live")
    browser = Browser(client)
    browser.join(world.invitations[0])
    home = browser.get(f"/w/{world.workshop.id}")
    assert 'href="/signout"' in home.text and 'action="/logout"' not in home.text
    warning = browser.get("/signout")
    assert warning.status_code == 200 and "recovery code" in warning.text
    out = browser.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/signed-out"
    landed = browser.get("/signed-out")
    assert landed.status_code == 200 and 'href="/recover"' in landed.text
    assert 'action="/login"' not in landed.text


def test_after_the_rules_the_participant_goes_where_they_were_going(
    client, settings, database
) -> None:
    world = make_world(settings, database, status="live")
    wid = world.workshop.id
    browser = Browser(client)
    browser.join(world.invitations[0])
    room = browser.get(f"/w/{wid}/room", follow_redirects=False)
    assert room.status_code == 303
    assert room.headers["location"] == f"/w/{wid}/rules?next=/w/{wid}/room"
    rules = browser.get(room.headers["location"])
    assert f'name="next" value="/w/{wid}/room"' in rules.text
    version = str(world.workshop.rules_version)
    accepted = browser.post(
        f"/w/{wid}/rules/accept", {"version": version, "next": f"/w/{wid}/room"}
    )
    assert accepted.headers["location"] == f"/w/{wid}/room"
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/\\evil", "/login"):
        _bump_rules(database, wid)
        with database.session() as db:
            version = str(db.get(Workshop, wid).rules_version)  # type: ignore[union-attr]
        browser.get(f"/w/{wid}/rules")
        sent = browser.post(f"/w/{wid}/rules/accept", {"version": version, "next": elsewhere})
        assert sent.headers["location"] == f"/w/{wid}", elsewhere


def test_the_rules_have_changed_notice_only_for_who_accepted_an_earlier_version(
    client, settings, database
) -> None:
    world = make_world(settings, database, status="live")
    wid = world.workshop.id
    _bump_rules(database, wid)  # version 2 before anyone joined
    newcomer = Browser(client)
    newcomer.join(world.invitations[0])
    first = newcomer.get(f"/w/{wid}/rules")
    assert "accept them to enter the room" in first.text and CHANGED not in first.text
    _accept_current(database, world.invitations[0].participant.id, wid)
    _bump_rules(database, wid)
    assert CHANGED in newcomer.get(f"/w/{wid}/rules").text


def test_an_archived_workshop_tells_its_participants_so(client, settings, database) -> None:
    world = make_world(settings, database, status="live")
    wid = world.workshop.id
    browser = Browser(client)
    browser.join(world.invitations[0])
    with database.transaction() as db:
        db.execute(text("UPDATE workshop SET status = 'archived' WHERE id = :id"), {"id": wid})
    for path in (f"/w/{wid}", f"/w/{wid}/room", f"/w/{wid}/rules"):
        page = browser.get(path, follow_redirects=False)
        assert page.status_code == 410, path
        assert "This workshop is archived" in page.text, path
    # Archiving ends every participant's session, so the page cannot tell a participant from
    # anyone else holding the workshop's (unguessable) address: both are told it is archived.
    anonymous = Browser(client.__class__(client.app))
    assert anonymous.get(f"/w/{wid}").status_code == 410
