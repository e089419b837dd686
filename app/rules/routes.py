"""HTML routes for ground rules: read and accept (participants), edit and order (staff)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import policy
from app.deps import DbDep, ViewerDep
from app.errors import DomainError
from app.forms import refused
from app.policy import Viewer
from app.rules import present, service
from app.security.redirects import safe_next
from app.templating import render
from app.translations import service as translations
from app.workshops import service as workshops
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, is_htmx, manage_context, see_other

router = APIRouter(tags=["rules"])


def _read_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    message: str | None = None,
    status: int = 200,
    next_path: str = "",
) -> Response:
    context = {
        "workshop": policy.present(workshop, viewer),
        "rules": present.for_reader(db, workshop, viewer=viewer),
        "accepted": service.has_accepted(db, viewer=viewer, workshop=workshop),
        "accepted_before": service.accepted_earlier(db, viewer=viewer, workshop=workshop),
        "is_participant": viewer.is_participant,
        "message": message,
        "next": _next_in(workshop, next_path),
    }
    return render(request, "rules/read.html", context, status=status)


def _next_in(workshop: Workshop, target: object) -> str:
    """Where to go once the rules are accepted: a page of this workshop, else its page."""
    home = f"/w/{workshop.id}"
    wanted = safe_next(target if isinstance(target, str) else None, home)
    return wanted if wanted.startswith(home + "/") else home


@router.get("/w/{workshop_id}/rules", response_class=HTMLResponse)
async def read(
    workshop_id: str,
    request: Request,
    db: DbDep,
    viewer: ViewerDep,
    next: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    workshop = workshops.get(db, workshop_id, viewer=viewer)
    return _read_page(request, db, workshop, viewer, next_path=next)


@router.post("/w/{workshop_id}/rules/accept", response_class=HTMLResponse)
async def accept(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="room.read")
    data = await form_data(request)
    try:
        service.accept(db, viewer=viewer, workshop=workshop, version=data.get("version"))
    except DomainError as exc:
        if exc.status_code == 404:
            raise
        return _read_page(
            request,
            db,
            workshop,
            viewer,
            message=exc.message,
            status=exc.status_code,
            next_path=str(data.get("next") or ""),
        )
    return see_other(_next_in(workshop, data.get("next")))


# -- editor ----------------------------------------------------------------------------------


def _editor(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="rules.edit")


def _manage_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    rows = service.list_rules(db, workshop, viewer=viewer)
    context = manage_context(
        db,
        workshop,
        viewer,
        "/rules",
        rules=policy.present_all(rows, viewer),
        form_values=translations.form_values(
            rows, service.versions(db, workshop, rows, viewer=viewer), ("title", "body")
        ),
        other_languages=[
            (code, translations.language_name(code))
            for code in translations.other_languages(workshop)
        ],
        original_language=translations.language_name(translations.original_language(workshop)),
        editing=None,
    )
    context.update(extra)
    return render(request, "rules/manage.html", context, status=status)


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
        return _manage_page(request, db, workshop, viewer, editing=editing, **shown)

    return refused(db, exc, data, redraw)


@router.get("/w/{workshop_id}/manage/rules", response_class=HTMLResponse)
async def manage(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    return _manage_page(request, db, _editor(db, workshop_id, viewer), viewer)


@router.post("/w/{workshop_id}/manage/rules", response_class=HTMLResponse)
async def add(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.add(db, viewer=viewer, workshop=workshop, data=data)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data, "new")
    return see_other(f"/w/{workshop.id}/manage/rules")


@router.post("/w/{workshop_id}/manage/rules/{rule_id}", response_class=HTMLResponse)
async def edit(
    workshop_id: str, rule_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.update(db, viewer=viewer, workshop=workshop, rule_id=rule_id, data=data)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data, rule_id)
    return see_other(f"/w/{workshop.id}/manage/rules")


@router.post("/w/{workshop_id}/manage/rules/{rule_id}/delete", response_class=HTMLResponse)
async def delete(
    workshop_id: str, rule_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    try:
        service.delete(db, viewer=viewer, workshop=workshop, rule_id=rule_id)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, "")
    return see_other(f"/w/{workshop.id}/manage/rules")


@router.post("/w/{workshop_id}/manage/rules/{rule_id}/move", response_class=HTMLResponse)
async def move(
    workshop_id: str, rule_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        service.move(
            db, viewer=viewer, workshop=workshop, rule_id=rule_id, direction=data.get("direction")
        )
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, "")
    if is_htmx(request):
        return _manage_page(request, db, workshop, viewer)
    return see_other(f"/w/{workshop.id}/manage/rules")
