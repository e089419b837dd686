"""Two-step sign-in pages: the second step of a sign-in, and the account page's set-up,
turning off and new recovery codes (each form re-draws the account page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import resume
from app.accounts.routes import account_page, client_key, finish_sign_in
from app.deps import DbDep, SettingsDep, StaffDep
from app.errors import Invalid, TooMany
from app.i18n import N_
from app.security.redirects import safe_next, with_next
from app.templating import render
from app.two_step import pages, service, signin

router = APIRouter(tags=["accounts"])
Code = Annotated[str, Form(max_length=64)]
Password = Annotated[str, Form(max_length=1024)]
Next = Annotated[str, Form(max_length=500)]


@router.get("/login/two-step", response_class=HTMLResponse)
async def second_step_form(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Reloaded while a sign-in waits for its code: the form again; otherwise, sign in."""
    if not signin.is_pending(db, request.cookies.get(signin.cookie(settings))):
        return RedirectResponse("/login", status_code=303)
    return pages.second_step(request, settings, next="/")


@router.post("/login/two-step", response_class=HTMLResponse)
async def second_step(
    request: Request, db: DbDep, settings: SettingsDep, code: Code = "", next: Next = ""
) -> Response:
    action, fields = resume.from_login_form(await request.form())
    token = request.cookies.get(signin.cookie(settings))
    try:
        user = signin.complete(db, settings, token=token, code=code, client=client_key(request))
    except signin.PendingExpired as exc:
        again: dict[str, Any] = {"values": {}, "errors": {"form": exc.message}, "next": next}
        if action:
            again["resume"] = {"action": action, "fields": fields}
        return render(request, "accounts/login.html", again, status=401)
    except (Invalid, TooMany) as exc:
        return pages.second_step(
            request,
            settings,
            next=next,
            action=action,
            fields=fields,
            error=exc.message,
            status=429 if isinstance(exc, TooMany) else 400,
        )
    return finish_sign_in(request, db, settings, user, next=next, action=action, fields=fields)


def _back(next: str) -> str:
    target = safe_next(next, "")
    return (with_next("/account", target) if target else "/account") + "#two-step"


@router.post("/account/two-step/start")
async def start(db: DbDep, settings: SettingsDep, viewer: StaffDep, next: Next = "") -> Response:
    service.start(db, settings, viewer=viewer)
    return RedirectResponse(_back(next), status_code=303)


@router.post("/account/two-step/cancel")
async def cancel(db: DbDep, viewer: StaffDep, next: Next = "") -> Response:
    service.cancel(db, viewer=viewer)
    return RedirectResponse(_back(next), status_code=303)


def _refused(request: Request, db: DbDep, viewer: StaffDep, form: str, exc: Invalid) -> Response:
    db.rollback()
    errors = {f"{form}_{name}": text for name, text in exc.errors.items()}
    return account_page(request, db, viewer, errors=errors, status=exc.status_code)


@router.post("/account/two-step/confirm", response_class=HTMLResponse)
async def confirm(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: StaffDep,
    password: Password = "",
    code: Code = "",
    next: Next = "",
) -> Response:
    try:
        fresh = service.confirm(db, settings, viewer=viewer, password=password, code=code)
    except Invalid as exc:
        return _refused(request, db, viewer, "setup", exc)
    db.flush()
    message = N_("Two-step sign-in is on. Other sessions of your account were signed out.")
    return account_page(request, db, viewer, message=message, recovery_codes=fresh, next=next)


@router.post("/account/two-step/disable", response_class=HTMLResponse)
async def disable(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: StaffDep,
    password: Password = "",
    code: Code = "",
) -> Response:
    try:
        service.disable(db, settings, viewer=viewer, password=password, code=code)
    except Invalid as exc:
        return _refused(request, db, viewer, "off", exc)
    db.flush()
    return account_page(request, db, viewer, message=N_("Two-step sign-in is off."))


@router.post("/account/two-step/recovery-codes", response_class=HTMLResponse)
async def recovery_codes(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: StaffDep,
    password: Password = "",
    code: Code = "",
) -> Response:
    try:
        fresh = service.regenerate(db, settings, viewer=viewer, password=password, code=code)
    except Invalid as exc:
        return _refused(request, db, viewer, "codes", exc)
    db.flush()
    message = N_("New recovery codes: the old ones no longer work.")
    return account_page(request, db, viewer, message=message, recovery_codes=fresh)
