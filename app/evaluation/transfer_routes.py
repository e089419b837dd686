"""HTML routes and JSON API of the transfer log, and its report (Markdown, JSON)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import i18n, policy
from app.deps import DbDep, ViewerDep
from app.errors import DomainError, NotFound
from app.evaluation import transfer
from app.evaluation.transfer_present import TransferView, json_report, markdown, present
from app.forms import refused
from app.ids import today
from app.policy import Viewer
from app.templating import render
from app.workshops.models import Workshop

router = APIRouter(tags=["transfer"])

TextField = Annotated[str, Form(max_length=transfer.MAX_OUTCOME + 200)]
ShortField = Annotated[str, Form(max_length=64)]
REPORTS = {"md": "text/markdown; charset=utf-8", "json": "application/json"}


def views_of(db: Session, workshop: Workshop, viewer: Viewer) -> list[TransferView]:
    names = {s.user_id: s.name for s in transfer.staff_of(db, workshop, viewer=viewer)}
    return [present(e, names) for e in transfer.entries(db, workshop, viewer=viewer)]


def _page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "workshop": policy.present(workshop, viewer),
        "entries": views_of(db, workshop, viewer),
        "items": transfer.summary_items(db, workshop, viewer=viewer),
        "staff": transfer.staff_of(db, workshop, viewer=viewer),
        "can_record": policy.allowed(viewer, "transfer.record", workshop),
        "values": values or {"briefed_on": today().isoformat(), "by": viewer.user_id or ""},
        "errors": errors or {},
        "message": message,
    }
    return render(request, "evaluation/transfer.html", context, status=status)


def _redraw(
    request: Request,
    db: Session,
    where: tuple[Workshop, Viewer],
    exc: DomainError,
    values: dict[str, Any],
) -> Response:
    workshop, viewer = where

    def redraw(
        *, status: int, values: dict[str, Any], errors: dict[str, str], message: str | None
    ) -> Response:
        return _page(
            request,
            db,
            workshop,
            viewer,
            values=values,
            errors=errors,
            message=message,
            status=status,
        )

    return refused(db, exc, values, redraw)


@router.get("/w/{workshop_id}/transfer", response_class=HTMLResponse)
async def transfer_page(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    return _page(request, db, workshop, viewer)


@router.post("/w/{workshop_id}/transfer", response_class=HTMLResponse)
async def record(
    workshop_id: str,
    request: Request,
    db: DbDep,
    viewer: ViewerDep,
    item: ShortField = "",
    destination: TextField = "",
    briefed_on: ShortField = "",
    by: ShortField = "",
    outcome: TextField = "",
) -> Response:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    values = {
        "item": item,
        "destination": destination,
        "briefed_on": briefed_on,
        "by": by,
        "outcome": outcome,
    }
    try:
        transfer.record(db, viewer=viewer, workshop=workshop, **values)
    except DomainError as exc:
        return _redraw(request, db, (workshop, viewer), exc, values)
    return RedirectResponse(f"/w/{workshop.id}/transfer", status_code=303)


@router.post("/w/{workshop_id}/transfer/report.{fmt}")
async def report(
    workshop_id: str, fmt: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    """The transfer log as its own report (declared before the entry routes, whose id would
    match "report.md"), in the request's language: an export, so after
    the attribution check (the page again, 409, while it finds anything) and logged."""
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    if fmt not in REPORTS:
        raise NotFound()
    try:
        found = transfer.export(db, workshop, viewer=viewer, fmt=fmt)
    except DomainError as exc:
        return _redraw(request, db, (workshop, viewer), exc, {})
    names = {s.user_id: s.name for s in transfer.staff_of(db, workshop, viewer=viewer)}
    views = [present(e, names) for e in found]
    body = (
        markdown(workshop.title, views, i18n.current_locale.get())
        if fmt == "md"
        else json_report(workshop.title, views)
    )
    headers = {"Content-Disposition": f'attachment; filename="transfer-log.{fmt}"'}
    return Response(body, media_type=REPORTS[fmt], headers=headers)


@router.post("/w/{workshop_id}/transfer/{transfer_id}", response_class=HTMLResponse)
async def set_outcome(
    workshop_id: str,
    transfer_id: str,
    request: Request,
    db: DbDep,
    viewer: ViewerDep,
    outcome: TextField = "",
) -> Response:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    try:
        transfer.set_outcome(
            db, viewer=viewer, workshop=workshop, entry_id=transfer_id, outcome=outcome
        )
    except DomainError as exc:
        return _redraw(request, db, (workshop, viewer), exc, {})
    return RedirectResponse(f"/w/{workshop.id}/transfer#t-{transfer_id}", status_code=303)


@router.post("/w/{workshop_id}/transfer/{transfer_id}/delete", response_class=HTMLResponse)
async def delete(
    workshop_id: str, transfer_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    transfer.delete(db, viewer=viewer, workshop=workshop, entry_id=transfer_id)
    return RedirectResponse(f"/w/{workshop.id}/transfer", status_code=303)
