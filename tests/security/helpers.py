"""Helpers for the security tests: session rows, Set-Cookie parsing, a second browser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts.models import AuthSession
from app.db import Database


def session_rows(database: Database) -> list[AuthSession]:
    with database.session() as db:
        return list(db.exec(select(AuthSession)))


def set_cookies(response: Any) -> dict[str, str]:
    """Set-Cookie headers of a response, by cookie name (the raw header line)."""
    out: dict[str, str] = {}
    for line in response.headers.get_list("set-cookie"):
        out[line.split("=", 1)[0]] = line
    return out


def attributes(line: str) -> dict[str, str]:
    """The attributes of one Set-Cookie line, lower-cased names (flags map to '')."""
    parts = [p.strip() for p in line.split(";")[1:]]
    attrs: dict[str, str] = {}
    for part in parts:
        name, _, value = part.partition("=")
        attrs[name.lower()] = value
    return attrs


def fresh(client: TestClient, **kw: Any) -> TestClient:
    """Another browser on the same app: no cookies shared with `client`."""
    return TestClient(client.app, base_url=str(client.base_url), **kw)


def unsafe_routes(app: Any, prefix: str = "/") -> list[tuple[str, str]]:
    """(method, path template) of every state-changing route, read from the app itself."""
    from fastapi.routing import iter_route_contexts

    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        for method in sorted((route.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            if path.startswith(prefix):
                found.append((method, path))
    return found


def fill(path: str, value: str = "0" * 32) -> str:
    import re

    return re.sub(r"{[^}]+}", value, path)
