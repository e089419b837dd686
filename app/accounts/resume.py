"""After a staff session expired: back to where the person was, with what they had typed.

A form posted on an expired session is not lost: the sign-in page carries its text fields
(never passwords or codes) as hidden inputs, and once signed in the person is shown the form
again, filled in, to send with one press. A page asked for on an expired session sends them
to sign in with `next` (a local path only) and back there afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

from app.security.redirects import safe_next

PREFIX = "resume."
KEEP_OUT = frozenset({"csrf_token", "password", "current", "new", "confirm", "code", "token"})
MAX_CARRIED = 60_000  # characters: more than any of our forms holds


def carried(form: Mapping[str, Any]) -> dict[str, str]:
    """The text fields worth keeping from a form: no secrets, within a size."""
    kept = {
        k: v
        for k, v in form.items()
        if isinstance(v, str) and k not in KEEP_OUT and not k.startswith(PREFIX)
    }
    return kept if sum(len(k) + len(v) for k, v in kept.items()) <= MAX_CARRIED else {}


def from_login_form(form: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The form to resume after sign-in (its action, its fields), as the sign-in page sent them."""
    action = form.get("resume_action")
    target = safe_next(action if isinstance(action, str) else None, "")
    fields = {
        k.removeprefix(PREFIX): v
        for k, v in form.items()
        if k.startswith(PREFIX) and isinstance(v, str) and k.removeprefix(PREFIX) not in KEEP_OUT
    }
    return (target, fields) if target and fields else ("", {})


def expired(request: Request) -> bool:
    return bool(getattr(request.state, "session_expired", False))
