from __future__ import annotations

from tests.factories import Browser, make_world


def test_staff_sign_in_and_home_lists_workshop(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    home = browser.get("/")
    assert world.workshop.title in home.text


def test_participant_claims_invitation_once(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    code = browser.join(world.invitations[0])
    assert len(code.replace("-", "")) == 26
    again = Browser(client.__class__(client.app))
    second = again.post(world.invitations[0].path())
    assert second.status_code == 404
