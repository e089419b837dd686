"""Sign in and out, the account page (password, API tokens), the home page, language."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import policy
from app.accounts import resume, service
from app.accounts.models import User
from app.config import Settings
from app.deps import DbDep, SettingsDep, StaffDep, ViewerDep
from app.errors import Invalid, TooMany
from app.i18n import SHIPPED
from app.policy import Viewer
from app.security import sessions
from app.security.redirects import safe_next
from app.templating import render
from app.two_step import pages, signin
from app.two_step import service as two_step
from app.views import ApiTokenView
from app.workshops import service as workshops
from app.workshops.present import held_back_views

router = APIRouter(tags=["accounts"])


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    if viewer.is_participant and viewer.workshop_id:
        return RedirectResponse(f"/w/{viewer.workshop_id}", status_code=303)
    if viewer.is_staff:
        rows = workshops.list_for(db, viewer=viewer)
        context = {"workshops": policy.present_all(rows, viewer)}
        context["held_back"] = held_back_views(workshops.held_back(db, viewer=viewer))
        return render(request, "accounts/home.html", context)
    return render(request, "accounts/landing.html")


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request,
    viewer: ViewerDep,
    next: Annotated[str, Query(max_length=500)] = "",
    expired: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    if viewer.is_staff:
        return RedirectResponse(safe_next(next), status_code=303)
    context = {"values": {}, "errors": {}, "next": safe_next(next), "expired": bool(expired)}
    return render(request, "accounts/login.html", context)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    action, fields = resume.from_login_form(await request.form())
    try:
        user = service.authenticate(
            db, settings, email=email, password=password, client=client_key(request)
        )
    except (Invalid, TooMany) as exc:
        status = 429 if isinstance(exc, TooMany) else 400
        refused: dict[str, Any] = {"values": {"email": email}, "errors": {"form": exc.message}}
        refused["next"] = safe_next(next)
        if action:
            refused["resume"] = {"action": action, "fields": fields}
        return render(request, "accounts/login.html", refused, status=status)
    if two_step.is_active(db, user.id):  # the password alone makes no session: a code next
        token = signin.begin(db, settings, user=user)
        return pages.second_step(
            request, settings, next=next, action=action, fields=fields, token=token
        )
    return finish_sign_in(request, db, settings, user, next=next, action=action, fields=fields)


def finish_sign_in(
    request: Request,
    db: Session,
    settings: Settings,
    user: User,
    *,
    next: str,
    action: str,
    fields: dict[str, str],
) -> Response:
    """A new staff session (rotated), then the interrupted form to send again, or `next`."""
    sessions.end(db, sessions.token_from(request, settings))  # rotation: never reuse an id
    new = sessions.create(db, settings, kind="staff", user_id=user.id)
    if action:  # the form the expired session interrupted, filled in, to send again
        request.state.csrf_token = new.row.csrf_token
        request.state.me = {"kind": "staff", "name": user.display_name, "email": user.email}
        again = {"action": action, "fields": fields}
        response: Response = render(request, "accounts/resume.html", again)
    else:
        response = RedirectResponse(safe_next(next), status_code=303)
    sessions.set_cookie(response, settings, sessions.session_cookie(settings), new.token)
    sessions.set_cookie(response, settings, sessions.staff_hint_cookie(settings), "1")
    sessions.clear_cookie(response, settings, signin.cookie(settings))
    return response


@router.post("/logout")
async def logout(request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep) -> Response:
    """Staff land on the sign-in page; participants on a page that says how to come back."""
    sessions.end(db, sessions.token_from(request, settings))
    target = "/signed-out" if viewer.is_participant else "/login"
    response = RedirectResponse(target, status_code=303)
    sessions.clear_cookie(response, settings, sessions.session_cookie(settings))
    sessions.clear_cookie(response, settings, sessions.author_cookie(settings))
    sessions.clear_cookie(response, settings, sessions.staff_hint_cookie(settings))
    return response


def account_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    errors: dict[str, str] | None = None,
    new_token: str | None = None,
    message: str | None = None,
    status: int = 200,
    recovery_codes: list[str] | None = None,
    next: str = "",
) -> Response:
    tokens = [
        ApiTokenView(id=t.id, name=t.name, created_on=t.created_at.date())
        for t in service.list_api_tokens(db, viewer=viewer)
    ]
    settings: Settings = request.app.state.settings
    context: dict[str, Any] = {"tokens": tokens, "errors": errors or {}, "new_token": new_token}
    context["message"] = message
    context["two_step"] = pages.account_section(db, settings, viewer, recovery_codes=recovery_codes)
    context["next"] = safe_next(next, "")
    return render(request, "accounts/account.html", context, status=status)


@router.get("/account", response_class=HTMLResponse)
async def account(
    request: Request,
    db: DbDep,
    viewer: StaffDep,
    next: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    return account_page(request, db, viewer, next=next)


@router.post("/account/password", response_class=HTMLResponse)
async def change_password(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: StaffDep,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        service.change_password(
            db, settings, viewer=viewer, current=current, new=new, confirm=confirm
        )
    except Invalid as exc:
        return account_page(request, db, viewer, errors=exc.errors, status=exc.status_code)
    return account_page(
        request, db, viewer, message="Your password was changed. Other sessions were signed out."
    )


@router.post("/account/tokens", response_class=HTMLResponse)
async def create_token(
    request: Request, db: DbDep, viewer: StaffDep, name: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    try:
        token = service.create_api_token(db, viewer=viewer, name=name)
    except Invalid as exc:
        return account_page(request, db, viewer, errors=exc.errors, status=422)
    db.flush()
    return account_page(request, db, viewer, new_token=token)


@router.post("/account/tokens/{token_id}/delete")
async def delete_token(token_id: str, db: DbDep, viewer: StaffDep) -> Response:
    service.revoke_api_token(db, viewer=viewer, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/language")
async def choose_language(
    request: Request,
    settings: SettingsDep,
    language: Annotated[str, Form(max_length=8)] = "en",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    if language not in SHIPPED:
        raise Invalid("Choose one of the offered languages.", field="language")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        "tt_lang",
        language,
        max_age=365 * 24 * 3600,
        path="/",
        samesite="lax",
        secure=settings.https,
        httponly=True,
    )
    return response
