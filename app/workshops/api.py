"""JSON API for workshops: list, create, read, edit, lifecycle, archive, parties, staff.

Bodies are pydantic models with max lengths; every value then goes through the same
services (and checks) as the HTML forms. Responses are built from view models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from app import policy
from app.apiroutes import WHOLE, ApiRoute, Body, Day, Languages, TimeZone
from app.apitext import Address254, Name120, Text1000, Text4000, Title200, Title400
from app.deps import DbDep, SettingsDep, ViewerDep
from app.views import as_json
from app.workshops import archive as archiving
from app.workshops import parties as parties_service
from app.workshops import service
from app.workshops import staff as staff_service
from app.workshops.present import staff_view, with_sizes
from app.workshops.service import MAX_K, MIN_K

router = APIRouter(tags=["workshops"], route_class=ApiRoute)

Level = Literal["on_record", "chatham", "off_record"]
Track = Literal["track1_5", "track2", "track3"]
Role = Literal["organizer", "facilitator", "rapporteur", "observer", "translator"]
KMin = Annotated[int, Field(strict=True, ge=MIN_K, le=MAX_K), WHOLE]
Days = Annotated[int, Field(strict=True, ge=1, le=3650), WHOLE]


class WorkshopCreate(Body):
    """Fields left out (or null) take their defaults."""

    title: Title200
    purpose: Text4000 | None = None
    track: Track | None = None
    start_date: Day | None = None
    end_date: Day | None = Field(default=None, description="Not before start_date (else 409)")
    timezone: TimeZone | None = None
    languages: Languages | None = None
    k_min: KMin | None = None
    default_level: Level | None = None
    archive_after_days: Days | None = None
    staff_two_step: StrictBool | None = Field(
        default=None,
        description="Staff must use two-step sign-in (needs your own, else 409); null: as it is",
    )


class WorkshopPatch(Body):
    """Fields left out stay as they are; null clears the purpose, the dates, the archive delay."""

    title: Title200 | SkipJsonSchema[None] = None
    purpose: Text4000 | None = None
    track: Track | SkipJsonSchema[None] = None
    start_date: Day | None = None
    end_date: Day | None = Field(default=None, description="Not before start_date (else 409)")
    timezone: TimeZone | SkipJsonSchema[None] = None
    languages: Languages | SkipJsonSchema[None] = None
    k_min: KMin | SkipJsonSchema[None] = None
    default_level: Level | SkipJsonSchema[None] = None
    archive_after_days: Days | None = None
    staff_two_step: StrictBool | None = Field(
        default=None,
        description="Staff must use two-step sign-in (needs your own, else 409); null: as it is",
    )


class StatusBody(Body):
    to: Literal["draft", "open", "live", "closed", "archived"] = Field(
        description="A state the workshop can go to from its own (else 409)"
    )


class ArchiveBody(Body):
    confirm_title: Title400 = Field(description="The workshop's title, exactly (else 409)")


class PartyBody(Body):
    name: Name120 = Field(description="Not a name another party has (else 409)")
    description: Text1000 | None = ""


class PartyPatch(Body):
    name: Name120 | None = Field(default=None, description="null leaves it as it is")
    description: Text1000 | None = None


class MoveBody(Body):
    direction: Literal["up", "down"]


class StaffBody(Body):
    email: Address254 = Field(description="The e-mail of an existing staff account (else 409)")
    role: Role


class RoleBody(Body):
    role: Role


def _set(body: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}


@router.get("/workshops")
async def list_workshops(db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    policy.ensure_signed_in(viewer)
    rows = service.list_for(db, viewer=viewer)
    return {"workshops": [as_json(v) for v in policy.present_all(rows, viewer)]}


@router.post("/workshops", status_code=201)
async def create_workshop(
    body: WorkshopCreate, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    policy.ensure_signed_in(viewer)
    fields = _set(body)
    title = fields.pop("title")
    workshop = service.create(db, settings, viewer=viewer, title=title, **fields)
    return as_json(policy.present(workshop, viewer))


@router.get("/workshops/{workshop_id}")
async def read_workshop(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer)
    return as_json(policy.present(workshop, viewer))


@router.patch("/workshops/{workshop_id}")
async def edit_workshop(
    workshop_id: str, body: WorkshopPatch, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    data = body.model_dump(exclude_unset=True)
    service.update(db, settings, viewer=viewer, workshop=workshop, data=data, partial=True)
    return as_json(policy.present(workshop, viewer))


@router.post("/workshops/{workshop_id}/status")
async def change_status(
    workshop_id: str, body: StatusBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    service.transition(db, viewer=viewer, workshop=workshop, to=body.to)
    return as_json(policy.present(workshop, viewer))


@router.post("/workshops/{workshop_id}/archive")
async def archive_workshop(
    workshop_id: str, body: ArchiveBody, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    """Archive a closed workshop for good: its keys, author tags and roster data are destroyed."""
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    archived = archiving.archive(
        db, settings, viewer=viewer, workshop=workshop, confirm_title=body.confirm_title
    )
    return as_json(policy.present(archived, viewer))


# -- parties ---------------------------------------------------------------------------------


def _parties(db: DbDep, workshop: Any, viewer: Any) -> list[dict[str, Any]]:
    views = policy.present_all(parties_service.list_parties(db, workshop, viewer=viewer), viewer)
    if viewer.may("parties.sizes", workshop.id):
        views = with_sizes(views, parties_service.sizes(db, workshop, viewer=viewer))
    return [as_json(v) for v in views]


@router.get("/workshops/{workshop_id}/parties")
async def list_parties(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    """Party names for the workshop's staff; sizes for organizers, facilitators, rapporteurs."""
    workshop = service.get(db, workshop_id, viewer=viewer)
    return {"parties": _parties(db, workshop, viewer)}


