"""HTML routes for sessions and agenda items (set-up pages for organizers and facilitators)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import policy
from app.agenda import service, versions
from app.agenda.present import KIND_LABELS, PHASE_LABELS
from app.deps import DbDep, ViewerDep
from app.errors import DomainError
from app.forms import refused
from app.policy import LEVEL_STRICTNESS, Viewer
from app.templating import render
from app.translations import service as translations
from app.views import LEVEL_LABELS
from app.workshops import service as workshops
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, is_htmx, manage_context, see_other

router = APIRouter(tags=["agenda"])

CHOICES = {"kinds": KIND_LABELS, "phases": PHASE_LABELS, "levels": LEVEL_LABELS}


def _other_languages(workshop: Workshop) -> list[tuple[str, str]]:
    """The languages an item's title and description may be written in beside the original."""
    return [(c, translations.language_name(c)) for c in translations.other_languages(workshop)]


def _editor(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="agenda.edit")


def _agenda_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    sessions = [
        replace(policy.present(g.meeting, viewer), items=policy.present_all(g.items, viewer))
        for g in service.agenda(db, workshop, viewer=viewer)
    ]
    context = manage_context(
        db,
        workshop,
        viewer,
        "/agenda",
        sessions=sessions,
        editing=None,
        other_languages=_other_languages(workshop),
    )
    context.update(CHOICES)
    context.update(extra)
    return render(request, "agenda/manage.html", context, status=status)


def _refused(
    request: Request,
    db: Session,
    workshop_id: str,
    viewer: Viewer,
    exc: DomainError,
    data: dict[str, str],
    editing: str,
) -> Response:
    """Draw the page again around a refused form (`app.forms.refused`)."""

    def redraw(**shown: Any) -> Response:
        workshop = _editor(db, workshop_id, viewer)
        return _agenda_page(request, db, workshop, viewer, editing=editing, **shown)

    return refused(db, exc, data, redraw)


