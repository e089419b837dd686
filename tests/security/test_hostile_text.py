"""Hostile text in every free-text field, every page and fragment, as every role, in every
shipped locale: no 5xx, and no markup of the user's left unescaped.

The crawl (tests/policy/crawl.py) follows every link and fragment in English; each other
locale then fetches one address per route and fragment it found."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.i18n import SHIPPED
from tests.policy.crawl import Crawler, Fetch, route_of, start_urls
from tests.security.hostile import MARK, SHORT, seed

pytestmark = pytest.mark.slow


def _problems(fetches: list[Fetch], locale: str) -> list[str]:
    found = []
    for got in fetches:
        where = f"[{locale}] {got.role} GET {got.url}" + (
            f" [fragment {got.fragment}]" if got.fragment else ""
        )
        if got.status >= 500:
            found.append(f"{where} -> {got.status}")
        html = "text/html" in got.content_type or "event-stream" in got.content_type
        if html and MARK in got.text:
            found.append(f"{where}: the user's <script> is in the page unescaped")
    return found


def test_hostile_text_breaks_no_page_in_any_locale_for_any_role(app, settings, database) -> None:
    problems: list[str] = []
    with TestClient(app):
        hw = seed(app, settings, database)
        starts, _unknown = start_urls(app, hw.params)
        reached = 0
        for role, browser in hw.browsers.items():
            client = browser.client
            client.cookies.set("tt_lang", "en")
            english = Crawler(role, client).crawl(starts)
            problems += _problems(english, "en")
            reached += sum(1 for got in english if got.status == 200 and "Title 50%" in got.text)
            one_each: dict[tuple[str | None, str | None], Fetch] = {}
            for got in english:
                one_each.setdefault((route_of(app, got.path), got.fragment), got)
            for locale in SHIPPED:
                if locale == "en":
                    continue
                client.cookies.set("tt_lang", locale)
                crawler = Crawler(role, client)
                for got in one_each.values():
                    crawler.fetch(got.url, fragment=got.fragment)
                problems += _problems(crawler.fetches, locale)
            client.cookies.set("tt_lang", "en")
    assert reached > 20, "the crawl never reached the seeded pages"
    assert not problems, "\n".join(problems[:40])
    assert SHORT  # the seed used it
