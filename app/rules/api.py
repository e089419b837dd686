"""JSON API for ground rules: read, accept (participants), edit and order (staff)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import Field
from pydantic.json_schema import SkipJsonSchema
from sqlmodel import Session

from app import policy
from app.apiroutes import ApiRoute, Body, Whole, no_json_null
from app.apitext import Text4000, Title200
from app.deps import DbDep, ViewerDep
from app.policy import Viewer
from app.rules import present, service
from app.views import as_json
from app.workshops import service as workshops
from app.workshops.models import Workshop

router = APIRouter(tags=["rules"], route_class=ApiRoute)


class RuleBody(Body):
    title: Title200
    body: Text4000 | None = ""


class RulePatch(Body):
    """Fields left out stay as they are; a null body is an empty one."""

    title: Title200 | SkipJsonSchema[None] = None
    body: Text4000 | None = None


class MoveBody(Body):
    direction: Literal["up", "down"]


class AcceptBody(Body):
    version: Whole | None = Field(
        default=None, description="The version read; another than the current one is a 409"
    )


CURRENT = AcceptBody()


def _rules(db: Session, workshop: Workshop, viewer: Viewer) -> dict[str, Any]:
    """The rules as the caller reads them: each in the request's language where written in
    it (lang, dir), else the original with the original language's name."""
    result: dict[str, Any] = {
        "version": workshop.rules_version,
        "rules": [as_json(v) for v in present.for_reader(db, workshop, viewer=viewer)],
    }
    if viewer.is_participant:
        result["accepted"] = service.has_accepted(db, viewer=viewer, workshop=workshop)
    return result


@router.get("/workshops/{workshop_id}/rules")
async def list_rules(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer)
    return _rules(db, workshop, viewer)


@router.post("/workshops/{workshop_id}/rules/accept", dependencies=[Depends(no_json_null)])
async def accept(
    workshop_id: str, db: DbDep, viewer: ViewerDep, body: AcceptBody = CURRENT
) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="room.read")
    version = service.accept(db, viewer=viewer, workshop=workshop, version=body.version)
    return {"accepted": True, "version": version}


def _editor(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action="rules.edit")


@router.post("/workshops/{workshop_id}/rules", status_code=201)
async def add_rule(
    workshop_id: str, body: RuleBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    rule = service.add(db, viewer=viewer, workshop=workshop, data=body.model_dump())
    return {"rule": as_json(policy.present(rule, viewer)), "version": workshop.rules_version}


@router.patch("/workshops/{workshop_id}/rules/{rule_id}")
async def edit_rule(
    workshop_id: str, rule_id: str, body: RulePatch, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    data = body.model_dump(exclude_unset=True)
    rule = service.update(
        db, viewer=viewer, workshop=workshop, rule_id=rule_id, data=data, partial=True
    )
    return {"rule": as_json(policy.present(rule, viewer)), "version": workshop.rules_version}


@router.delete("/workshops/{workshop_id}/rules/{rule_id}", status_code=204)
async def delete_rule(workshop_id: str, rule_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = _editor(db, workshop_id, viewer)
    service.delete(db, viewer=viewer, workshop=workshop, rule_id=rule_id)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/rules/{rule_id}/move")
async def move_rule(
    workshop_id: str, rule_id: str, body: MoveBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = _editor(db, workshop_id, viewer)
    service.move(db, viewer=viewer, workshop=workshop, rule_id=rule_id, direction=body.direction)
    return _rules(db, workshop, viewer)
