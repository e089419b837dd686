"""Staff come to exist without the command line: an organizer invites an address, the person
sets their own name and password through a single-use, expiring link (e-mailed when SMTP is
configured, against a local aiosmtpd server here); a forgotten password is reset the same way
(by e-mail, or a link the operator prints with `tracktwo users reset-link`)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlmodel import select

from app import cli, config
from app.accounts import invitations, link_routes
from app.accounts.models import ApiToken, AuthSession, StaffInvitation, User
from app.audit.models import AuditEntry
from app.config import Settings
from app.db import Database
from app.errors import Gone, NotFound
from app.ids import utcnow
from app.main import create_app
from app.security import passwords
from app.workshops import staff
from app.workshops.models import Membership, Workshop
from tests.factories import PASSWORD, Browser, World, make_user, make_world

NEW_PASSWORD = "a brand new long password"
LINK_RE = re.compile(r"https?://[^\s<\"]+/(invite|reset)/[A-Za-z0-9_-]+")


class Inbox:
    """aiosmtpd handler: every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def links(self) -> list[str]:
        found = [LINK_RE.search(m.get_content()) for m in self.messages]
        return [match.group(0) for match in found if match]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mailing(settings: Settings, database: Database, inbox: tuple[Inbox, int]) -> Iterator[Any]:
    """A client of an app that sends e-mail to the local server, and that server's inbox."""
    handler, port = inbox
    with_mail = Settings(
        **{
            **settings.__dict__,
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "none",
            "smtp_from": "tracktwo@example.org",
        }
    )
    with TestClient(create_app(with_mail, database), base_url="http://testserver") as client:
        yield client, handler


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _organizer(client: TestClient, world: World) -> Browser:
    browser = Browser(client)
    browser.login(world.users["organizer"])
    return browser


def _invite(browser: Browser, world: World, email: str, role: str = "facilitator") -> Any:
    return browser.post(f"/w/{world.workshop.id}/manage/staff", {"email": email, "role": role})


def _link_on(page: Any) -> str:
    found = LINK_RE.search(page.text)
    assert found, page.text
    return _path(found.group(0))


