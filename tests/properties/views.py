"""What a viewer receives, with only the DECLARED per-viewer and schedule parts masked.

Declared per-viewer parts (everything else must be the same for any two viewers who differ
only in what they wrote):

- HTML: every element carrying `data-viewer-part` (own pending proposals and critiques and
  their forms, "yours", the own reaction, the own marks of a text, the own note, the own
  sign-off), removed with its content;
- JSON: the values of the keys in VIEWER_KEYS, and the viewer's own items of the lists in
  OWN_ITEMS (the own pending proposals; the own private notes);
- per-request nonces (CSRF tokens, form idempotency keys, an event stream's randomly drawn
  reconnection delay) and the viewer's own display name.

Declared schedule parts (staff data, the only clock times a participant may be shown): HTML
elements carrying `data-schedule-time`, and the JSON keys in SCHEDULE_KEYS (the agenda's
session clock times and the TimerView fields).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient

from app.room.present import TimerView

VIEWER_ATTR = "data-viewer-part"
SCHEDULE_ATTR = "data-schedule-time"
VIEWER_KEYS = frozenset({"mine", "my_reaction", "my_mark", "signed", "signed_version"})
OWN_ITEMS: Mapping[str, Callable[[Any], bool]] = {
    "pending": lambda item: True,  # a participant's pending list holds only their own
    "notes": lambda item: isinstance(item, dict) and item.get("mine") is True,
}
SCHEDULE_KEYS = frozenset({"start_time", "end_time"} | {f.name for f in fields(TimerView)})
NONCE_RES = (
    re.compile(r'name="(?:csrf_token|idempotency_key)" value="([^"]+)"'),
    re.compile(r'"X-CSRF-Token": "([^"]+)"'),
)
RETRY_RE = re.compile(r"^retry: \d+$", re.M)  # drawn afresh for every stream (app.live.routes)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
LINK_RE = re.compile(r"""(?:href|hx-get|data-live-url)\s*=\s*["']([^"']+)["']""")
FRAGMENT_RE = re.compile(r"[?&]fragment=([A-Za-z0-9_]+)")
SKIP = ("/static/", "/api/docs", "/api/openapi.json", "/docs", "/logout")
MAX_URLS = 400


def _element_re(attr: str) -> re.Pattern[str]:
    return re.compile(rf"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\s{attr}\b[^>]*>")


def _end_of(html: str, name: str, start: int) -> int:
    """Where the element opened just before `start` closes (its same-name tags balanced)."""
    depth = 1
    for tag in re.finditer(rf"<(/?){name}\b[^>]*>", html[start:], flags=re.I):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start + tag.end()
    raise AssertionError(f"<{name}> opened at {start} is never closed")


def drop_elements(html: str, attr: str) -> str:
    """The HTML without every element that carries `attr` (and its content)."""
    pattern = _element_re(attr)
    out, pos = [], 0
    while (match := pattern.search(html, pos)) is not None:
        out.append(html[pos : match.start()])
        name = match.group(1).lower()
        void = name in VOID or match.group(0).endswith("/>")
        pos = match.end() if void else _end_of(html, name, match.end())
    out.append(html[pos:])
    return "".join(out)


def _mask_json(value: Any, drop: frozenset[str], own: bool) -> Any:
    """`drop`: keys whose values are masked; `own`: leave out the viewer's own list items."""
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            if key in drop:
                out[key] = "<declared>"
            elif own and key in OWN_ITEMS and isinstance(inner, list):
                mine = OWN_ITEMS[key]
                out[key] = [_mask_json(i, drop, own) for i in inner if not mine(i)]
            else:
                out[key] = _mask_json(inner, drop, own)
        return out
    if isinstance(value, list):
        return [_mask_json(v, drop, own) for v in value]
    return value


