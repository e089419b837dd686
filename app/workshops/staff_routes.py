"""HTML routes for a workshop's staff: the list, adding or inviting by e-mail address,
roles, removal, and withdrawing an invitation."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app.accounts import invitations, mail
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import DomainError
from app.forms import refused
from app.policy import STAFF_ROLES, Viewer
from app.templating import render
from app.views import ROLE_LABELS
from app.workshops import service
from app.workshops import staff as staff_service
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, manage_context, see_other
from app.workshops.present import invitation_view, staff_view

router = APIRouter(tags=["workshops"])


def _staff_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    members = [staff_view(m, viewer) for m in staff_service.list_staff(db, workshop, viewer=viewer)]
    waiting = staff_service.pending_invitations(db, workshop, viewer=viewer)
    context = manage_context(
        db,
        workshop,
        viewer,
        "/staff",
        members=members,
        invitations=[invitation_view(row) for row in waiting],
        roles={r: ROLE_LABELS[r] for r in STAFF_ROLES},
        issued=None,
    )
    context.update(extra)
    return render(request, "workshops/staff.html", context, status=status)


def _staff_workshop(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return service.get(db, workshop_id, viewer=viewer, action="staff.manage")


def _staff_refused(
    request: Request,
    db: Session,
    workshop_id: str,
    viewer: Viewer,
    exc: DomainError,
    data: dict[str, str],
) -> Response:
    """Draw the staff page again around a refused form (`app.forms.refused`)."""

    def redraw(**shown: Any) -> Response:
        return _staff_page(request, db, _staff_workshop(db, workshop_id, viewer), viewer, **shown)

    return refused(db, exc, data, redraw)


@router.get("/w/{workshop_id}/manage/staff", response_class=HTMLResponse)
async def staff(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    return _staff_page(request, db, _staff_workshop(db, workshop_id, viewer), viewer)


@router.post("/w/{workshop_id}/manage/staff", response_class=HTMLResponse)
async def add_staff(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """An existing account joins at once; an address without one gets an invitation link,
    shown here once to copy, and e-mailed when the server sends e-mail."""
    workshop = _staff_workshop(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        added = staff_service.invite(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            email=data.get("email"),
            role=data.get("role"),
        )
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, data)
    if not isinstance(added, invitations.Issued):
        return see_other(f"/w/{workshop.id}/manage/staff")
    db.commit()  # the link works before the e-mail can arrive
    sent = False
    if mail.configured(settings):
        message = invitations.invitation_mail(
            added, workshop.title, viewer.display_name or viewer.email or ""
        )
        sent = await anyio.to_thread.run_sync(mail.send, settings, message)
    issued = {"email": added.invitation.email, "url": added.url, "sent": sent}
    return _staff_page(request, db, workshop, viewer, issued=issued)


@router.post(
    "/w/{workshop_id}/manage/staff/invitations/{invitation_id}/withdraw",
    response_class=HTMLResponse,
)
async def withdraw_invitation(
    workshop_id: str, invitation_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _staff_workshop(db, workshop_id, viewer)
    try:
        staff_service.withdraw_invitation(
            db, viewer=viewer, workshop=workshop, invitation_id=invitation_id
        )
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, {})
    return see_other(f"/w/{workshop.id}/manage/staff")


@router.post("/w/{workshop_id}/manage/staff/{membership_id}/role", response_class=HTMLResponse)
async def change_role(
    workshop_id: str, membership_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _staff_workshop(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        staff_service.change_role(
            db, viewer=viewer, workshop=workshop, membership_id=membership_id, role=data.get("role")
        )
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, {})
    return see_other(f"/w/{workshop.id}/manage/staff")


@router.post("/w/{workshop_id}/manage/staff/{membership_id}/remove", response_class=HTMLResponse)
async def remove_staff(
    workshop_id: str, membership_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _staff_workshop(db, workshop_id, viewer)
    try:
        staff_service.remove(db, viewer=viewer, workshop=workshop, membership_id=membership_id)
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, {})
    if viewer.user_id and not any(
        m.user.id == viewer.user_id for m in staff_service.list_staff(db, workshop, viewer=viewer)
    ):
        return see_other("/")
    return see_other(f"/w/{workshop.id}/manage/staff")
