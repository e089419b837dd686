"""JSON API of the transfer log: /api/v1/workshops/{id}/transfer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import Field

from app.apiroutes import ApiRoute, Body, Id
from app.apitext import Line1000, Title300
from app.deps import DbDep, ViewerDep
from app.evaluation import transfer
from app.evaluation.transfer_present import as_dict, present
from app.evaluation.transfer_routes import views_of

router = APIRouter(tags=["transfer"], route_class=ApiRoute)

# A day from 1990 on (what the service takes): the year in the pattern, the rest by the format.
Since1990 = Annotated[
    str,
    Field(
        pattern=r"^(199[0-9]|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$",
        json_schema_extra={"format": "date"},
        description="The day of the briefing (YYYY-MM-DD), from 1990 on",
    ),
]


class TransferIn(Body):
    item: str = Field(
        default="whole",
        max_length=16,
        description='"whole", or the number of an item of the released summary (else 409)',
    )
    destination: Title300
    briefed_on: Since1990
    by: Id = Field(description="The user id of a staff member of the workshop (else 409)")
    outcome: Line1000 = ""


class OutcomeIn(Body):
    outcome: Line1000


@router.get("/workshops/{workshop_id}/transfer")
async def list_transfers(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    return {"transfers": [as_dict(v) for v in views_of(db, workshop, viewer)]}


@router.post("/workshops/{workshop_id}/transfer", status_code=201)
async def record_transfer(
    workshop_id: str, data: TransferIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    entry = transfer.record(db, viewer=viewer, workshop=workshop, **data.model_dump())
    names = {s.user_id: s.name for s in transfer.staff_of(db, workshop, viewer=viewer)}
    return as_dict(present(entry, names))


@router.patch("/workshops/{workshop_id}/transfer/{transfer_id}")
async def transfer_outcome(
    workshop_id: str, transfer_id: str, data: OutcomeIn, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    entry = transfer.set_outcome(
        db, viewer=viewer, workshop=workshop, entry_id=transfer_id, outcome=data.outcome
    )
    names = {s.user_id: s.name for s in transfer.staff_of(db, workshop, viewer=viewer)}
    return as_dict(present(entry, names))


@router.delete("/workshops/{workshop_id}/transfer/{transfer_id}", status_code=204)
async def delete_transfer(
    workshop_id: str, transfer_id: str, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = transfer.workshop_for(db, workshop_id, viewer=viewer)
    transfer.delete(db, viewer=viewer, workshop=workshop, entry_id=transfer_id)
    return Response(status_code=204)
