from __future__ import annotations

import pytest

from tests.factories import Browser, make_world

PAGES = [
    "",
    "/settings",
    "/parties",
    "/rules",
    "/agenda",
    "/staff",
    "/roster",
    "/audit",
    "/archive",
]


@pytest.mark.parametrize("suffix", PAGES)
def test_organizer_sees_manage_pages(client, settings, database, suffix) -> None:
    world = make_world(settings, database)
    b = Browser(client)
    b.login(world.users["organizer"])
    page = b.get(f"/w/{world.workshop.id}/manage{suffix}")
    assert page.status_code == 200, page.text
