"""Request logs hold method, route template, status and duration: never values, bodies or
who is asking (DESIGN.md, "Security baseline")."""

from __future__ import annotations

import logging
import re

from tests.factories import PASSWORD, Browser, make_world

LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD) (\S+) (\d{3}) \d+\.\dms$")


def _lines(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.name == "tracktwo.request"]


def test_log_lines_name_the_route_template_never_values(client, settings, database, caplog) -> None:
    caplog.set_level(logging.INFO, logger="tracktwo.request")
    world = make_world(settings, database, names=["Amira Haddad"])
    browser = Browser(client)
    browser.join(world.invitations[0])
    client.get("/api/v1/me")
    client.get(f"/w/{world.workshop.id}/notes")
    staff = Browser(client.__class__(client.app))
    staff.login(world.users["organizer"])
    staff.get("/static/css/tracktwo.css")
    staff.get("/no/such/" + world.workshop.id)
    lines = _lines(caplog)
    assert lines
    for line in lines:
        assert LINE.match(line), line
    text = "\n".join(lines)
    assert "GET /join/{token} 200" in text and "POST /join/{token} 303" in text
    assert "GET /api/v1/me 200" in text  # the router prefix is kept
    assert "GET /w/{workshop_id}/notes" in text
    assert "GET /static/* 200" in text
    assert "GET <unmatched> 404" in text
    for secret in (
        world.invitations[0].token,
        world.workshop.id,
        world.users["organizer"].email,
        PASSWORD,
        "Amira",
        "testclient",  # the client address
    ):
        assert secret not in text, secret
