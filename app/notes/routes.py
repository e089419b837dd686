"""HTML routes for notes: list and write, edit, delete, and the confirmed widening."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import policy
from app.config import Settings
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import Invalid
from app.forms import refused
from app.ids import new_id
from app.notes import service
from app.notes.present import READERS, VISIBILITY_LABELS, VISIBILITY_ORDER, NoteView, item_ref
from app.policy import Viewer
from app.templating import render
from app.workshops.models import Workshop

router = APIRouter(tags=["notes"])

BodyField = Annotated[str, Form(max_length=service.MAX_BODY + 1000)]
ShortField = Annotated[str, Form(max_length=64)]


def _choices(viewer: Viewer, workshop: Workshop) -> list[dict[str, str]]:
    return [
        {"value": v, "label": VISIBILITY_LABELS[v], "readers": READERS[v]}
        for v in service.choices_for(viewer, workshop)
    ]


def _notes_url(workshop_id: str) -> str:
    return f"/w/{workshop_id}/notes"


def _index(
    request: Request,
    db: Session,
    settings: Settings,
    workshop: Workshop,
    viewer: Viewer,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    groups, items = service.grouped(db, settings, workshop, viewer=viewer)
    context: dict[str, Any] = {
        "workshop": policy.present(workshop, viewer),
        "groups": groups,
        "items": items,
        "choices": _choices(viewer, workshop),
        "can_write": viewer.may("note.write", workshop.id) and workshop.status != "archived",
        "values": values or {"body": "", "item_id": "", "visibility": "private"},
        # a fresh key per form shown (kept on a refused form): a repeated post makes one note
        "idempotency_key": (values or {}).get("idempotency_key") or new_id(),
        "errors": errors or {},
    }
    return render(request, "notes/index.html", context, status=status)


def _refused_index(
    request: Request,
    db: Session,
    settings: Settings,
    where: tuple[Workshop, Viewer],
    exc: Invalid,
    values: dict[str, str],
) -> Response:
    """Draw the notes page again around a refused new note (`app.forms.refused`)."""
    workshop, viewer = where

    def redraw(
        *, status: int, values: dict[str, str], errors: dict[str, str], **_: Any
    ) -> Response:
        return _index(
            request, db, settings, workshop, viewer, values=values, errors=errors, status=status
        )

    return refused(db, exc, values, redraw)


@router.get("/w/{workshop_id}/notes", response_class=HTMLResponse)
async def notes_page(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return _index(request, db, settings, workshop, viewer)


@router.post("/w/{workshop_id}/notes", response_class=HTMLResponse)
async def create_note(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    body: BodyField = "",
    item_id: ShortField = "",
    visibility: ShortField = "private",
    idempotency_key: ShortField = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        note = service.create(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            body=body,
            item_id=item_id or None,
            visibility=visibility,
            idempotency_key=idempotency_key,
        )
    except Invalid as exc:
        values = {
            "body": body,
            "item_id": item_id,
            "visibility": visibility,
            "idempotency_key": idempotency_key,
        }
        return _refused_index(request, db, settings, (workshop, viewer), exc, values)
    return RedirectResponse(f"{_notes_url(workshop.id)}#note-{note.id}", status_code=303)


def _note_context(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer, note_id: str
) -> dict[str, Any]:
    note = service.get(db, settings, workshop, note_id, viewer=viewer)
    view: NoteView = policy.present(note, viewer)
    refs = (item_ref(i) for i in service.items_for(db, workshop, viewer=viewer))
    item = next((ref for ref in refs if ref.id == view.item_id), None)
    return {"workshop": policy.present(workshop, viewer), "note": view, "item": item}


@router.get("/w/{workshop_id}/notes/{note_id}", response_class=HTMLResponse)
async def note_page(
    workshop_id: str,
    note_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return render(
        request, "notes/note.html", _note_context(db, settings, workshop, viewer, note_id)
    )


def _edit(
    request: Request,
    db: Session,
    settings: Settings,
    workshop: Workshop,
    viewer: Viewer,
    note_id: str,
    *,
    body: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    note = service.get_own(db, settings, workshop, note_id, viewer=viewer)
    view: NoteView = policy.present(note, viewer)
    context: dict[str, Any] = {
        "workshop": policy.present(workshop, viewer),
        "note": view,
        "body": view.body if body is None else body,
        "choices": [c for c in _choices(viewer, workshop) if c["value"] != view.visibility],
        "errors": errors or {},
    }
    return render(request, "notes/edit.html", context, status=status)


def _refused_edit(
    request: Request,
    db: Session,
    settings: Settings,
    note: tuple[Workshop, Viewer, str],
    exc: Invalid,
    body: str | None = None,
) -> Response:
    """Draw a note's edit page again around a refused form (`app.forms.refused`)."""
    workshop, viewer, note_id = note

    def redraw(
        *, status: int, values: dict[str, str], errors: dict[str, str], **_: Any
    ) -> Response:
        shown = values.get("body")
        return _edit(
            request,
            db,
            settings,
            workshop,
            viewer,
            note_id,
            body=shown,
            errors=errors,
            status=status,
        )

    return refused(db, exc, {} if body is None else {"body": body}, redraw)


