"""The organizer's roster pages: add participants (the invitation link is shown once),
revoke, re-admit. Only organizers (`roster.read` / `roster.manage`) reach them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import policy
from app.config import Settings
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import DomainError
from app.forms import refused
from app.policy import Viewer
from app.roster import service
from app.roster.present import InvitationView
from app.templating import render
from app.workshops import parties as parties_service
from app.workshops import service as workshops
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, manage_context, see_other
from app.workshops.state import ensure_writable

router = APIRouter(tags=["roster"])


def invitation_view(settings: Settings, invitation: service.Invitation) -> InvitationView:
    return InvitationView(
        participant_id=invitation.participant.id,
        display_name=invitation.participant.display_name or "",
        url=settings.public_base_url + invitation.path(),
    )


def _page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    entries = policy.present_all(service.list_for(db, workshop, viewer=viewer), viewer)
    parties = policy.present_all(parties_service.list_parties(db, workshop, viewer=viewer), viewer)
    names = {p.id: p.name for p in parties}
    context = manage_context(
        db,
        workshop,
        viewer,
        "/roster",
        entries=entries,
        parties=parties,
        party_names=names,
        party_choices={p.id: p.name for p in parties},
        invitation=None,
        can_manage=viewer.may("roster.manage", workshop.id),
    )
    context.update(extra)
    return render(request, "roster/manage.html", context, status=status)


def _reader(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="roster.read")


def _manager(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="roster.manage")


def _refused(
    request: Request,
    db: Session,
    workshop_id: str,
    viewer: Viewer,
    exc: DomainError,
    data: dict[str, str],
) -> Response:
    """Draw the page again around a refused form (`app.forms.refused`)."""

    def redraw(**shown: Any) -> Response:
        workshop = _manager(db, workshop_id, viewer)
        return _page(request, db, workshop, viewer, **shown)

    return refused(db, exc, data, redraw)


@router.get("/w/{workshop_id}/manage/roster", response_class=HTMLResponse)
async def roster(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    return _page(request, db, _reader(db, workshop_id, viewer), viewer)


@router.post("/w/{workshop_id}/manage/roster", response_class=HTMLResponse)
async def add(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        ensure_writable(workshop)
        invitation = service.add(
            db,
            viewer=viewer,
            workshop=workshop,
            display_name=data.get("display_name", ""),
            party_id=data.get("party_id") or None,
            affiliation=data.get("affiliation", ""),
        )
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data)
    db.flush()
    return _page(request, db, workshop, viewer, invitation=invitation_view(settings, invitation))


@router.post("/w/{workshop_id}/manage/roster/{participant_id}/revoke", response_class=HTMLResponse)
async def revoke(
    workshop_id: str, participant_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    try:
        ensure_writable(workshop)
        service.revoke(db, viewer=viewer, workshop=workshop, participant_id=participant_id)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {})
    return see_other(f"/w/{workshop.id}/manage/roster")


@router.post("/w/{workshop_id}/manage/roster/{participant_id}/readmit", response_class=HTMLResponse)
async def readmit(
    workshop_id: str,
    participant_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    try:
        invitation = service.readmit(
            db, viewer=viewer, workshop=workshop, participant_id=participant_id
        )
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {})
    db.flush()
    return _page(request, db, workshop, viewer, invitation=invitation_view(settings, invitation))
