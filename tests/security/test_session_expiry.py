"""An expired staff session leads to sign-in and back to where the person was, with what
they had typed; never to "this form has expired" or "nothing here"."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlmodel import select

from app.accounts.models import AuthSession
from app.ids import utcnow
from app.workshops.models import Party
from tests.factories import PASSWORD, Browser, make_world


def _hidden(html: str) -> dict[str, str]:
    return {k: unescape(v) for k, v in HIDDEN_RE.findall(html)}


HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _expire(database, settings) -> None:  # type: ignore[no-untyped-def]
    idle = timedelta(minutes=settings.staff_idle_minutes, seconds=5)
    with database.transaction() as db:
        for row in db.exec(select(AuthSession)):
            row.last_seen_at = utcnow() - idle
            db.add(row)


def _sign_in(browser: Browser, email: str, extra: dict[str, str]):  # type: ignore[no-untyped-def]
    return browser.post("/login", {"email": email, "password": PASSWORD, **extra})


def test_an_expired_page_leads_to_sign_in_and_back(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    page = f"/w/{world.workshop.id}/manage/parties"
    browser = Browser(client)
    browser.login(user)
    assert browser.get(page).status_code == 200
    _expire(database, settings)
    gone = browser.get(page, follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"] == f"/login?next={page}&expired=1"
    login = browser.get(gone.headers["location"])
    assert "Your session has expired" in login.text
    assert f'name="next" value="{page}"' in login.text
    back = _sign_in(browser, user.email, {"next": page})
    assert back.status_code == 303 and back.headers["location"] == page
    assert browser.get(page).status_code == 200


def test_an_expired_form_keeps_what_was_typed(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    action = f"/w/{world.workshop.id}/manage/parties"
    browser = Browser(client)
    browser.login(user)
    browser.get(action)  # the form's page, with the session's CSRF token
    _expire(database, settings)
    typed = {"name": "Civil society 50%", "description": "Typed <before>\nexpiry"}
    refused = browser.post(action, typed)
    assert refused.status_code == 401  # not 403 "this form has expired"
    assert "Your session has expired" in refused.text
    hidden = _hidden(refused.text)
    assert hidden["resume_action"] == action
    assert hidden["resume.name"] == typed["name"]
    assert hidden["resume.description"] == typed["description"]  # the line break too
    assert "resume.csrf_token" not in hidden
    resumed = _sign_in(
        browser, user.email, {k: v for k, v in hidden.items() if k.startswith("resume")}
    )
    assert resumed.status_code == 200 and f'action="{action}"' in resumed.text
    again = _hidden(resumed.text)
    assert again["name"] == typed["name"] and again["description"] == typed["description"]
    sent = browser.post(action, {"name": typed["name"], "description": typed["description"]})
    assert sent.status_code == 303
    with database.session() as db:
        names = [p.name for p in db.exec(select(Party))]
    assert typed["name"] in names


def test_an_expired_htmx_request_sends_the_whole_page_to_sign_in(
    client, settings, database
) -> None:
    world = make_world(settings, database)
    page = f"/w/{world.workshop.id}/manage/parties"
    browser = Browser(client)
    browser.login(world.users["organizer"])
    _expire(database, settings)
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"}
    got = browser.get(f"{page}?fragment=parties", headers=headers, follow_redirects=False)
    assert got.status_code == 200 and got.headers["HX-Redirect"] == f"/login?next={page}&expired=1"


def test_next_is_a_local_path_only(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/ok\nx"):
        browser = Browser(client.__class__(client.app))
        browser.get("/login")
        got = _sign_in(browser, user.email, {"next": target})
        assert got.headers["location"] == "/", target


def test_without_a_staff_session_there_is_no_sign_in_detour(client, settings, database) -> None:
    """A revoked participant, or anyone else, still gets the plain 404 (nothing confirmed)."""
    world = make_world(settings, database)
    browser = Browser(client)
    client.cookies.set("tt_session", "not-a-session-at-all-" * 2)
    got = browser.get(f"/w/{world.workshop.id}/manage/parties", follow_redirects=False)
    assert got.status_code in (303, 404)
    assert got.status_code == 404 or "expired" not in got.headers["location"]
