"""A body that is not valid UTF-8 is refused with 400 and a clear message, never accepted
with its bytes replaced (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest

from app.forms import is_utf8
from tests.factories import Browser, make_world


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"text=caf%C3%A9&x=+", "application/x-www-form-urlencoded"),
        ('{"text": "café"}'.encode(), "application/json"),
        (b"\xff\xfe binary", "multipart/form-data; boundary=x"),
    ],
)
def test_valid_bodies_pass(body: bytes, ctype: str) -> None:
    assert is_utf8(body, ctype)


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"text=caf%E9", "application/x-www-form-urlencoded"),
        (b"t%FFext=x", "application/x-www-form-urlencoded; charset=utf-8"),
        (b'{"text": "caf\xe9"}', "application/json"),
        (b"caf\xe9", ""),
    ],
)
def test_invalid_bodies_are_refused(body: bytes, ctype: str) -> None:
    assert not is_utf8(body, ctype)


def test_an_invalid_form_and_json_body_get_400(settings: Any, database: Any, client: Any) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    token = browser.ensure_token()
    url = f"/w/{world.workshop.id}/manage/roster"
    form = client.post(
        url,
        content=b"csrf_token=" + token.encode() + b"&display_name=Jos%E9",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert form.status_code == 400, form.text[:300]
    assert "not valid UTF-8" in form.text
    api = client.post(
        f"/api/v1/workshops/{world.workshop.id}/roster",
        content=b'{"display_name": "Jos\xe9", "party_id": null}',
        headers={"content-type": "application/json", "X-CSRF-Token": token},
    )
    assert api.status_code == 400, api.text[:300]
    assert "not valid UTF-8" in api.json()["error"]["message"]
