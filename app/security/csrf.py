"""CSRF: a per-session token in every form and in htmx's header, plus an Origin check.

Signed-out forms (sign in, invitation, recovery) use a double-submit token: a random value
in a cookie that the form must echo back.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import Request

from app.config import Settings
from app.errors import CsrfFailed

HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def anon_cookie(settings: Settings) -> str:
    return "__Host-tt_csrf" if settings.https else "tt_csrf"


def check_origin(request: Request, settings: Settings) -> None:
    """Refuse a cross-site request: Sec-Fetch-Site, then Origin (or Referer) against our host."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in {"same-origin", "none"}:
        raise CsrfFailed("This request came from another site and was refused.")
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return  # a same-site form post without Origin (old browsers, curl) relies on the token
    parts = urlsplit(origin)
    allowed = {urlsplit(settings.public_base_url).netloc, request.headers.get("host", "")}
    if parts.netloc not in allowed:
        raise CsrfFailed("This request came from another site and was refused.")


async def submitted_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


def tokens_match(expected: str, given: str) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given)