@router.get("/w/{workshop_id}/notes/{note_id}/edit", response_class=HTMLResponse)
async def edit_form(
    workshop_id: str,
    note_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return _edit(request, db, settings, workshop, viewer, note_id)


@router.post("/w/{workshop_id}/notes/{note_id}/edit", response_class=HTMLResponse)
async def edit_note(
    workshop_id: str,
    note_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    body: BodyField = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.edit(db, settings, viewer=viewer, workshop=workshop, note_id=note_id, body=body)
    except Invalid as exc:
        return _refused_edit(request, db, settings, (workshop, viewer, note_id), exc, body)
    return RedirectResponse(f"{_notes_url(workshop.id)}#note-{note_id}", status_code=303)


@router.post("/w/{workshop_id}/notes/{note_id}/delete")
async def delete_note(
    workshop_id: str,
    note_id: str,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.delete(db, settings, viewer=viewer, workshop=workshop, note_id=note_id)
    return RedirectResponse(_notes_url(workshop.id), status_code=303)


@router.get("/w/{workshop_id}/notes/{note_id}/visibility", response_class=HTMLResponse)
async def visibility_confirm(
    workshop_id: str,
    note_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    to: str = "",
) -> Response:
    """Who will be able to read the note, in plain words, before the author confirms."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        note = service.check_visibility(
            db, settings, viewer=viewer, workshop=workshop, note_id=note_id, visibility=to[:16]
        )
    except Invalid as exc:
        return _refused_edit(request, db, settings, (workshop, viewer, note_id), exc)
    view: NoteView = policy.present(note, viewer)
    context: dict[str, Any] = {
        "workshop": policy.present(workshop, viewer),
        "note": view,
        "to": to,
        "to_label": VISIBILITY_LABELS[to],
        "readers": READERS[to],
        "wider": VISIBILITY_ORDER[to] > VISIBILITY_ORDER[view.visibility],
    }
    return render(request, "notes/confirm.html", context)


@router.post("/w/{workshop_id}/notes/{note_id}/visibility", response_class=HTMLResponse)
async def change_visibility(
    workshop_id: str,
    note_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    visibility: ShortField = "",
    confirm: ShortField = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.set_visibility(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            note_id=note_id,
            visibility=visibility,
            confirmed=confirm == "yes",
        )
    except service.NeedsConfirmation:
        target = f"{_notes_url(workshop.id)}/{note_id}/visibility?to={visibility}"
        return RedirectResponse(target, status_code=303)
    except Invalid as exc:
        return _refused_edit(request, db, settings, (workshop, viewer, note_id), exc)
    return RedirectResponse(f"{_notes_url(workshop.id)}#note-{note_id}", status_code=303)