def mask(
    text: str,
    content_type: str,
    *,
    me: str | None = None,
    viewer: bool = True,
    schedule: bool = True,
) -> str:
    """A response body with the declared per-viewer parts (if `viewer`) and schedule parts
    (if `schedule`) masked, and whitespace runs across lines collapsed (a removed element
    leaves its template's indentation behind)."""
    if "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            drop = (VIEWER_KEYS if viewer else frozenset()) | (
                SCHEDULE_KEYS if schedule else frozenset()
            )
            text = json.dumps(
                _mask_json(data, drop, viewer), indent=1, sort_keys=True, ensure_ascii=False
            )
    elif "html" in content_type:
        if viewer:
            text = drop_elements(text, VIEWER_ATTR)
        if schedule:
            text = drop_elements(text, SCHEDULE_ATTR)
    for pattern in NONCE_RES:
        for nonce in set(pattern.findall(text)):
            text = text.replace(nonce, "<nonce>")
    if "event-stream" in content_type:
        text = RETRY_RE.sub("retry: <nonce>", text)
    if me:
        text = text.replace(me, "<me>")
    return re.sub(r"[ \t]*\n\s*", "\n", text)


@dataclass(frozen=True)
class Got:
    url: str
    status: int
    content_type: str
    location: str | None
    text: str

    def masked(self, me: str | None = None, *, schedule: bool = True) -> str:
        head = f"{self.status} {self.content_type.split(';')[0]} -> {self.location or ''}\n"
        return head + mask(self.text, self.content_type, me=me, schedule=schedule)


def fetch(client: TestClient, url: str) -> Got:
    """GET as a browser (or htmx, for ?fragment=) would; an event stream's first events."""
    headers = {"HX-Request": "true"} if FRAGMENT_RE.search(url) else {}
    with client.stream("GET", url, headers=headers, follow_redirects=False) as response:
        ctype = response.headers.get("content-type", "")
        if ctype.startswith("text/event-stream"):
            lines: list[str] = []
            for line in response.iter_lines():  # the first event; the stream then waits
                lines.append(line)
                if line.startswith("data:"):
                    break
            text = "\n".join(lines)
        else:
            response.read()
            text = response.content.decode("utf-8", errors="replace")
        return Got(url, response.status_code, ctype, response.headers.get("location"), text)


def links(got: Got, masked: str) -> list[str]:
    """Internal links of a masked page, plus each htmx fragment it names."""
    if "html" not in got.content_type:
        return [got.location] if got.location and got.location.startswith("/") else []
    found = []
    for raw in LINK_RE.findall(masked):
        url = unescape(raw).strip().split("#", 1)[0]
        if url.startswith("/") and not url.startswith("//") and not url.startswith(SKIP):
            found.append(url)
    for name in set(FRAGMENT_RE.findall(masked)):
        parts = urlsplit(got.url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items() if k != "fragment"}
        found.append(f"{parts.path}?{urlencode({**query, 'fragment': name})}")
    return found


def crawl(client: TestClient, start: Iterable[str], *, me: str | None = None) -> dict[str, Got]:
    """Every URL reachable from `start` for one client, following only the links of the
    masked pages (so two viewers who may see the same reach the same URLs)."""
    queue = list(dict.fromkeys(start))
    got: dict[str, Got] = {}
    while queue and len(got) < MAX_URLS:
        url = queue.pop(0)
        if url in got:
            continue
        got[url] = fetch(client, url)
        queue.extend(link for link in links(got[url], got[url].masked(me)) if link not in got)
    return got


def differences(
    left: Mapping[str, Got], right: Mapping[str, Got], *, me: tuple[str | None, str | None]
) -> list[str]:
    """Every URL one side reached and the other did not, and every masked answer that
    differs, as a unified diff."""
    problems = [f"GET {url}: reached on one side only" for url in left.keys() ^ right.keys()]
    for url in left.keys() & right.keys():
        a, b = left[url].masked(me[0]), right[url].masked(me[1])
        if a != b:
            diff = difflib.unified_diff(
                a.splitlines(), b.splitlines(), "left", "right", n=2, lineterm=""
            )
            problems.append(f"GET {url} differs:\n" + "\n".join(list(diff)[:60]))
    return sorted(problems)
