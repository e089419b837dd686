"""Invitations are single use; the recovery code restores the same anonymous author."""

from __future__ import annotations

import base64

from sqlmodel import select

from app.accounts.models import AuthSession
from app.roster import service as roster
from app.roster.models import Participant
from app.security import keys
from app.security.tokens import token_hash
from app.workshops.models import Workshop
from tests.factories import Browser, make_world
from tests.security.helpers import fresh


def _secret(client) -> bytes:  # type: ignore[no-untyped-def]
    raw = client.cookies.get("tt_author")
    assert raw
    return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))


def _participant_of(database, client) -> str | None:  # type: ignore[no-untyped-def]
    token = client.cookies.get("tt_session")
    with database.session() as db:
        row = db.exec(
            select(AuthSession).where(AuthSession.token_hash == token_hash(token))
        ).first()
        return row.participant_id if row else None


def test_the_invitation_token_is_stored_only_as_a_hash(settings, database) -> None:
    world = make_world(settings, database)
    invitation = world.invitations[0]
    assert len(invitation.token) >= 22  # >= 128 bits of base64url
    with database.session() as db:
        row = db.get(Participant, invitation.participant.id)
        assert row and row.invitation_hash == token_hash(invitation.token)
        assert invitation.token not in repr(row.model_dump())


def test_a_claimed_link_is_refused_on_second_use(client, settings, database) -> None:
    world = make_world(settings, database)
    invitation = world.invitations[0]
    first = Browser(client)
    code = first.join(invitation)
    assert code
    with database.session() as db:
        row = db.get(Participant, invitation.participant.id)
        assert row and row.status == "active" and row.invitation_hash is None
        assert row.recovery_hash and code not in row.recovery_hash
    for browser in (first, Browser(fresh(client))):
        page = browser.get(invitation.path())
        assert page.status_code == 404
        assert "not valid" in page.text
        again = browser.post(invitation.path())
        assert again.status_code == 404
        assert "recovery-code" not in again.text
    assert first.client.cookies.get("tt_session")  # the first browser is still signed in
    assert _participant_of(database, first.client) == invitation.participant.id


def test_an_unknown_link_and_a_used_one_look_the_same(client, settings, database) -> None:
    world = make_world(settings, database)
    Browser(client).join(world.invitations[0])
    other = Browser(fresh(client))
    used = other.get(world.invitations[0].path())
    unknown = other.get("/join/" + "A" * 43)
    assert used.status_code == unknown.status_code == 404
    assert used.text.replace(world.invitations[0].token, "T") == unknown.text.replace("A" * 43, "T")


def test_recovery_code_restores_the_same_author_on_another_client(
    client, settings, database
) -> None:
    world = make_world(settings, database)
    invitation = world.invitations[0]
    first = Browser(client)
    code = first.join(invitation)
    secret = _secret(client)
    other_client = fresh(client)
    other = Browser(other_client)
    other.get("/recover")
    response = other.post("/recover", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 303
    assert response.headers["location"] == f"/w/{world.workshop.id}"
    assert _participant_of(database, other_client) == invitation.participant.id
    assert _secret(other_client) == secret
    # Same authorship: a tag made on the first client is recognised as "mine" on the second.
    workshop_key = b"k" * 32
    tag = keys.author_tag(workshop_key, secret, "proposal", "p1")
    assert keys.is_mine(workshop_key, _secret(other_client), "proposal", "p1", tag)
    assert other_client.get("/api/v1/me").json() == {
        "kind": "participant",
        "workshop_id": world.workshop.id,
    }
    # The first client keeps its own session.
    assert client.get("/api/v1/me").json()["kind"] == "participant"


def test_a_wrong_recovery_code_is_refused_and_limited(client, settings, database) -> None:
    make_world(settings, database)
    browser = Browser(client)
    browser.get("/recover")
    for _ in range(settings.login_limit):
        response = browser.post("/recover", {"code": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-F"})
        assert response.status_code == 400
        assert roster.INVALID_CODE in response.text
    assert browser.post("/recover", {"code": "x"}).status_code == 429
    assert "tt_session" not in client.cookies


def test_joining_is_limited_per_client(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.get("/recover")
    for i in range(settings.login_limit):
        assert browser.post(f"/join/{'B' * 40}{i:03d}").status_code == 404
    blocked = browser.post(world.invitations[0].path())
    assert blocked.status_code == 429
    with database.session() as db:
        row = db.get(Participant, world.invitations[0].participant.id)
        assert row and row.status == "invited"  # a blocked attempt does not use the link


def test_readmission_gives_a_new_author_and_ends_the_old_sessions(
    client, settings, database
) -> None:
    world = make_world(settings, database)
    invitation = world.invitations[0]
    code = Browser(client).join(invitation)
    old_secret = _secret(client)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop
        new_link = roster.readmit(
            db,
            viewer=world.viewer("organizer"),
            workshop=workshop,
            participant_id=invitation.participant.id,
        )
    assert client.get("/api/v1/me").status_code == 401  # old session ended at once
    late = Browser(fresh(client))
    late.get("/recover")
    assert late.post("/recover", {"code": code}).status_code == 400  # old code is dead
    assert late.get(invitation.path()).status_code == 404  # old link is dead
    newcomer = Browser(fresh(client))
    newcomer.join(new_link)
    assert _participant_of(database, newcomer.client) == invitation.participant.id
    assert _secret(newcomer.client) != old_secret
    with database.session() as db:
        row = db.get(Participant, invitation.participant.id)
        workshop = db.get(Workshop, world.workshop.id)
        assert row and row.readmitted == 1
        assert workshop and workshop.readmissions == 1


def test_invitations_of_a_draft_or_archived_workshop_do_not_work(
    client, settings, database
) -> None:
    for status in ("draft", "archived"):
        world = make_world(settings, database, status=status, title=f"W {status}")
        browser = Browser(fresh(client))
        assert browser.get(world.invitations[0].path()).status_code == 404
        browser.ensure_token()
        assert browser.post(world.invitations[0].path()).status_code == 404
