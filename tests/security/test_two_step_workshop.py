"""A workshop whose organizer requires two-step sign-in (issue 19): its staff without it get
a page that says how to set it up (pages) or a 403 JSON message (API tokens), and get in once
they have it; participants are never affected; an organizer cannot require it without it."""

from __future__ import annotations

import re

from sqlmodel import select

from app.audit.models import AuditEntry
from tests.factories import Browser, make_world
from tests.security.two_step_helpers import code_at, enrol

TOKEN_RE = re.compile(r'<code class="secret">(tt_[^<]+)</code>')


def _token(browser: Browser) -> str:
    browser.get("/account")
    page = browser.post("/account/tokens", {"name": "script"})
    match = TOKEN_RE.search(page.text)
    assert match, page.text
    return match.group(1)


def _settings_form(world, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    w = world.workshop
    return {
        "title": w.title,
        "purpose": "",
        "track": w.track,
        "start_date": "",
        "end_date": "",
        "timezone": w.timezone,
        "languages": w.languages,
        "k_min": str(w.k_min),
        "default_level": w.default_level,
        "archive_after_days": "",
        **extra,
    }


def test_organizer_cannot_require_it_without_having_it(client, settings, database) -> None:
    world = make_world(settings, database)
    organizer = Browser(client)
    organizer.login(world.users["organizer"])
    url = f"/w/{world.workshop.id}/manage/settings"
    organizer.get(url)
    refused = organizer.post(url, _settings_form(world, staff_two_step="on"))
    assert refused.status_code == 409  # valid alone, not without your own (Inconsistent)
    assert "Set up two-step sign-in for your own account first" in refused.text
    token = _token(organizer)
    bare = client.__class__(client.app)
    patch = bare.patch(
        f"/api/v1/workshops/{world.workshop.id}",
        json={"staff_two_step": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert patch.status_code == 409
    assert "staff_two_step" in patch.json()["error"]["fields"]
    assert (
        bare.get(
            f"/api/v1/workshops/{world.workshop.id}", headers={"Authorization": f"Bearer {token}"}
        ).json()["staff_two_step"]
        is False
    )


def test_requirement_blocks_members_without_it_and_lets_through_those_with_it(
    client, settings, database
) -> None:
    world = make_world(settings, database)
    wid = world.workshop.id
    organizer = Browser(client)
    organizer.login(world.users["organizer"])
    enrol(organizer)
    url = f"/w/{wid}/manage/settings"
    organizer.get(url)
    saved = organizer.post(url, _settings_form(world, staff_two_step="on"))
    assert saved.status_code == 303
    assert organizer.get(f"/w/{wid}/console").status_code == 200  # the organizer has it
    assert "These workshops require it" in organizer.get("/account").text  # beside "turn off"
    with database.session() as db:
        entries = [e for e in db.exec(select(AuditEntry)) if e.action == "workshop.two_step"]
    assert len(entries) == 1 and entries[0].workshop_id == wid

    facilitator = Browser(client.__class__(client.app))
    facilitator.login(world.users["facilitator"])
    token = _token(facilitator)  # made before: the account page is never held back
    home = facilitator.get("/")
    assert "These workshops require two-step sign-in" in home.text and f"/w/{wid}" in home.text
    for page in (f"/w/{wid}/console", f"/w/{wid}", f"/w/{wid}/notes"):
        held = facilitator.get(page)
        assert held.status_code == 403, page
        assert 'href="/account?next=' in held.text and f'href="{page}"' in held.text
    api = client.__class__(client.app)
    bearer = {"Authorization": f"Bearer {token}"}
    answer = api.get(f"/api/v1/workshops/{wid}", headers=bearer)
    assert answer.status_code == 403
    assert "two-step sign-in" in answer.json()["error"]["message"]
    assert api.get("/api/v1/workshops", headers=bearer).json()["workshops"] == []
    me = api.get("/api/v1/me", headers=bearer).json()
    assert me["two_step"] is False and me["two_step_needed_for"] == [wid]

    # a participant of the workshop is never affected
    participant = Browser(client.__class__(client.app))
    participant.join(world.invitations[0])
    assert participant.get(f"/w/{wid}").status_code == 200

    # once the facilitator has it, the pages work again; the token made before is revoked
    # with the new second factor (whoever held a stolen session loses it), a new one works
    secret, _ = enrol(facilitator)
    assert facilitator.get(f"/w/{wid}/console").status_code == 200
    assert api.get(f"/api/v1/workshops/{wid}", headers=bearer).status_code == 401
    bearer = {"Authorization": f"Bearer {_token(facilitator)}"}
    assert api.get(f"/api/v1/workshops/{wid}", headers=bearer).status_code == 200
    me = api.get("/api/v1/me", headers=bearer).json()
    assert me["two_step"] is True and me["two_step_needed_for"] == []
    assert code_at(secret)  # (the secret is a real TOTP seed)


def test_a_non_member_still_gets_404(client, settings, database) -> None:
    world = make_world(settings, database)
    other = make_world(settings, database, title="Another dialogue")
    organizer = Browser(client)
    organizer.login(world.users["organizer"])
    enrol(organizer)
    url = f"/w/{world.workshop.id}/manage/settings"
    organizer.get(url)
    assert organizer.post(url, _settings_form(world, staff_two_step="on")).status_code == 303
    outsider = Browser(client.__class__(client.app))
    outsider.login(other.users["organizer"])
    assert outsider.get(f"/w/{world.workshop.id}").status_code == 404
