"""JSON API for the audit log (organizers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app import policy
from app.apiroutes import ApiRoute
from app.audit import service
from app.deps import DbDep, ViewerDep
from app.views import as_json
from app.workshops import service as workshops

router = APIRouter(tags=["audit"], route_class=ApiRoute)


@router.get("/workshops/{workshop_id}/audit")
async def audit_log(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="audit.read")
    rows = service.list_for(db, workshop.id, viewer=viewer)
    return {"entries": [as_json(v) for v in policy.present_all(rows, viewer)]}
