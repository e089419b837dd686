"""The crawler behind the canary and door tests: every GET route, as every role.

A test-only ASGI middleware records, per request, the route template, the status and the
policy checks that ran (`policy.recorded()`, as datasette's assert_permissions_checked does).
The crawler substitutes path parameters from the seeded ids, follows the links it finds
(href, hx-get), asks for each htmx fragment named in hx-get attributes, reads the first
lines of every event stream, and keeps every response body for the canary checks.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import policy

PARAM_RE = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?}")
LINK_RE = re.compile(r"""(?:href|hx-get|data-live-url)\s*=\s*["']([^"']+)["']""")
FRAGMENT_RE = re.compile(r"[?&]fragment=([A-Za-z0-9_]+)")
SKIP_PREFIXES = ("/static/", "/api/docs", "/api/openapi.json", "/docs")
MAX_PAGES_PER_ROLE = 600
SSE_LINES = 4


@dataclass
class Record:
    method: str
    path: str
    query: str
    route: str | None
    status: int
    checks: list[tuple[str, str]]


class PolicyRecorder:
    """Test-only outermost middleware: what the policy checked during each request."""

    def __init__(self, app: ASGIApp, records: list[Record]) -> None:
        self.app = app
        self.records = records

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                route = scope.get("route")
                self.records.append(
                    Record(
                        method=scope["method"],
                        path=scope["path"],
                        query=scope.get("query_string", b"").decode("latin-1"),
                        route=getattr(route, "path", None),
                        status=message["status"],
                        checks=policy.recorded(),
                    )
                )
            await send(message)

        await self.app(scope, receive, recording_send)


def install_recorder(app: FastAPI) -> list[Record]:
    records: list[Record] = []
    app.add_middleware(PolicyRecorder, records=records)
    return records


@dataclass(frozen=True)
class RouteInfo:
    path: str
    path_regex: re.Pattern[str]
    query: tuple[tuple[str, bool], ...]  # (name, required)


def get_routes(app: FastAPI) -> list[RouteInfo]:
    """Every GET route the application has (pages, fragments, JSON, streams, exports)."""
    routes: list[RouteInfo] = []
    for context in iter_route_contexts(app.routes):
        path = context.path
        methods = context.methods or set()
        if not path or "GET" not in methods or path.startswith(SKIP_PREFIXES):
            continue
        dependant = getattr(context, "dependant", None)
        query = tuple(
            (q.name, bool(q.field_info.is_required()))
            for q in (dependant.query_params if dependant else [])
        )
        routes.append(RouteInfo(path=path, path_regex=context.path_regex, query=query))
    return routes


def expand(path: str, params: Mapping[str, list[str]]) -> list[str]:
    """All URLs for a route template, one per combination of the seeded values."""
    names = PARAM_RE.findall(path)
    missing = [n for n in names if not params.get(n)]
    if missing:
        raise KeyError(", ".join(missing))
    urls = []
    for combo in itertools.product(*(params[n] for n in names)):
        url = path
        for name, value in zip(names, combo, strict=True):
            url = PARAM_RE.sub(lambda m, n=name, v=value: v if m.group(1) == n else m.group(0), url)
        urls.append(url)
    return urls


@dataclass
class Fetch:
    role: str
    url: str
    status: int
    content_type: str
    text: str
    fragment: str | None = None
    location: str | None = None
    headers: str = ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def internal_links(html: str) -> list[str]:
    links = []
    for raw in LINK_RE.findall(html):
        url = unescape(raw).strip()
        if not url.startswith("/") or url.startswith("//"):
            continue
        url = url.split("#", 1)[0]
        if not url or url.startswith(SKIP_PREFIXES):
            continue
        links.append(url)
    return links


@dataclass
class Crawler:
    """Fetch every URL reachable for one role; keep all bodies."""

    role: str
    client: TestClient
    fetches: list[Fetch] = field(default_factory=list)
    seen: set[tuple[str, str | None]] = field(default_factory=set)
    status: dict[str, int] = field(default_factory=dict)  # path (no query) -> status

    def fetch(self, url: str, *, fragment: str | None = None) -> Fetch | None:
        """None if already fetched, or if it is a query variant of a path that answered 404
        (the object is not this role's to see, whatever the query: `?to=` on someone else's
        note, `?item=` on a console the role may not open)."""
        key = (url, fragment)
        if key in self.seen or len(self.seen) >= MAX_PAGES_PER_ROLE:
            return None
        parts = urlsplit(url)
        if fragment is None and parts.query and self.status.get(parts.path) == 404:
            return None
        self.seen.add(key)
        headers = {"HX-Request": "true"} if fragment else {}
        with self.client.stream("GET", url, headers=headers, follow_redirects=False) as response:
            ctype = response.headers.get("content-type", "")
            if ctype.startswith("text/event-stream"):
                lines: list[str] = []
                for line in response.iter_lines():
                    lines.append(line)
                    if len([x for x in lines if x.strip()]) >= SSE_LINES or line.startswith(
                        "data:"
                    ):
                        break
                text = "\n".join(lines)
            else:
                response.read()
                text = response.content.decode("utf-8", errors="replace")
            got = Fetch(
                role=self.role,
                url=url,
                status=response.status_code,
                content_type=ctype,
                text=text,
                fragment=fragment,
                location=response.headers.get("location"),
                headers="\n".join(f"{k}: {v}" for k, v in response.headers.items()),
            )
        self.fetches.append(got)
        if not parts.query:
            self.status[parts.path] = got.status
        return got

    def crawl(self, start: Iterable[str]) -> list[Fetch]:
        queue = list(start)
        while queue:
            url = queue.pop(0)
            got = self.fetch(url)
            if got is None:
                continue
            if got.location and got.location.startswith("/"):
                queue.append(got.location.split("#", 1)[0])
            if "text/html" not in got.content_type:
                continue
            for link in internal_links(got.text):
                fragments = FRAGMENT_RE.findall(link)
                if fragments:
                    for name in fragments:
                        self.fetch(link, fragment=name)
                    base = _without_fragment(link)
                    if base:
                        queue.append(base)
                else:
                    queue.append(link)
            for name in set(FRAGMENT_RE.findall(got.text)):
                self.fetch(_with_fragment(url, name), fragment=name)
        return self.fetches


def _with_fragment(url: str, name: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k != "fragment"}
    query["fragment"] = name
    return f"{parts.path}?{urlencode(query)}"


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k != "fragment"}
    return f"{parts.path}?{urlencode(query)}" if query else parts.path


def route_of(app: FastAPI, path: str, routes: list[RouteInfo] | None = None) -> str | None:
    """The route template that serves a path (GET), if any."""
    for route in routes if routes is not None else get_routes(app):
        if route.path_regex.match(path):
            return route.path
    return None


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


# Values for query parameters of GET routes (a route whose required query parameter is not
# known here fails the crawl, like an unknown path parameter).
QUERY_VALUES: dict[str, list[str]] = {
    "to": ["private", "team", "room", "summary"],
}


def start_urls(app: FastAPI, params: Mapping[str, list[str]]) -> tuple[list[str], list[str]]:
    """Every GET route expanded with the seeded values; and the routes it cannot fill."""
    urls: list[str] = ["/"]
    unknown: list[str] = []
    for route in get_routes(app):
        try:
            base = expand(route.path, params)
        except KeyError as exc:
            unknown.append(f"GET {route.path}: no seeded value for path parameter {exc.args[0]}")
            continue
        urls.extend(base)
        for name, required in route.query:
            values = params.get(f"?{name}") or QUERY_VALUES.get(name)
            if values is None:
                if required:
                    unknown.append(f"GET {route.path}: no value for query parameter {name}")
                continue
            urls.extend(f"{url}?{urlencode({name: v})}" for url in base for v in values)
    return urls, unknown


def crawl_all(
    app: FastAPI, clients: Mapping[str, TestClient], params: Mapping[str, list[str]]
) -> tuple[list[Fetch], list[str]]:
    starts, unknown = start_urls(app, params)
    fetches: list[Fetch] = []
    for role, client in clients.items():
        fetches.extend(Crawler(role, client).crawl(starts))
    return fetches, unknown


def unreachable(app: FastAPI, fetches: Iterable[Fetch]) -> list[str]:
    """GET routes that answered 200 to no role: the crawl does not know how to reach them."""
    seen: dict[str, set[int]] = {}
    routes = get_routes(app)
    for got in fetches:
        template = route_of(app, got.path, routes)
        if template:
            seen.setdefault(template, set()).add(got.status)
    problems = []
    for route in routes:
        statuses = seen.get(route.path, set())
        if 200 not in statuses:
            problems.append(
                f"GET {route.path} answered 200 to no role (saw {sorted(statuses) or 'nothing'}): "
                "seed what it needs in tests/policy/canary.py so the crawl covers it"
            )
    return problems


# -- exports (POST: an export writes an audit entry, and no GET changes state) ---------------


def export_routes(app: FastAPI) -> list[str]:
    """Every POST route under /summary/export: each format the application offers."""
    found = []
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if "POST" in (context.methods or set()) and "/summary/export" in path:
            found.append(path)
    return found


def export_text(content_type: str, body: bytes) -> str:
    """The searchable text of an export: plain for text formats, unpacked for DOCX and PDF."""
    import io
    import zipfile
    import zlib

    if content_type.startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        flat = "\n".join(parts)
        return flat + "\n" + re.sub(r"<[^>]+>", "", flat)  # runs joined, tags dropped
    if content_type.startswith("application/pdf"):
        # metadata and any stream we can inflate; glyph-encoded page text is not searchable
        # here, so the PDF's text is covered through the HTML it is rendered from
        chunks = [body.decode("latin-1")]
        for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
            try:
                chunks.append(zlib.decompress(match.group(1)).decode("latin-1"))
            except zlib.error:
                continue
        return "\n".join(chunks)
    return body.decode("utf-8", errors="replace")


def post_exports(
    role: str, browser: Any, paths: Iterable[str], params: Mapping[str, list[str]]
) -> list[Fetch]:
    fetches = []
    for path in paths:
        for url in expand(path, params):
            response = browser.post(url)
            ctype = response.headers.get("content-type", "")
            fetches.append(
                Fetch(
                    role=role,
                    url=url,
                    status=response.status_code,
                    content_type=ctype,
                    text=export_text(ctype, response.content),
                    location=response.headers.get("location"),
                    headers="\n".join(f"{k}: {v}" for k, v in response.headers.items()),
                )
            )
    return fetches
