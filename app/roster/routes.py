"""Joining with an invitation link, recovering on another device."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import policy
from app.accounts.routes import client_key
from app.deps import DbDep, ParticipantDep, SettingsDep, ViewerDep
from app.errors import Invalid, NotFound, TooMany
from app.roster import code_cookie, service
from app.security import sessions
from app.security.tokens import b64
from app.templating import render

router = APIRouter(tags=["roster"])


def _start_session(
    request: Request, db: DbDep, settings: SettingsDep, claimed: service.Claimed
) -> sessions.NewSession:
    """A new session id (rotation); the page rendered next carries its CSRF token."""
    sessions.end(db, sessions.token_from(request, settings))
    new = sessions.create(db, settings, kind="participant", participant_id=claimed.participant.id)
    request.state.csrf_token = new.row.csrf_token
    request.state.me = {"kind": "participant", "name": None, "email": None}
    return new


def _set_cookies(
    response: Response, settings: SettingsDep, claimed: service.Claimed, new: sessions.NewSession
) -> None:
    sessions.set_cookie(response, settings, sessions.session_cookie(settings), new.token)
    sessions.set_cookie(
        response,
        settings,
        sessions.author_cookie(settings),
        b64(claimed.secret),
        max_age=400 * 24 * 3600,
    )


@router.get("/join/{token}", response_class=HTMLResponse)
async def join_page(token: str, request: Request, db: DbDep) -> Response:
    """Confirm before claiming: a GET never uses up the link (previews, scanners)."""
    try:
        workshop = service.invitation_workshop(db, token)
    except NotFound as exc:
        return render(request, "roster/join_invalid.html", {"message": exc.message}, status=404)
    return render(request, "roster/join.html", {"token": token, "title": workshop.title})


@router.post("/join/{token}", response_class=HTMLResponse)
async def join(token: str, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    try:
        claimed = service.claim(db, settings, token=token, client=client_key(request))
    except (NotFound, TooMany) as exc:
        status = 429 if isinstance(exc, TooMany) else 404
        return render(request, "roster/join_invalid.html", {"message": exc.message}, status=status)
    new = _start_session(request, db, settings, claimed)
    workshop_id = claimed.participant.workshop_id
    response = RedirectResponse(f"/w/{workshop_id}/recovery-code", status_code=303)
    _set_cookies(response, settings, claimed, new)
    code_cookie.keep(response, settings, claimed.participant.id, claimed.recovery_code)
    return response


def _own_workshop(viewer: ParticipantDep, workshop_id: str) -> str:
    return policy.own_participant(viewer, workshop_id)


@router.get("/w/{workshop_id}/recovery-code", response_class=HTMLResponse)
async def recovery_code(
    workshop_id: str, request: Request, settings: SettingsDep, viewer: ParticipantDep
) -> Response:
    """Shown again on every visit until the participant confirms they kept it (no re-post)."""
    code = code_cookie.read(request, settings, _own_workshop(viewer, workshop_id))
    return render(request, "roster/recovery_code.html", {"code": code, "workshop_id": workshop_id})


@router.post("/w/{workshop_id}/recovery-code/kept")
async def recovery_code_kept(
    workshop_id: str, settings: SettingsDep, viewer: ParticipantDep
) -> Response:
    _own_workshop(viewer, workshop_id)
    response = RedirectResponse(f"/w/{workshop_id}", status_code=303)
    code_cookie.forget(response, settings)
    return response


@router.get("/signout", response_class=HTMLResponse)
async def signout_page(request: Request, viewer: ViewerDep) -> Response:
    """Before a participant signs out: without the recovery code there is no way back."""
    if not viewer.is_participant:
        return RedirectResponse("/", status_code=303)
    return render(request, "roster/signout.html", {"workshop_id": viewer.workshop_id})


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out(request: Request) -> Response:
    return render(request, "roster/signed_out.html")


@router.get("/recover", response_class=HTMLResponse)
async def recover_form(request: Request) -> Response:
    return render(request, "roster/recover.html", {"errors": {}})


@router.post("/recover", response_class=HTMLResponse)
async def recover(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        claimed = service.recover(db, settings, code=code, client=client_key(request))
    except (Invalid, TooMany) as exc:
        status = 429 if isinstance(exc, TooMany) else 400
        return render(
            request, "roster/recover.html", {"errors": {"code": exc.message}}, status=status
        )
    new = _start_session(request, db, settings, claimed)
    response = RedirectResponse(f"/w/{claimed.participant.workshop_id}", status_code=303)
    _set_cookies(response, settings, claimed, new)
    return response