@router.post("/workshops/{workshop_id}/parties", status_code=201)
async def add_party(
    workshop_id: str, body: PartyBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    party = parties_service.add(db, viewer=viewer, workshop=workshop, data=body.model_dump())
    return as_json(policy.present(party, viewer))


@router.patch("/workshops/{workshop_id}/parties/{party_id}")
async def edit_party(
    workshop_id: str, party_id: str, body: PartyPatch, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    party = parties_service.update(
        db, viewer=viewer, workshop=workshop, party_id=party_id, data=_set(body), partial=True
    )
    return as_json(policy.present(party, viewer))


@router.delete("/workshops/{workshop_id}/parties/{party_id}", status_code=204)
async def delete_party(workshop_id: str, party_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    parties_service.delete(db, viewer=viewer, workshop=workshop, party_id=party_id)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/parties/{party_id}/move")
async def move_party(
    workshop_id: str, party_id: str, body: MoveBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    parties_service.move(
        db, viewer=viewer, workshop=workshop, party_id=party_id, direction=body.direction
    )
    return {"parties": _parties(db, workshop, viewer)}


# -- staff -----------------------------------------------------------------------------------


@router.get("/workshops/{workshop_id}/staff")
async def list_staff(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="staff.manage")
    members = staff_service.list_staff(db, workshop, viewer=viewer)
    return {"staff": [as_json(staff_view(m, viewer)) for m in members]}


@router.post("/workshops/{workshop_id}/staff", status_code=201)
async def add_staff(
    workshop_id: str, body: StaffBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="staff.manage")
    member = staff_service.add(
        db, viewer=viewer, workshop=workshop, email=body.email, role=body.role
    )
    return as_json(staff_view(member, viewer))


@router.patch("/workshops/{workshop_id}/staff/{membership_id}")
async def change_role(
    workshop_id: str, membership_id: str, body: RoleBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = service.get(db, workshop_id, viewer=viewer, action="staff.manage")
    member = staff_service.change_role(
        db, viewer=viewer, workshop=workshop, membership_id=membership_id, role=body.role
    )
    return as_json(staff_view(member, viewer))


@router.delete("/workshops/{workshop_id}/staff/{membership_id}", status_code=204)
async def remove_staff(
    workshop_id: str, membership_id: str, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="staff.manage")
    staff_service.remove(db, viewer=viewer, workshop=workshop, membership_id=membership_id)
    return Response(status_code=204)
