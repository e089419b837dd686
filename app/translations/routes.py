"""The translator's page: texts to translate, a form per text and language (no JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import policy
from app.deps import DbDep, ViewerDep
from app.errors import DomainError, Invalid
from app.policy import Viewer
from app.templating import render
from app.translations import service as languages
from app.translations import texts
from app.workshops import service as workshops
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, see_other

router = APIRouter(tags=["translations"])


def _page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    refused: dict[str, str] | None = None,
    message: str = "",
) -> Response:
    context = {
        "workshop": policy.present(workshop, viewer),
        "items": texts.worklist(db, viewer=viewer, workshop=workshop),
        "targets": [
            (code, languages.language_name(code), languages.direction(code))
            for code in languages.languages(workshop)
        ],
        "refused": refused or {},
        "message": message,
    }
    return render(request, "translations/translate.html", context, status=status)


@router.get("/w/{workshop_id}/translate", response_class=HTMLResponse)
async def translate_page(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="translate")
    return _page(request, db, workshop, viewer)


@router.post("/w/{workshop_id}/translate", response_class=HTMLResponse)
async def save_translation(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="translate")
    data = await form_data(request)
    try:
        texts.save(
            db,
            viewer=viewer,
            workshop=workshop,
            kind=data.get("kind"),
            object_id=data.get("id"),
            lang=data.get("lang"),
            text=data.get("text"),
        )
    except DomainError as exc:
        if exc.status_code == 404 or not isinstance(exc, Invalid):
            raise
        db.rollback()
        workshop = workshops.get(db, workshop_id, viewer=viewer, action="translate")
        return _page(
            request, db, workshop, viewer, status=exc.status_code, refused=data, message=exc.message
        )
    return see_other(f"/w/{workshop.id}/translate#t-{data.get('kind')}-{data.get('id')}")
