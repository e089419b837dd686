"""JSON API of the transfer log: /api/v1/workshops/{id}/transfer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from app.deps import DbDep, ViewerDep
from app.evaluation import transfer
from app.evaluation.transfer_present import as_dict, present
from app.evaluation.transfer_routes import views_of

router = APIRouter(tags=["transfer"])


class TransferIn(BaseModel):
    item: str = Field(default="whole", max_length=16)
    destination: str = Field(max_length=transfer.MAX_DESTINATION)
    briefed_on: str = Field(max_length=10)
    by: str = Field(max_length=32)
    outcome: str = Field(default="", max_length=transfer.MAX_OUTCOME)


class OutcomeIn(BaseModel):
    outcome: str = Field(max_length=transfer.MAX_OUTCOME)


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