def _accept(client: TestClient, link: str, **fields: str) -> Any:
    browser = Browser(TestClient(client.app, base_url="http://testserver"))
    assert browser.get(link).status_code == 200
    data = {"display_name": "Nour Haddad", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return browser, browser.post(link, {**data, **fields})


def test_an_invited_address_joins_the_staff_with_its_own_password(
    client: TestClient, settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    organizer = _organizer(client, world)
    page = _invite(organizer, world, "Nour@Example.org", "rapporteur")
    assert page.status_code == 200
    assert "Copy the link" in page.text and "nour@example.org" in page.text
    link = _link_on(page)
    listed = organizer.get(f"/w/{world.workshop.id}/manage/staff")
    assert "Invited, not joined yet" in listed.text and link not in listed.text

    browser, joined = _accept(client, link)
    assert joined.status_code == 303
    assert joined.headers["location"] == f"/w/{world.workshop.id}/manage"
    assert browser.get(joined.headers["location"]).status_code == 200  # signed in, on the staff
    with database.session() as db:
        user = db.exec(select(User).where(User.email == "nour@example.org")).one()
        assert user.display_name == "Nour Haddad"
        role = db.exec(select(Membership.role).where(Membership.user_id == user.id)).one()
        assert role == "rapporteur"
        actions = set(db.exec(select(AuditEntry.action)))
        assert {"staff.invite", "staff.join"} <= actions
    again = Browser(TestClient(client.app, base_url="http://testserver"))
    assert again.get(link).status_code == 410  # single use
    assert (
        again.post(
            link, {"display_name": "X", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 410
    )
    fresh = Browser(TestClient(client.app, base_url="http://testserver"))
    assert (
        fresh.post("/login", {"email": "nour@example.org", "password": NEW_PASSWORD}).status_code
        == 303
    )


def test_an_existing_account_is_added_at_once(
    client: TestClient, settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    with database.transaction() as db:
        colleague = make_user(db, email="colleague@example.org")
    answer = _invite(_organizer(client, world), world, "colleague@example.org")
    assert answer.status_code == 303
    with database.session() as db:
        assert db.exec(select(Membership).where(Membership.user_id == colleague.id)).one()
        assert db.exec(select(StaffInvitation)).all() == []


@pytest.mark.parametrize("how", ["expired", "withdrawn", "invited again", "archived"])
def test_a_link_stops_working(
    client: TestClient, settings: Settings, database: Database, how: str
) -> None:
    world = make_world(settings, database)
    organizer = _organizer(client, world)
    link = _link_on(_invite(organizer, world, "late@example.org"))
    with database.transaction() as db:
        row = db.exec(select(StaffInvitation)).one()
        if how == "expired":
            row.expires_at = utcnow() - timedelta(seconds=1)
            db.add(row)
    if how == "withdrawn":
        withdraw = f"/w/{world.workshop.id}/manage/staff/invitations/{row.id}/withdraw"
        assert organizer.post(withdraw).status_code == 303
    if how == "invited again":
        assert _link_on(_invite(organizer, world, "late@example.org")) != link
    if how == "archived":
        world.archive()
        with database.session() as db:
            assert db.exec(select(StaffInvitation)).all() == []
    stranger = Browser(TestClient(client.app, base_url="http://testserver"))
    assert stranger.get(link).status_code == 410
    data = {"display_name": "Late", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert stranger.post(link, data).status_code == 410
    with database.session() as db:
        assert db.exec(select(User).where(User.email == "late@example.org")).first() is None


def test_dead_links_answer_410_with_a_way_forward(
    client: TestClient, settings: Settings, database: Database
) -> None:
    page = Browser(client).get("/invite/not-a-real-token")
    assert page.status_code == 410 and "Ask for a new one" in page.text
    assert Browser(client).get("/reset/" + "x" * 200).status_code == 410


@pytest.mark.parametrize("role", ["facilitator", "rapporteur", "observer"])
def test_only_organizers_invite(
    client: TestClient, settings: Settings, database: Database, role: str
) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users[role])
    assert _invite(browser, world, "someone@example.org").status_code == 404
    with database.session() as db:
        assert db.exec(select(StaffInvitation)).all() == []


@pytest.mark.parametrize(
    ("email", "role", "field"),
    [
        ("", "facilitator", "email"),
        ("not an address", "facilitator", "email"),
        ("ok@example.org", "emperor", "role"),
    ],
)
def test_bad_invitations_are_refused_beside_their_field(
    client: TestClient, settings: Settings, database: Database, email: str, role: str, field: str
) -> None:
    world = make_world(settings, database)
    page = _invite(_organizer(client, world), world, email, role)
    assert page.status_code == 422
    assert f'id="{field}-error"' in page.text
    with database.session() as db:
        assert db.exec(select(StaffInvitation)).all() == []


def test_a_refused_acceptance_keeps_the_link_and_the_name(
    client: TestClient, settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    link = _link_on(_invite(_organizer(client, world), world, "nour@example.org"))
    _, answer = _accept(client, link, confirm="something else entirely")
    assert answer.status_code == 422 and "Nour Haddad" in answer.text
    _, short = _accept(client, link, password="short", confirm="short")
    assert short.status_code == 422
    _, joined = _accept(client, link)
    assert joined.status_code == 303


def test_only_the_hash_of_a_link_is_stored(
    client: TestClient, settings: Settings, database: Database
) -> None:
    world = make_world(settings, database)
    link = _link_on(_invite(_organizer(client, world), world, "nour@example.org"))
    token = link.rsplit("/", 1)[1]
    with database.session() as db:
        row = db.exec(select(StaffInvitation)).one()
        assert token not in repr(row.model_dump())


def test_the_invitation_is_e_mailed(mailing: Any, settings: Settings, database: Database) -> None:
    client, inbox = mailing
    world = make_world(settings, database)
    page = _invite(_organizer(client, world), world, "nour@example.org")
    assert "An e-mail with the link was sent" in page.text
    [message] = inbox.messages
    assert message["To"] == "nour@example.org"
    assert world.workshop.title in str(message["Subject"])
    assert _path(inbox.links()[0]) == _link_on(page)


def _stranger(client: TestClient) -> Browser:
    return Browser(TestClient(client.app, base_url="http://testserver"))


def _signed_in(database: Database, user_id: str) -> int:
    with database.session() as db:
        return len(db.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all())


def test_a_forgotten_password_is_reset_by_e_mail(
    mailing: Any, settings: Settings, database: Database
) -> None:
    client, inbox = mailing
    with database.transaction() as db:
        user = make_user(db, email="forgot@example.org")
    owner = Browser(client)
    owner.login(user)
    owner.get("/account")
    assert owner.post("/account/tokens", {"name": "minted meanwhile"}).status_code == 200
    assert _signed_in(database, user.id) == 1
    answer = _stranger(client).post("/login/reset", {"email": "Forgot@example.org"})
    unknown = _stranger(client).post("/login/reset", {"email": "nobody@example.org"})
    assert answer.status_code == unknown.status_code == 200
    assert _without_tokens(answer.text) == _without_tokens(unknown.text)
    assert len(inbox.messages) == 1  # none for the unknown address
    link = _path(inbox.links()[0])
    browser = Browser(TestClient(client.app, base_url="http://testserver"))
    assert browser.get(link).status_code == 200
    assert browser.post(link, {"password": NEW_PASSWORD, "confirm": "other"}).status_code == 422
    done = browser.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/login/changed"
    assert "Your password was changed" in browser.get("/login/changed").text
    assert _signed_in(database, user.id) == 0  # every session ended
    with database.session() as db:  # and every API token: none minted by a thief survives
        assert db.exec(select(ApiToken).where(ApiToken.user_id == user.id)).all() == []
    assert browser.get(link).status_code == 410
    old = Browser(TestClient(client.app, base_url="http://testserver"))
    assert old.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 400
    assert old.post("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 303


def _without_tokens(text: str) -> str:
    return re.sub(r'(name="csrf_token" value="|-Token": ")[A-Za-z0-9_-]+', "", text)


def test_reset_requests_are_throttled(mailing: Any, settings: Settings, database: Database) -> None:
    client, _ = mailing
    browser = Browser(client)
    codes = [
        browser.post("/login/reset", {"email": "someone@example.org"}).status_code
        for _ in range(settings.login_limit + 1)
    ]
    assert codes[: settings.login_limit] == [200] * settings.login_limit
    assert codes[-1] == 429


def test_without_e_mail_the_page_says_how_to_get_a_link(client: TestClient) -> None:
    page = Browser(client).get("/login/reset")
    assert page.status_code == 200 and "users reset-link" in page.text
    assert "/login/reset" in Browser(client).get("/login").text
    assert Browser(client).post("/login/reset", {"email": "a@example.org"}).status_code == 409


def test_the_operator_prints_a_reset_link(
    client: TestClient,
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with database.transaction() as db:
        user = make_user(db, email="forgot@example.org")
    monkeypatch.setenv("TRACKTWO_ENV", "test")
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", settings.database_url)
    config.get_settings.cache_clear()
    try:
        assert cli.main(["users", "reset-link", "forgot@example.org"]) == 0
        assert cli.main(["users", "reset-link", "nobody@example.org"]) == 2
    finally:
        config.get_settings.cache_clear()
    out = capsys.readouterr().out
    link = _path(LINK_RE.search(out).group(0))  # type: ignore[union-attr]
    browser = Browser(client)
    done = browser.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    fresh = Browser(TestClient(client.app, base_url="http://testserver"))
    assert fresh.post("/login", {"email": user.email, "password": NEW_PASSWORD}).status_code == 303


@pytest.mark.parametrize("role", ["facilitator", "rapporteur", "observer"])
def test_the_service_itself_refuses_non_organizers(
    settings: Settings, database: Database, role: str
) -> None:
    """Not only the page: the service checks the organizer's right (a JSON route, a script)."""
    world = make_world(settings, database)
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        with pytest.raises(NotFound):
            staff.invite(
                db,
                settings,
                viewer=world.viewer(role),
                workshop=workshop,
                email="someone@example.org",
                role="observer",
            )


def test_two_requests_racing_with_one_reset_link_cannot_both_win(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request read the link while it was still unused; the first then used it:
    the second is told the link is gone, and the first one's password stands."""
    with database.transaction() as db:
        user = make_user(db, email="raced@example.org")
        token = invitations.reset_link(db, settings, email=user.email).url.rsplit("/", 1)[1]
    with database.session() as db:
        stale = invitations.open_link(db, token, invitations.RESET)
        db.expunge(stale)
    with database.transaction() as db:
        invitations.reset(db, token=token, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    monkeypatch.setattr(invitations, "open_link", lambda db, token, purpose: _attached(db, stale))
    second = "the second and later passphrase"
    with database.session() as db, pytest.raises(Gone):
        invitations.reset(db, token=token, password=second, confirm=second)
        db.commit()
    with database.session() as db:
        stored = db.get(User, user.id)
        assert stored is not None
        assert passwords.verify_password(stored.password_hash, NEW_PASSWORD)


def _attached(db: Any, row: StaffInvitation) -> StaffInvitation:
    db.add(row)  # as it was read, nothing reloaded: the link still looks unused
    return row


def test_a_reset_ask_does_the_same_work_with_or_without_an_account(
    mailing: Any, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing that depends on the address having an account happens before the answer: the
    link is made (and mailed) after it, so the answer's time cannot tell the two apart."""
    client, inbox = mailing
    with database.transaction() as db:
        make_user(db, email="known@example.org")
    later: list[tuple[Any, ...]] = []
    monkeypatch.setattr(link_routes, "_send_reset", lambda *args: later.append(args[2:]))
    for address in ("known@example.org", "nobody@example.org"):
        assert _stranger(client).post("/login/reset", {"email": address}).status_code == 200
    with database.session() as db:
        assert db.exec(select(StaffInvitation)).all() == []  # no link made in the request
    assert [args[0] for args in later] == ["known@example.org", "nobody@example.org"]
    assert inbox.messages == []
