"""JSON API for the summary: the attribution check's state, the schema, and exports.

Exports are POST (each one writes an audit entry); the JSON export's schema is published at
/api/v1/summary/schema and in docs/summary-schema.json.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import NotFound
from app.summary import service
from app.summary.formats import json as json_format
from app.summary.formats.registry import export_language, registry, second_language
from app.summary.formats.registry import render as render_format

router = APIRouter(tags=["summary"])


class HitOut(BaseModel):
    fingerprint: str
    where: str
    kind: str
    before: str
    match: str
    after: str
    action: str | None
    reason: str
    match_reason: str


class CheckOut(BaseModel):
    open_hits: int
    hits: list[HitOut]


@router.get("/workshops/{workshop_id}/summary/check", response_model=CheckOut)
async def check(workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep) -> CheckOut:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    hits = service.check(db, settings, workshop, viewer=viewer)
    return CheckOut(
        open_hits=sum(1 for h in hits if h.action is None),
        hits=[HitOut(**h.__dict__) for h in hits],
    )


@router.get("/summary/schema")
async def schema() -> dict[str, Any]:
    """The JSON Schema of the JSON export."""
    return json_format.schema()


@router.post(
    "/workshops/{workshop_id}/summary/export.{fmt}",
    responses={
        200: {
            "description": "The summary file (md, html, pdf, docx or json), never stored",
            "content": {"application/json": {"schema": {"$ref": "/api/v1/summary/schema"}}},
        },
        409: {"description": "Blocked: the attribution check has open hits"},
    },
)
async def export(
    workshop_id: str,
    fmt: str,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    lang: str = "",
    lang2: str = "",
) -> Response:
    """`?lang=` picks the export's language (a shipped code; the request's by default);
    `&lang2=` adds a second one (md, html, pdf): side by side, or in sequence in Markdown."""
    formats = registry()
    if fmt not in formats:
        raise NotFound()
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    language = export_language(lang)
    second = second_language(fmt, language, lang2)
    model = service.export_model(db, settings, workshop, viewer=viewer)
    chosen = formats[fmt]
    body = render_format(fmt, model, language, second)
    service.record_export(db, workshop, viewer=viewer, fmt=fmt)
    return Response(
        body,
        media_type=chosen.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="summary-{workshop.id[:8]}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )
