"""Every staff form is idempotent (issue 15): each carries a fresh hidden key; sent again with
that key (a double click, a browser's retry, two at once) it changes nothing anywhere in the
database and answers as the first did. Participants' forms leave no row of it behind."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select as sa_select
from sqlmodel import select

from app.accounts.models import AuthSession
from app.agenda.models import AgendaItem
from app.ids import utcnow
from app.models import metadata
from app.replay.models import FormReplay
from app.room.models import Proposal, Theme
from tests.factories import PASSWORD
from tests.room.helpers import SMALL_BATCH

KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
# rows a repeated request may touch without changing anything of the workshop
# the language picker and sign-out set a cookie or end a session: the same again changes
# nothing; the agenda's move buttons (htmx) carry none: each click is one more step
NATURALLY_IDEMPOTENT = re.compile(r'action="/(?:language|logout)"|hx-post')
NOT_STATE = {"form_replay", "auth_session", "rate_limit"}


def snapshot(room: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but NOT_STATE), in a stable order."""
    out = {}
    with room.world.database.session() as db:
        for table in metadata.sorted_tables:
            if table.name not in NOT_STATE:
                rows = db.connection().execute(sa_select(table)).all()
                out[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return out


def _live(room: Any, proposals: int = 0) -> list[str]:
    facilitator = room.staff("facilitator")
    cid = room.contribution.id
    facilitator.post(f"/w/{room.wid}/console/items/{cid}/start")
    facilitator.post(f"/w/{room.wid}/console/items/{cid}/intake", {"open": "1"})
    for n in range(proposals):
        browser, _ = room.participant(n)
        page = browser.get(f"/w/{room.wid}/room").text
        match = KEY_RE.search(page)
        assert match
        answer = browser.post(
            f"/w/{room.wid}/room/proposals",
            {"text": f"A joint gauge on the river, variant {n}", "idempotency_key": match[1]},
        )
        assert answer.status_code == 303
    with room.world.database.session() as db:
        return [p.id for p in db.exec(select(Proposal).where(Proposal.item_id == cid))]


def _console(room: Any) -> str:
    return str(room.staff("facilitator").get(f"/w/{room.wid}/console").text)


Action = Callable[[Any, list[str]], tuple[str, dict[str, str]]]
ACTIONS: dict[str, tuple[int, Action]] = {
    "extend the timer": (
        0,
        lambda room, _: (
            f"/w/{room.wid}/console/items/{room.contribution.id}/timer",
            {"timer": "extend", "minutes": "5"},
        ),
    ),
    "add a theme": (
        0,
        lambda room, _: (
            f"/w/{room.wid}/console/items/{room.contribution.id}/themes",
            {"name": "Water sharing"},
        ),
    ),
    "reveal": (
        3,
        lambda room, _: (
            f"/w/{room.wid}/console/items/{room.contribution.id}/reveal",
            {"override_reason": SMALL_BATCH},
        ),
    ),
    "hide a proposal": (
        3,
        lambda room, ids: (
            f"/w/{room.wid}/console/proposals/{ids[0]}/hide",
            {"reason": "off topic", "item": room.contribution.id},
        ),
    ),
    "advance the agenda": (0, lambda room, _: (f"/w/{room.wid}/console/advance", {})),
}


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_a_staff_form_sent_twice_changes_nothing_the_second_time(room: Any, name: str) -> None:
    needed, action = ACTIONS[name]
    ids = _live(room, needed)
    url, data = action(room, ids)
    key = KEY_RE.search(_console(room))
    assert key
    facilitator = room.staff("facilitator")
    first = facilitator.post(url, {**data, "idempotency_key": key[1]})
    assert first.status_code == 303, first.text[:300]
    after_first = snapshot(room)
    second = facilitator.post(url, {**data, "idempotency_key": key[1]})
    assert (second.status_code, second.headers["location"]) == (
        first.status_code,
        first.headers["location"],
    )
    assert snapshot(room) == after_first
    third = facilitator.post(url, data)  # without the key: an ordinary second submission
    assert third.status_code in (303, 409, 422)


def test_two_submissions_at_once_run_once(room: Any) -> None:
    _live(room)
    url = f"/w/{room.wid}/console/items/{room.contribution.id}/timer"
    facilitator = room.staff("facilitator")
    assert facilitator.post(url, {"timer": "start", "minutes": "10"}).status_code == 303
    started = _timer_ends(room)
    key = KEY_RE.search(_console(room))
    assert key
    data = {"timer": "extend", "minutes": "5", "idempotency_key": key[1]}
    twin = room.browser()
    twin.client.cookies = facilitator.client.cookies
    twin.token = facilitator.ensure_token()
    answers: list[Any] = []
    threads = [
        threading.Thread(target=lambda b=b: answers.append(b.post(url, data)))
        for b in (facilitator, twin)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {(a.status_code, a.headers.get("location")) for a in answers} == {
        (303, answers[0].headers["location"])
    }
    assert (_timer_ends(room) - started).total_seconds() == 5 * 60  # extended once, not twice


def _timer_ends(room: Any) -> Any:
    with room.world.database.session() as db:
        item = db.get(AgendaItem, room.contribution.id)
        assert item is not None and item.timer_ends_at is not None
        return item.timer_ends_at


def test_a_refused_form_may_be_sent_again_with_its_key(room: Any) -> None:
    _live(room)
    key = KEY_RE.search(_console(room))
    assert key
    url = f"/w/{room.wid}/console/items/{room.contribution.id}/themes"
    facilitator = room.staff("facilitator")
    refused = facilitator.post(url, {"name": "", "idempotency_key": key[1]})
    assert refused.status_code == 422
    done = facilitator.post(url, {"name": "Fisheries", "idempotency_key": key[1]})
    assert done.status_code == 303
    with room.world.database.session() as db:
        assert [t.name for t in db.exec(select(Theme))] == ["Fisheries"]


def test_a_key_replays_only_in_the_session_that_sent_it(room: Any) -> None:
    _live(room)
    key = KEY_RE.search(_console(room))
    assert key
    url = f"/w/{room.wid}/console/items/{room.contribution.id}/themes"
    for role, name in (("facilitator", "Fisheries"), ("organizer", "Ferries")):
        answer = room.staff(role).post(url, {"name": name, "idempotency_key": key[1]})
        assert answer.status_code == 303
    with room.world.database.session() as db:
        assert sorted(t.name for t in db.exec(select(Theme))) == ["Ferries", "Fisheries"]


def test_participants_leave_no_replay_row(room: Any) -> None:
    _live(room, proposals=3)
    with room.world.database.session() as db:
        assert db.exec(select(FormReplay)).all() == []


def test_every_staff_form_carries_its_own_key(room: Any) -> None:
    _live(room, proposals=3)
    facilitator = room.staff("facilitator")
    pages = [
        f"/w/{room.wid}/console",
        f"/w/{room.wid}/agenda",
        f"/w/{room.wid}/summary",
        f"/w/{room.wid}/roster",
        f"/w/{room.wid}/rules/manage",
    ]
    organizer = room.staff("organizer")
    keys: list[str] = []
    forms = 0
    for url in pages:
        answer = organizer.get(url) if url.endswith("summary") else facilitator.get(url)
        if answer.status_code != 200:
            continue
        for attrs, inner in FORM_RE.findall(answer.text):
            if 'method="post"' not in attrs or NATURALLY_IDEMPOTENT.search(attrs):
                continue
            found = KEY_RE.findall(inner)
            assert len(found) == 1, (url, attrs)
            keys.extend(found)
            forms += 1
    assert forms >= 10
    assert len(set(keys)) == len(keys)


def _api(room: Any) -> tuple[Any, str, dict[str, str]]:
    _live(room)
    facilitator = room.staff("facilitator")
    facilitator.get(f"/w/{room.wid}/console")
    url = f"/api/v1/workshops/{room.wid}/room/items/{room.contribution.id}/timer"
    return facilitator, url, {"X-CSRF-Token": facilitator.token}


def test_an_api_call_sent_twice_with_its_key_runs_once_and_answers_the_same(room: Any) -> None:
    facilitator, url, headers = _api(room)
    keyed = {**headers, "Idempotency-Key": "k" * 24}
    first = facilitator.client.post(url, json={"action": "start", "minutes": 5}, headers=keyed)
    assert first.status_code == 200, first.text
    after_first = snapshot(room)
    second = facilitator.client.post(url, json={"action": "start", "minutes": 5}, headers=keyed)
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second.headers["idempotent-replayed"] == "true"
    assert snapshot(room) == after_first
    other = facilitator.client.post(url, json={"action": "extend", "minutes": 9}, headers=keyed)
    assert other.status_code == 422
    assert "different request" in other.json()["error"]["message"]
    assert snapshot(room) == after_first


def test_a_kept_api_answer_is_unreadable_at_rest(room: Any) -> None:
    """The body is sealed under the caller's credential, which the server never stores."""
    facilitator, url, headers = _api(room)
    keyed = {**headers, "Idempotency-Key": "q" * 24}
    answer = facilitator.client.post(url, json={"action": "start", "minutes": 7}, headers=keyed)
    assert answer.status_code == 200
    with room.world.database.session() as db:
        rows = db.exec(select(FormReplay)).all()
    assert len(rows) == 1 and rows[0].sealed_body
    assert answer.content not in rows[0].sealed_body
    assert room.contribution.id.encode() not in rows[0].sealed_body


def test_archive_leaves_no_kept_answer(room: Any) -> None:
    """A kept API answer may hold the workshop's content: archiving deletes it."""
    facilitator, url, headers = _api(room)
    keyed = {**headers, "Idempotency-Key": "z" * 24}
    assert facilitator.client.post(url, json={"action": "start", "minutes": 3}, headers=keyed)
    with room.world.database.session() as db:
        assert db.exec(select(FormReplay)).all() != []
    room.world.archive()
    with room.world.database.session() as db:
        assert db.exec(select(FormReplay)).all() == []


def _page_forms(room: Any) -> dict[str, tuple[str, str, Callable[[Any], dict[str, str]]]]:
    wid = room.wid
    return {
        "add a participant": (
            f"/w/{wid}/manage/roster",
            f"/w/{wid}/manage/roster",
            lambda room: {"display_name": "Late Arrival", "party_id": room.world.parties[0].id},
        ),
        "invite a staff member": (
            f"/w/{wid}/manage/staff",
            f"/w/{wid}/manage/staff",
            lambda room: {"email": "newcomer@example.org", "role": "observer"},
        ),
        "make an API token": ("/account", "/account/tokens", lambda room: {"name": "script"}),
        "change the password": (
            "/account",
            "/account/password",
            lambda room: {
                "current": PASSWORD,
                "new": PASSWORD + " again",
                "confirm": PASSWORD + " again",
            },
        ),
    }


@pytest.mark.parametrize(
    "name",
    ["add a participant", "invite a staff member", "make an API token", "change the password"],
)
def test_a_form_that_answers_with_a_page_is_replayed_too(room: Any, name: str) -> None:
    """A double click on a form whose success is a page (an invitation link, a token shown
    once, a changed password) makes one invitation or token, and shows the same page again."""
    page_url, url, data = _page_forms(room)[name]
    organizer = room.staff("organizer")
    form = {**data(room), "idempotency_key": _key_of(organizer.get(page_url).text, url)}
    first = organizer.post(url, form)
    assert first.status_code == 200, first.text[:500]
    after_first = snapshot(room)
    second = organizer.post(url, form)
    assert second.status_code == 200
    assert second.text == first.text  # the same link or token, not a second one
    assert snapshot(room) == after_first


def _key_of(page: str, action: str) -> str:
    """The idempotency key of the page's form that posts to `action`."""
    for attributes, inner in FORM_RE.findall(page):
        if f'action="{action}"' in attributes:
            key = KEY_RE.search(inner)
            assert key, attributes
            return key[1]
    raise AssertionError(f"no form posts to {action}")


def test_a_kept_page_is_never_shown_to_a_lapsed_session(room: Any) -> None:
    """A kept page may hold a secret (a new API token, an invitation link): once the session
    has been idle past the limit, sending the form again meets the sign-in, not the page."""
    organizer = room.staff("organizer")
    form = {
        "name": "script",
        "idempotency_key": _key_of(organizer.get("/account").text, "/account/tokens"),
    }
    first = organizer.post("/account/tokens", form)
    assert first.status_code == 200 and "tt_" in first.text
    with room.world.database.transaction() as db:
        for row in db.exec(select(AuthSession)):
            row.last_seen_at = utcnow() - timedelta(
                minutes=room.world.settings.staff_idle_minutes + 1
            )
            db.add(row)
    again = organizer.post("/account/tokens", form)
    assert again.headers.get("idempotent-replayed") is None
    assert first.text not in again.text
    assert again.status_code in (303, 401) or "Sign in" in again.text
