"""JSON API for sessions and agenda items."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from app import policy
from app.agenda import service
from app.deps import DbDep, ViewerDep
from app.policy import Viewer
from app.views import as_json
from app.workshops import service as workshops
from app.workshops.models import Workshop

router = APIRouter(tags=["agenda"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SessionPatch(Body):
    title: str | None = Field(default=None, max_length=200)
    day: str | None = Field(default=None, max_length=32)
    start_time: str | None = Field(default=None, max_length=16)
    end_time: str | None = Field(default=None, max_length=16)
    place: str | None = Field(default=None, max_length=200)
    level: str | None = Field(default=None, max_length=16)


class SessionBody(SessionPatch):
    title: str = Field(max_length=200)


class ItemPatch(Body):
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    kind: str | None = Field(default=None, max_length=16)
    phase: str | None = Field(default=None, max_length=24)
    duration_minutes: int | str | None = None
    level: str | None = Field(default=None, max_length=16)


class ItemBody(ItemPatch):
    title: str = Field(max_length=200)


class MoveBody(Body):
    direction: str = Field(max_length=8)


def _agenda(db: Session, workshop: Workshop, viewer: Viewer) -> dict[str, Any]:
    sessions = [
        replace(policy.present(g.meeting, viewer), items=policy.present_all(g.items, viewer))
        for g in service.agenda(db, workshop, viewer=viewer)
    ]
    return {"sessions": [as_json(s) for s in sessions]}


def _editor(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="agenda.edit")


def _given(body: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}


@router.get("/workshops/{workshop_id}/agenda")
async def read_agenda(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    """Every session with its items, levels and the live item (state "live")."""
    workshop = workshops.get(db, workshop_id, viewer=viewer)
    return _agenda(db, workshop, viewer)


@router.get("/workshops/{workshop_id}/sessions")
async def list_sessions(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer)
    rows = service.list_sessions(db, workshop, viewer=viewer)
    return {"sessions": [as_json(v) for v in policy.present_all(rows, viewer)]}


@router.post("/workshops/{workshop_id}/sessions", status_code=201)
async def add_session(
    workshop_id: str, body: SessionBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    meeting = service.add_session(db, viewer=viewer, workshop=workshop, data=_given(body))
    return as_json(policy.present(meeting, viewer))


@router.patch("/workshops/{workshop_id}/sessions/{meeting_id}")
async def edit_session(
    workshop_id: str, meeting_id: str, body: SessionPatch, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    meeting = service.update_session(
        db,
        viewer=viewer,
        workshop=workshop,
        meeting_id=meeting_id,
        data=body.model_dump(exclude_unset=True),
        partial=True,
    )
    return as_json(policy.present(meeting, viewer))


@router.delete("/workshops/{workshop_id}/sessions/{meeting_id}", status_code=204)
async def delete_session(
    workshop_id: str, meeting_id: str, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    service.delete_session(db, viewer=viewer, workshop=workshop, meeting_id=meeting_id)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/sessions/{meeting_id}/move")
async def move_session(
    workshop_id: str, meeting_id: str, body: MoveBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    service.move_session(
        db, viewer=viewer, workshop=workshop, meeting_id=meeting_id, direction=body.direction
    )
    return _agenda(db, workshop, viewer)


@router.post("/workshops/{workshop_id}/sessions/{meeting_id}/items", status_code=201)
async def add_item(
    workshop_id: str, meeting_id: str, body: ItemBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    item = service.add_item(
        db, viewer=viewer, workshop=workshop, meeting_id=meeting_id, data=_given(body)
    )
    return as_json(policy.present(item, viewer))


@router.get("/workshops/{workshop_id}/items/{item_id}")
async def read_item(workshop_id: str, item_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer)
    item = service.get_item(db, workshop, item_id, viewer=viewer)
    return as_json(policy.present(item, viewer))


@router.patch("/workshops/{workshop_id}/items/{item_id}")
async def edit_item(
    workshop_id: str, item_id: str, body: ItemPatch, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    item = service.update_item(
        db,
        viewer=viewer,
        workshop=workshop,
        item_id=item_id,
        data=body.model_dump(exclude_unset=True),
        partial=True,
    )
    return as_json(policy.present(item, viewer))


@router.delete("/workshops/{workshop_id}/items/{item_id}", status_code=204)
async def delete_item(workshop_id: str, item_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    service.delete_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/items/{item_id}/move")
async def move_item(
    workshop_id: str, item_id: str, body: MoveBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    service.move_item(
        db, viewer=viewer, workshop=workshop, item_id=item_id, direction=body.direction
    )
    return _agenda(db, workshop, viewer)
