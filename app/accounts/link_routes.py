"""The pages behind single-use links: joining a workshop's staff by invitation, asking for a
password-reset link on the sign-in page, and setting the new password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import i18n
from app.accounts import invitations, mail
from app.accounts.routes import client_key, finish_sign_in
from app.config import Settings
from app.db import Database
from app.deps import DbDep, SettingsDep, get_database
from app.errors import Invalid, TooMany
from app.templating import render
from app.views import ROLE_LABELS

router = APIRouter(tags=["accounts"])
Password = Annotated[str, Form(max_length=1024)]


def _invite_page(
    request: Request,
    db: DbDep,
    token: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    joining = invitations.joining(db, token)
    context: dict[str, Any] = {
        "token": token,
        "joining": joining,
        "role_label": ROLE_LABELS.get(joining.role, joining.role),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "accounts/invite.html", context, status=status)


@router.get("/invite/{join_link}", response_class=HTMLResponse)
async def invite_form(join_link: str, request: Request, db: DbDep) -> Response:
    return _invite_page(request, db, join_link)


@router.post("/invite/{join_link}", response_class=HTMLResponse)
async def accept_invitation(
    join_link: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    display_name: Annotated[str, Form(max_length=200)] = "",
    password: Password = "",
    confirm: Password = "",
) -> Response:
    try:
        joined, user = invitations.accept(
            db,
            token=join_link,
            display_name=display_name,
            password=password,
            confirm=confirm,
        )
    except Invalid as exc:
        db.rollback()
        values = {"display_name": display_name}
        return _invite_page(request, db, join_link, values=values, errors=exc.errors, status=422)
    target = f"/w/{joined.workshop_id}/manage"
    return finish_sign_in(request, db, settings, user, next=target, action="", fields={})


@router.get("/login/reset", response_class=HTMLResponse)
async def reset_request_form(request: Request, settings: SettingsDep) -> Response:
    context = {"values": {}, "errors": {}, "mail": mail.configured(settings)}
    return render(request, "accounts/reset_request.html", context)


@router.post("/login/reset", response_class=HTMLResponse)
async def request_reset(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    """The same answer whether or not the address has an account; the mail leaves after the
    answer, so its time says nothing either."""
    if not mail.configured(settings):
        context = {"values": {}, "errors": {}, "mail": False}
        return render(request, "accounts/reset_request.html", context, status=409)
    try:
        address = invitations.ask_reset(db, settings, email=email, client=client_key(request))
    except (Invalid, TooMany) as exc:
        db.commit()  # the throttle's count stays
        errors = exc.errors if isinstance(exc, Invalid) else {"email": exc.message}
        context = {"values": {"email": email}, "errors": errors, "mail": True}
        return render(request, "accounts/reset_request.html", context, status=exc.status_code)
    locale = i18n.current_locale.get()
    background.add_task(_send_reset, get_database(request), settings, address, locale)
    return render(request, "accounts/reset_sent.html", {})


def _send_reset(database: Database, settings: Settings, address: str, locale: str) -> None:
    """After the answer: the link made and mailed, if the address has an active account."""
    with i18n.using(locale), database.transaction() as db:
        outgoing = invitations.reset_mail(db, settings, address=address)
    if outgoing is not None:
        mail.send(settings, outgoing)


def _reset_page(
    request: Request,
    db: DbDep,
    token: str,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    row = invitations.open_link(db, token, invitations.RESET)
    context = {"token": token, "email": row.email, "errors": errors or {}}
    return render(request, "accounts/reset.html", context, status=status)


@router.get("/reset/{reset_link}", response_class=HTMLResponse)
async def reset_form(reset_link: str, request: Request, db: DbDep) -> Response:
    return _reset_page(request, db, reset_link)


@router.post("/reset/{reset_link}", response_class=HTMLResponse)
async def reset_password(
    reset_link: str,
    request: Request,
    db: DbDep,
    password: Password = "",
    confirm: Password = "",
) -> Response:
    try:
        invitations.reset(db, token=reset_link, password=password, confirm=confirm)
    except Invalid as exc:
        db.rollback()
        return _reset_page(request, db, reset_link, errors=exc.errors, status=422)
    return RedirectResponse("/login/changed", status_code=303)


@router.get("/login/changed", response_class=HTMLResponse)
async def password_changed(request: Request) -> Response:
    """The sign-in page, saying the password was changed (where a reset lands)."""
    context = {"values": {}, "errors": {}, "next": "/", "changed": True}
    return render(request, "accounts/login.html", context)