@router.get("/w/{workshop_id}/manage/agenda", response_class=HTMLResponse)
async def agenda_page(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    return _agenda_page(request, db, _editor(db, workshop_id, viewer), viewer)


# -- sessions --------------------------------------------------------------------------------


@router.post("/w/{workshop_id}/manage/sessions", response_class=HTMLResponse)
async def add_session(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.add_session(db, viewer=viewer, workshop=workshop, data=data)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data, "new-session")
    return see_other(f"/w/{workshop.id}/manage/agenda")


def _session_form(
    request: Request,
    db: Session,
    workshop: Workshop,
    meeting_id: str,
    viewer: Viewer,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    meeting = service.get_session(db, workshop, meeting_id, viewer=viewer)
    view = policy.present(meeting, viewer)
    if values is None:
        values = {
            "title": meeting.title,
            "day": meeting.day.isoformat() if meeting.day else "",
            "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
            "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
            "place": meeting.place,
            "level": meeting.level,
        }
    context = manage_context(
        db,
        workshop,
        viewer,
        "/agenda",
        session=view,
        values=values,
        errors=errors or {},
        message=message,
        **CHOICES,
    )
    return render(request, "agenda/session.html", context, status=status)


@router.get("/w/{workshop_id}/manage/sessions/{meeting_id}", response_class=HTMLResponse)
async def session_form(
    workshop_id: str, meeting_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    return _session_form(request, db, workshop, meeting_id, viewer)


@router.post("/w/{workshop_id}/manage/sessions/{meeting_id}", response_class=HTMLResponse)
async def edit_session(
    workshop_id: str, meeting_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.update_session(
            db, viewer=viewer, workshop=workshop, meeting_id=meeting_id, data=data
        )
    except DomainError as exc:
        return refused(
            db,
            exc,
            data,
            lambda **shown: _session_form(
                request, db, _editor(db, workshop_id, viewer), meeting_id, viewer, **shown
            ),
        )
    return see_other(f"/w/{workshop.id}/manage/agenda")


@router.post("/w/{workshop_id}/manage/sessions/{meeting_id}/delete", response_class=HTMLResponse)
async def delete_session(
    workshop_id: str, meeting_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    try:
        service.delete_session(db, viewer=viewer, workshop=workshop, meeting_id=meeting_id)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, "")
    return see_other(f"/w/{workshop.id}/manage/agenda")


@router.post("/w/{workshop_id}/manage/sessions/{meeting_id}/move", response_class=HTMLResponse)
async def move_session(
    workshop_id: str, meeting_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.move_session(
            db,
            viewer=viewer,
            workshop=workshop,
            meeting_id=meeting_id,
            direction=data.get("direction"),
        )
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, "")
    if is_htmx(request):
        return _agenda_page(request, db, workshop, viewer)
    return see_other(f"/w/{workshop.id}/manage/agenda")


# -- items -----------------------------------------------------------------------------------


@router.post("/w/{workshop_id}/manage/sessions/{meeting_id}/items", response_class=HTMLResponse)
async def add_item(
    workshop_id: str, meeting_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.add_item(db, viewer=viewer, workshop=workshop, meeting_id=meeting_id, data=data)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data, f"items-{meeting_id}")
    return see_other(f"/w/{workshop.id}/manage/agenda#session-{meeting_id}")


def _item_form(
    request: Request,
    db: Session,
    workshop: Workshop,
    item_id: str,
    viewer: Viewer,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    item = service.get_item(db, workshop, item_id, viewer=viewer)
    view = policy.present(item, viewer)
    if values is None:
        values = {
            "title": item.title,
            "description": item.description,
            "kind": item.kind,
            "phase": item.phase,
            "duration_minutes": item.duration_minutes,
            "level": item.level,
            **versions.form_values(versions.load(db, workshop, [item.id], viewer=viewer)[item.id]),
        }
    levels = LEVEL_LABELS
    siblings = service.list_items(db, workshop, viewer=viewer, meeting_id=item.meeting_id)
    if not policy.may_relax(siblings):
        levels = {
            k: v
            for k, v in LEVEL_LABELS.items()
            if LEVEL_STRICTNESS[k] >= LEVEL_STRICTNESS[item.level]
        }
    context = manage_context(
        db,
        workshop,
        viewer,
        "/agenda",
        item=view,
        values=values,
        errors=errors or {},
        message=message,
        other_languages=_other_languages(workshop),
        **{**CHOICES, "levels": levels},
    )
    return render(request, "agenda/item.html", context, status=status)


@router.get("/w/{workshop_id}/manage/items/{item_id}", response_class=HTMLResponse)
async def item_form(
    workshop_id: str, item_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    return _item_form(request, db, workshop, item_id, viewer)


@router.post("/w/{workshop_id}/manage/items/{item_id}", response_class=HTMLResponse)
async def edit_item(
    workshop_id: str, item_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.update_item(db, viewer=viewer, workshop=workshop, item_id=item_id, data=data)
    except DomainError as exc:
        return refused(
            db,
            exc,
            data,
            lambda **shown: _item_form(
                request, db, _editor(db, workshop_id, viewer), item_id, viewer, **shown
            ),
        )
    return see_other(f"/w/{workshop.id}/manage/agenda")


@router.post("/w/{workshop_id}/manage/items/{item_id}/delete", response_class=HTMLResponse)
async def delete_item(
    workshop_id: str, item_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    try:
        service.delete_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, "")
    return see_other(f"/w/{workshop.id}/manage/agenda")


@router.post("/w/{workshop_id}/manage/items/{item_id}/move", response_class=HTMLResponse)
async def move_item(
    workshop_id: str, item_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.move_item(
            db, viewer=viewer, workshop=workshop, item_id=item_id, direction=data.get("direction")
        )
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, "")
    if is_htmx(request):
        return _agenda_page(request, db, workshop, viewer)
    return see_other(f"/w/{workshop.id}/manage/agenda")
