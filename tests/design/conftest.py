"""Fixtures for the workshop-design tests: a world, signed-in browsers, API helpers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import Browser, World, make_world


@pytest.fixture
def world(settings, database) -> World:  # type: ignore[no-untyped-def]
    return make_world(settings, database)


def browser_for(app: Any, world: World, role: str) -> Browser:
    """A fresh browser (own cookie jar) signed in as a staff role, or joined as a participant."""
    b = Browser(TestClient(app, base_url="http://testserver"))
    if role == "participant":
        b.join(world.invitations[0])
    else:
        b.login(world.users[role])
    return b


@pytest.fixture
def org(app, world) -> Browser:  # type: ignore[no-untyped-def]
    return browser_for(app, world, "organizer")


def api(b: Browser, method: str, url: str, body: Any = None) -> Any:
    """Call the JSON API with the session cookie and the CSRF header, as htmx would."""
    headers = {"X-CSRF-Token": b.ensure_token()} if method != "GET" else {}
    return b.client.request(method, url, json=body, headers=headers)
