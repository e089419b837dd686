"""The recovery code, held until the participant confirms they kept it: in their own cookie.

The server never stores the code in clear (only its lookup hash, app.roster.service). So
that the code page can be shown again (a reload, a lost tab) without a re-post, the code
travels back to the participant's browser sealed with AES-256-GCM under a key derived from
the application secret, bound to the participant's id, in an HttpOnly, SameSite=Lax
cookie (Secure behind TLS) that lives at most a day and is deleted when they confirm. The
author cookie that browser already holds is derived from the same code, so the sealed copy
adds nothing to what that browser can do; it only keeps the code off disks and logs in
clear, and off other participants' browsers (the seal is bound to one participant).
"""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

from app.config import Settings
from app.security import crypto, sessions

MAX_AGE = 24 * 3600


def _key(settings: Settings) -> bytes:
    return hashlib.sha256(
        b"tracktwo/recovery-cookie/v1\x00" + settings.secret_key.encode()
    ).digest()


def cookie(settings: Settings) -> str:
    return sessions.cookie_name(settings, "tt_recovery")


def keep(response: Response, settings: Settings, participant_id: str, code: str) -> None:
    sealed = crypto.encrypt_text(_key(settings), "cookie", participant_id, "recovery", code)
    sessions.set_cookie(response, settings, cookie(settings), sealed, max_age=MAX_AGE)


def read(request: Request, settings: Settings, participant_id: str) -> str | None:
    """The code this participant has not yet confirmed keeping, or None."""
    raw = request.cookies.get(cookie(settings))
    if not raw or len(raw) > 500:
        return None
    try:
        return crypto.decrypt_text(_key(settings), "cookie", participant_id, "recovery", raw)
    except (crypto.DecryptionFailed, ValueError):
        return None


def forget(response: Response, settings: Settings) -> None:
    sessions.clear_cookie(response, settings, cookie(settings))
