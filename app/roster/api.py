"""JSON API for the roster (organizers only): list, add (the invitation URL is returned
once), revoke, re-admit. Never an invitation or recovery hash."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from app import policy
from app.apiroutes import ApiRoute, Body, Id
from app.apitext import Line200, Name120
from app.deps import DbDep, SettingsDep, ViewerDep
from app.roster import service
from app.roster.organizer_routes import invitation_view
from app.views import as_json
from app.workshops import service as workshops
from app.workshops.state import ensure_writable

router = APIRouter(tags=["roster"], route_class=ApiRoute)


class ParticipantBody(Body):
    display_name: Name120
    party_id: Id = Field(description="A party of this workshop (else 409)")
    affiliation: Line200 | None = ""


@router.get("/workshops/{workshop_id}/roster")
async def list_roster(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="roster.read")
    rows = service.list_for(db, workshop, viewer=viewer)
    return {"participants": [as_json(v) for v in policy.present_all(rows, viewer)]}


@router.post("/workshops/{workshop_id}/roster", status_code=201)
async def add_participant(
    workshop_id: str, body: ParticipantBody, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="roster.manage")
    ensure_writable(workshop)
    invitation = service.add(
        db,
        viewer=viewer,
        workshop=workshop,
        display_name=body.display_name,
        party_id=body.party_id,
        affiliation=body.affiliation or "",
    )
    db.flush()
    return {
        "participant": as_json(policy.present(invitation.participant, viewer)),
        "invitation_url": invitation_view(settings, invitation).url,
    }


@router.post("/workshops/{workshop_id}/roster/{participant_id}/revoke")
async def revoke(
    workshop_id: str, participant_id: str, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="roster.manage")
    ensure_writable(workshop)
    service.revoke(db, viewer=viewer, workshop=workshop, participant_id=participant_id)
    participant = service.get(db, workshop, participant_id, viewer=viewer)
    return {"participant": as_json(policy.present(participant, viewer))}


@router.post("/workshops/{workshop_id}/roster/{participant_id}/readmit")
async def readmit(
    workshop_id: str, participant_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="roster.manage")
    invitation = service.readmit(
        db, viewer=viewer, workshop=workshop, participant_id=participant_id
    )
    db.flush()
    return {
        "participant": as_json(policy.present(invitation.participant, viewer)),
        "invitation_url": invitation_view(settings, invitation).url,
    }
