"""What the two-step pages show: the second step of a sign-in, and the account page's section
(a set-up's QR code and secret, recovery codes once). Shared by app.accounts.routes (the
password step leads here) and app.two_step.routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.config import Settings
from app.policy import Viewer
from app.security import sessions
from app.security.redirects import safe_next
from app.templating import render
from app.two_step import codes, service, signin


@dataclass(frozen=True)
class SetupView:
    """A set-up awaiting its first code: the secret as a QR code, as text and as a URI."""

    qr: str
    secret: str
    uri: str


@dataclass(frozen=True)
class TwoStepView:
    on: bool
    setup: SetupView | None
    codes_left: int
    recovery_codes: list[str] | None
    required_by: list[str]


def second_step(
    request: Request,
    settings: Settings,
    *,
    next: str,
    action: str = "",
    fields: dict[str, str] | None = None,
    token: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The code page; with `token`, the pending sign-in's cookie is set (five minutes)."""
    context: dict[str, Any] = {"next": safe_next(next), "errors": {"code": error} if error else {}}
    if action and fields:
        context["resume"] = {"action": action, "fields": fields}
    response = render(request, "two_step/second_step.html", context, status=status)
    if token:
        sessions.set_cookie(
            response, settings, signin.cookie(settings), token, max_age=signin.PENDING_MINUTES * 60
        )
    return response


def _setup(secret: str, email: str) -> SetupView:
    uri = codes.otpauth_uri(secret, email)
    qr = str(segno.make(uri, error="m", micro=False).svg_data_uri(scale=5, border=4))
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return SetupView(qr=qr, secret=grouped, uri=uri)


def account_section(
    db: Session, settings: Settings, viewer: Viewer, *, recovery_codes: list[str] | None = None
) -> TwoStepView:
    on = service.is_active(db, viewer.user_id)
    pending = None if on else service.pending_secret(db, settings, viewer=viewer)
    return TwoStepView(
        on=on,
        setup=_setup(pending, viewer.email or "") if pending else None,
        codes_left=service.recovery_codes_left(db, viewer=viewer) if on else 0,
        recovery_codes=recovery_codes,
        required_by=service.required_by(db, viewer=viewer) if on else [],
    )
