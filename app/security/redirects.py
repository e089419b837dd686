"""Where to send someone back to: a local path only (never another site, never a scheme)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from starlette.requests import Request

MAX_NEXT = 500


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default` (open redirects refused)."""
    if not target or len(target) > MAX_NEXT or not target.startswith("/"):
        return default
    if target.startswith("//") or "\\" in target or any(ch <= " " for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def here(request: Request) -> str:
    """This request's path and query, to come back to after a detour (sign-in, rules)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def with_next(path: str, target: str) -> str:
    return f"{path}?next={quote(target, safe='/')}"
