"""The room box's outbound-traffic guard: it refuses (before any packet) connections and name
lookups outside the machine; and with it on, a crawl of every page of the app as organizer,
rapporteur and participant, under the room's settings, attempts no such connection, and no
page points the browser at another host (scripts, styles, images, forms, links, CSP)."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.venue.guard import OutboundBlocked, outbound_guard
from tests.policy.canary import seed
from tests.policy.crawl import Crawler, start_urls

# http: the crawl's test clients talk plain HTTP to "testserver", and an https:// base would
# make the cookies Secure (the TLS setup itself is tested in test_room.py).
ROOM_URL = "http://192.168.50.10:8443"
ABSOLUTE = re.compile(
    r"""(?:src|href|action|hx-get|hx-post|data-[a-z-]+)\s*=\s*["'](\w+:)?//([^/"']+)"""
)


def test_the_guard_refuses_outside_and_allows_loopback() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        with outbound_guard() as refused:
            with pytest.raises(OutboundBlocked), socket.socket() as sock:
                sock.connect(("192.0.2.1", 80))  # TEST-NET-1: refused before any packet
            with pytest.raises(OutboundBlocked):
                socket.getaddrinfo("example.org", 443)
            with pytest.raises(OutboundBlocked), socket.socket() as sock:
                sock.connect_ex(("203.0.113.9", 443))
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass  # loopback is allowed
            assert socket.getaddrinfo("localhost", port)
        assert refused == ["192.0.2.1:80", "example.org", "203.0.113.9:443"]
        # and it is gone afterwards: a lookup of a local name goes through unguarded
        assert socket.getaddrinfo("127.0.0.1", port)
    finally:
        listener.close()


@pytest.mark.slow
def test_serving_every_page_connects_to_nothing_outside(
    settings: Settings, database: Database
) -> None:
    if not settings.is_sqlite:
        pytest.skip("the room box runs on SQLite (its own var/room/tracktwo.db)")
    room = replace(settings, htmx_source="local", public_base_url=ROOM_URL)
    app = create_app(room, database)
    with outbound_guard() as refused:
        with TestClient(app):
            world = seed(app, room, database)
            starts, _ = start_urls(app, world.params)
            fetches = []
            for role in ("organizer", "rapporteur", "p1", "anonymous"):
                fetches += Crawler(role, world.browsers[role].client).crawl(starts)
    assert len(fetches) > 100, "the crawl reached the app's pages"
    assert sum(f.status == 200 for f in fetches) > 50
    assert refused == [], f"connections outside the machine: {refused}"
    allowed = {urlsplit(ROOM_URL).netloc, "testserver", "www.w3.org"}  # SVG/XML namespaces
    elsewhere = set()
    for fetch in fetches:
        for _scheme, host in ABSOLUTE.findall(fetch.text):
            if host not in allowed:
                elsewhere.add(f"{fetch.url}: {host}")
        for line in fetch.headers.splitlines():
            if line.lower().startswith("content-security-policy:"):
                assert "http" not in line.split(":", 1)[1], line
    assert not elsewhere, f"pages pointing at other hosts: {sorted(elsewhere)[:10]}"
