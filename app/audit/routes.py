"""The organizer's audit-log page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app import policy
from app.audit import service
from app.deps import DbDep, ViewerDep
from app.templating import render
from app.workshops import service as workshops
from app.workshops.page_helpers import manage_context

router = APIRouter(tags=["audit"])


@router.get("/w/{workshop_id}/manage/audit", response_class=HTMLResponse)
async def audit_log(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="audit.read")
    entries = policy.present_all(service.list_for(db, workshop.id, viewer=viewer), viewer)
    context = manage_context(db, workshop, viewer, "/audit", entries=entries)
    return render(request, "audit/list.html", context)
