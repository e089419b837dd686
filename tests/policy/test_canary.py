"""The canary crawl: every GET route, as every role, and each canary only where allowed.

tests/policy/canary.py seeds a workshop whose names, affiliations, party names, recovery
codes, invitation tokens, author tags and contents are unique canary strings, and holds THE
table (`allowed`) of where each may appear. This test fetches every GET route the app has
(pages, fragments, JSON, event streams, exports), follows links, and fails on any canary out
of place, and on any GET route it cannot reach with some role.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.policy.canary import Canary, CanaryCrawl, allowed, seed
from tests.policy.crawl import Crawler, Fetch, expand, export_routes, start_urls, unreachable

pytestmark = pytest.mark.slow


def _present(canaries: list[Canary]) -> Callable[[str], set[str]]:
    """The canary values a text contains: one regex pass (longest first), plus any value
    hidden inside another found one (where the pass would have stopped at the longer)."""
    values = sorted({c.value for c in canaries}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(v) for v in values))
    inside = {v: [w for w in values if w != v and w in v] for v in values}

    def present(text: str) -> set[str]:
        found = set(pattern.findall(text))
        return found.union(*(inside[v] for v in found)) if found else found

    return present


def _leaks(cw, fetches: list[Fetch]) -> list[str]:  # type: ignore[no-untyped-def]
    found: dict[str, set[str]] = defaultdict(set)
    present = _present(cw.canaries)
    parties = {c.value for c in cw.canaries if c.kind == "party"}
    proposals = [c for c in cw.canaries if c.kind == "proposal"]
    for got in fetches:
        text = got.text + "\n" + got.text.replace("\\", "") + "\n" + got.headers
        seen = present(text)
        where = f"GET {got.url}" + (f" [fragment {got.fragment}]" if got.fragment else "")
        for canary in cw.canaries:
            if canary.value not in seen or canary.value in got.url:
                continue  # absent; or the page echoes its own address (the language form)
            if not allowed(canary, got.role, got.path):
                found[f"{canary.label} ({canary.kind}) seen by {got.role}"].add(
                    f"{where} -> {got.status}"
                )
        if parties & seen:
            near = [c.label for c in proposals if c.value in seen]
            if near:
                found[f"party name next to proposal text ({near[0]}) seen by {got.role}"].add(where)
    return [f"LEAK: {what}: {', '.join(sorted(urls)[:5])}" for what, urls in sorted(found.items())]


def test_canaries_appear_only_where_the_table_allows(canary_crawl: CanaryCrawl) -> None:
    app, cw, fetches = canary_crawl.app, canary_crawl.cw, canary_crawl.fetches
    unknown = list(canary_crawl.unknown)
    exports = export_routes(app)
    for path in exports:
        for url in expand(path, cw.params):
            if not any(got.url == url and got.status == 200 for got in fetches):
                unknown.append(f"POST {url}: no role could export it")
    crashes = sorted(
        {
            f"GET {got.url} answered {got.status} to {got.role}"
            for got in fetches
            if got.status >= 500
        }
    )
    report = os.environ.get("CANARY_REPORT")
    if report:
        with open(report, "w", encoding="utf-8") as out:
            for got in fetches:
                out.write(f"{got.role}\t{got.status}\t{got.url}\t{got.fragment or ''}\n")
    messages = [
        (r.name, r.getMessage())
        for r in canary_crawl.logs
        if not r.name.startswith("httpx")  # the test's own client, not the application
    ]
    in_logs = sorted(
        {
            f"LEAK: {c.label} ({c.kind}) in a log line of {name}: {message[:160]}"
            for name, message in messages
            for c in cw.canaries
            if c.value in message
        }
    )
    problems = unknown + in_logs + crashes + unreachable(app, fetches) + _leaks(cw, fetches)
    # the crawl really reached content: each reader saw some of what they may see
    present = _present(cw.canaries)
    labels: dict[str, list[str]] = defaultdict(list)
    for c in cw.canaries:
        labels[c.value].append(c.label)
    seen = {(got.role, label) for got in fetches for v in present(got.text) for label in labels[v]}
    expected = [
        (role, "room staff note (general)")
        for role in ("observer", "p2", "organizer", "translator")
    ]
    expected += [
        (role, "translation of a revealed proposal")
        for role in ("p1", "observer", "facilitator", "translator")
    ]
    expected += [
        ("translator", "revealed proposal (chatham)"),
        ("p2", "translation of a room note"),
    ]
    expected += [
        (role, "published paragraph of a text in another language (in the JSON export)")
        for role in ("p1", "observer")
    ]
    expected += [("facilitator", "draft paragraph of a text in another language")]
    expected += [
        ("rapporteur", "private staff note (general)"),
        ("p1", "participant's private note (general)"),
    ]
    problems += [
        f"the crawl never showed {role} the {what}"
        for role, what in expected
        if (role, what) not in seen
    ]
    exported = [got for got in fetches if "/summary/export" in got.path and got.status == 200]
    for got in exported:
        if got.content_type.startswith("application/pdf"):
            continue  # glyph-encoded text: covered through the HTML the PDF is made from
        for label in ("revealed proposal (on_record)", "summary staff note (general)"):
            if (got.role, label) not in {
                (got.role, c.label) for c in cw.canaries if c.value in got.text
            }:
                problems.append(f"POST {got.url}: the export lacks the {label}")
    assert not problems, "\n".join(problems)


def test_the_crawl_catches_leaks_unknown_and_unreachable_routes(app, settings, database) -> None:
    """The crawl is not vacuous: a leaky route, a route with an unknown parameter and a
    route no role can reach all fail it."""
    from app.errors import NotFound

    with TestClient(app):
        cw = seed(app, settings, database)
        names = [c.value for c in cw.canaries if c.kind == "name"]

        @app.get("/w/{workshop_id}/leaky-roster")
        async def leaky(workshop_id: str) -> dict[str, list[str]]:
            return {"names": names}

        @app.get("/w/{workshop_id}/mystery/{gizmo_id}")
        async def mystery(workshop_id: str, gizmo_id: str) -> dict[str, str]:
            return {}

        @app.get("/w/{workshop_id}/nowhere")
        async def nowhere(workshop_id: str) -> dict[str, str]:
            raise NotFound()

        clients = {role: cw.browsers[role].client for role in ("p2", "anonymous")}
        starts, unknown = start_urls(app, cw.params)
        wid = cw.world.workshop.id
        fetches: list[Fetch] = []
        for role, client in clients.items():
            crawler = Crawler(role, client)
            fetches.extend(crawler.crawl([f"/w/{wid}/leaky-roster", f"/w/{wid}/nowhere"]))
    assert (
        "GET /w/{workshop_id}/mystery/{gizmo_id}: no seeded value for path parameter gizmo_id"
        in unknown
    )
    leaks = _leaks(cw, fetches)
    assert any("name of p1 (name) seen by anonymous" in leak for leak in leaks), leaks
    assert not any("name of p2 (name) seen by p2" in leak for leak in leaks)
    assert any(
        "/w/{workshop_id}/nowhere answered 200 to no role" in p for p in unreachable(app, fetches)
    )
    assert starts and all(not url.startswith("/static/") for url in starts)
