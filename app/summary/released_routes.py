"""HTML routes for the released summary: its page and its files, also after the archive."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import DbDep, ViewerDep
from app.errors import NotFound
from app.summary import released, service
from app.templating import render

router = APIRouter(tags=["summary"])


@router.get("/w/{workshop_id}/summary/released", response_class=HTMLResponse)
async def page(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    context = {
        "workshop_id": workshop.id,
        "archived": workshop.status == "archived",
        "formats": released.kept(db, workshop, viewer=viewer),
    }
    return render(request, "summary/released.html", context)


@router.post("/w/{workshop_id}/summary/released.{fmt}")
async def download(workshop_id: str, fmt: str, db: DbDep, viewer: ViewerDep) -> Response:
    """The file exactly as released (audit-logged like an export)."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    kept = released.read(db, workshop, viewer=viewer, fmt=fmt)
    if kept is None:
        raise NotFound()
    released.record_download(db, workshop, viewer=viewer, fmt=fmt)
    return Response(
        kept.body,
        media_type=kept.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{kept.filename}"',
            "Cache-Control": "no-store",
        },
    )
