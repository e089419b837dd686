"""JSON API for notes: /api/v1/workshops/{id}/notes. The same services and view models."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import StrictBool

from app import policy
from app.apiroutes import ApiRoute, Body, Id, IdempotencyKey
from app.apitext import Words20000
from app.deps import DbDep, SettingsDep, ViewerDep
from app.notes import service
from app.notes.present import as_dict

router = APIRouter(tags=["notes"], route_class=ApiRoute)


Visibility = Literal["private", "team", "room", "summary"]


class NoteIn(Body):
    body: Words20000
    item_id: Id | None = None
    visibility: Visibility = "private"
    idempotency_key: IdempotencyKey | None = None


class NotePatch(Body):
    body: Words20000 | None = None
    visibility: Visibility | None = None
    confirm: StrictBool = False


@router.get("/workshops/{workshop_id}/notes")
async def list_notes(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    notes = service.list_for(db, settings, workshop, viewer=viewer)
    return {"notes": [as_dict(v) for v in policy.present_all(notes, viewer)]}


@router.post("/workshops/{workshop_id}/notes", status_code=201)
async def create_note(
    workshop_id: str, data: NoteIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    note = service.create(
        db,
        settings,
        viewer=viewer,
        workshop=workshop,
        body=data.body,
        item_id=data.item_id,
        visibility=data.visibility,
        idempotency_key=data.idempotency_key,
    )
    return as_dict(policy.present(note, viewer))


@router.get("/workshops/{workshop_id}/notes/{note_id}")
async def read_note(
    workshop_id: str, note_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    note = service.get(db, settings, workshop, note_id, viewer=viewer)
    return as_dict(policy.present(note, viewer))


@router.patch("/workshops/{workshop_id}/notes/{note_id}")
async def update_note(
    workshop_id: str,
    note_id: str,
    data: NotePatch,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    """Change the text and/or the visibility; widening needs `"confirm": true` (else 409)."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    note = service.get_own(db, settings, workshop, note_id, viewer=viewer)
    if data.body is not None:
        note = service.edit(
            db, settings, viewer=viewer, workshop=workshop, note_id=note_id, body=data.body
        )
    if data.visibility is not None:
        note = service.set_visibility(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            note_id=note_id,
            visibility=data.visibility,
            confirmed=data.confirm,
        )
    return as_dict(policy.present(note, viewer))


@router.delete("/workshops/{workshop_id}/notes/{note_id}", status_code=204)
async def delete_note(
    workshop_id: str, note_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.delete(db, settings, viewer=viewer, workshop=workshop, note_id=note_id)
    return Response(status_code=204)
