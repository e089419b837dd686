"""Same size for everyone (DESIGN.md, Anonymity 7): every participant-facing answer whose
content depends on authorship has the same length for the author and for a non-author in
the same state, so a network watcher learns nothing from the size of encrypted traffic."""

from __future__ import annotations

import re
from typing import Any

KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _start_round(room: Any) -> None:
    facilitator = room.staff("facilitator")
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/start")
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/intake", {"open": "1"})


def _submit(browser: Any, wid: str, text: str) -> None:
    match = KEY_RE.search(browser.get(f"/w/{wid}/room").text)
    assert match
    answer = browser.post(
        f"/w/{wid}/room/proposals", {"text": text, "idempotency_key": match.group(1)}
    )
    assert answer.status_code == 303


def _sizes(browser: Any, wid: str) -> dict[str, int]:
    routes = {
        "room page": f"/w/{wid}/room",
        "proposals region": f"/w/{wid}/room/region/proposals",
        "room JSON": f"/api/v1/workshops/{wid}/room",
    }
    out = {}
    for name, url in routes.items():
        answer = browser.client.get(url)
        assert answer.status_code == 200, (name, answer.text[:200])
        out[name] = len(answer.content)
    return out


def test_author_and_non_author_get_answers_of_one_size(room: Any) -> None:
    _start_round(room)
    author, _ = room.participant(0)
    other, _ = room.participant(1)
    third, _ = room.participant(2)
    for n in range(3):
        _submit(author, room.wid, f"Shared water board, variant {n}")
    _submit(third, room.wid, "Joint gauge readings, published weekly")
    facilitator = room.staff("facilitator")
    facilitator.post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/reveal",
        {"override_reason": "a small test batch"},
    )

    mine = author.client.get(f"/api/v1/workshops/{room.wid}/room").json()
    theirs = other.client.get(f"/api/v1/workshops/{room.wid}/room").json()
    assert sorted(bool(p["mine"]) for p in mine["proposals"]["revealed"]) == [0, 1, 1, 1]
    assert not any(p["mine"] for p in theirs["proposals"]["revealed"])

    sizes = {who: _sizes(b, room.wid) for who, b in (("author", author), ("other", other))}
    assert sizes["author"] == sizes["other"], sizes


def test_a_reaction_does_not_change_the_pages_size(room: Any) -> None:
    """Whether and how a participant reacted is not in the size of their pages, nor of the
    room's JSON (where `my_reaction` is the state of the three controls)."""
    _start_round(room)
    writer, _ = room.participant(2)
    for n in range(3):
        _submit(writer, room.wid, f"Shared water board, variant {n}")
    revealing = room.staff("facilitator").post(
        f"/w/{room.wid}/console/items/{room.contribution.id}/reveal",
        {"override_reason": "a small test batch"},
    )
    assert revealing.status_code < 400, revealing.text[:300]
    reactor, _ = room.participant(0)
    bystander, _ = room.participant(1)
    revealed = reactor.client.get(f"/api/v1/workshops/{room.wid}/room").json()["proposals"]
    ids = [p["id"] for p in revealed["revealed"]]
    assert len(ids) == 3
    before = _sizes(reactor, room.wid)
    for proposal_id, value in zip(ids, ("agree", "disagree", "pass"), strict=True):
        page = reactor.get(f"/w/{room.wid}/room")
        assert page.status_code == 200
        answer = reactor.post(f"/w/{room.wid}/room/proposals/{proposal_id}/react", {"value": value})
        assert answer.status_code in (200, 303), answer.text[:200]
    after = _sizes(reactor, room.wid)
    unreacted = _sizes(bystander, room.wid)
    assert after == before == unreacted, (after, before, unreacted)  # the JSON too
