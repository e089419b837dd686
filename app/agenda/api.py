"""JSON API for sessions and agenda items."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema
from sqlmodel import Session

from app import policy
from app.agenda import service
from app.apiroutes import WHOLE, ApiRoute, Body, Clock, Day
from app.apitext import Line200, Text4000, Title200
from app.deps import DbDep, ViewerDep
from app.policy import Viewer
from app.views import as_json
from app.workshops import service as workshops
from app.workshops.models import Workshop

router = APIRouter(tags=["agenda"], route_class=ApiRoute)


Level = Literal["on_record", "chatham", "off_record"]
LEVEL_RULE = "Stricter at any time; looser only while nothing of the session has started (409)"
Kind = Literal["plenary", "contribution", "break", "round"]
Phase = Literal["opening", "needs_fears", "brainstorming", "evaluating", "ways_forward", "closing"]
Minutes = Annotated[int, Field(strict=True, ge=1, le=24 * 60), WHOLE]


class SessionPatch(Body):
    """Fields left out stay as they are; null clears the day, the times, the place."""

    title: Title200 | SkipJsonSchema[None] = None
    day: Day | None = None
    start_time: Clock | None = None
    end_time: Clock | None = Field(default=None, description="After start_time (else 409)")
    place: Line200 | None = None
    level: Level | SkipJsonSchema[None] = Field(default=None, description=LEVEL_RULE)


class SessionBody(SessionPatch):
    """Fields left out (or null) take their defaults (the level: the workshop's)."""

    title: Title200
    level: Level | None = Field(default=None, description=LEVEL_RULE)


class ItemPatch(Body):
    """Fields left out stay as they are; a null level is the session's."""

    title: Title200 | SkipJsonSchema[None] = None
    description: Text4000 | None = None
    kind: Kind | SkipJsonSchema[None] = None
    phase: Phase | SkipJsonSchema[None] = None
    duration_minutes: Minutes | SkipJsonSchema[None] = None
    level: Level | None = Field(default=None, description=LEVEL_RULE)


class ItemBody(ItemPatch):
    """Fields left out (or null) take their defaults."""

    title: Title200
    kind: Kind | None = None
    phase: Phase | None = None
    duration_minutes: Minutes | None = None


class MoveBody(Body):
    direction: Literal["up", "down"]


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
