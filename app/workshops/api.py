"""JSON API for workshops: list, create, read, edit, lifecycle, archive, parties, staff.

Bodies are pydantic models with max lengths; every value then goes through the same
services (and checks) as the HTML forms. Responses are built from view models.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from app import policy
from app.deps import DbDep, SettingsDep, ViewerDep
from app.views import as_json
from app.workshops import archive as archiving
from app.workshops import parties as parties_service
from app.workshops import service
from app.workshops import staff as staff_service
from app.workshops.present import staff_view, with_sizes

router = APIRouter(tags=["workshops"])

Text200 = Field(default=None, max_length=200)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkshopFields(Body):
    purpose: str | None = Field(default=None, max_length=4000)
    track: str | None = Field(default=None, max_length=16)
    start_date: str | None = Field(default=None, max_length=32)
    end_date: str | None = Field(default=None, max_length=32)
    timezone: str | None = Field(default=None, max_length=64)
    languages: str | None = Field(default=None, max_length=200)
    k_min: int | str | None = Field(default=None)
    default_level: str | None = Field(default=None, max_length=16)
    archive_after_days: int | str | None = Field(default=None)
    staff_two_step: bool | None = Field(
        default=None, description="Staff must use two-step sign-in (needs your own)."
    )


class WorkshopCreate(WorkshopFields):
    title: str = Field(max_length=200)


class WorkshopPatch(WorkshopFields):
    title: str | None = Field(default=None, max_length=200)


class StatusBody(Body):
    to: str = Field(max_length=16)


class ArchiveBody(Body):
    confirm_title: str = Field(max_length=400)


class PartyBody(Body):
    name: str = Field(max_length=120)
    description: str | None = Field(default="", max_length=1000)


class PartyPatch(Body):
    name: str | None = Field(default=None, max_length=120)
    description: str | None = Field(default=None, max_length=1000)


class MoveBody(Body):
    direction: str = Field(max_length=8)


class StaffBody(Body):
    email: str = Field(max_length=254)
    role: str = Field(max_length=16)


class RoleBody(Body):
    role: str = Field(max_length=16)


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
