"""JSON API for the translator: the texts to translate, and writing a translation."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from app.apiroutes import ApiRoute, Body, Id
from app.apitext import Text4000
from app.deps import DbDep, ViewerDep
from app.translations import service as languages
from app.translations import texts
from app.workshops import service as workshops

router = APIRouter(tags=["translations"], route_class=ApiRoute)


class TranslationBody(Body):
    kind: Literal["proposal", "note"]
    id: Id = Field(description="A text of the worklist (else 404)")
    lang: str = Field(max_length=16, description="One of the workshop's languages (else 409)")
    text: Text4000 = Field(default="", description="The translation; empty deletes it")


@router.get("/workshops/{workshop_id}/translate")
async def worklist(workshop_id: str, db: DbDep, viewer: ViewerDep) -> dict[str, Any]:
    """What the translator may translate (text only), and the workshop's languages."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="translate")
    return {
        "languages": languages.languages(workshop),
        "items": [asdict(t) for t in texts.worklist(db, viewer=viewer, workshop=workshop)],
    }


@router.put("/workshops/{workshop_id}/translate")
async def save(
    workshop_id: str, body: TranslationBody, db: DbDep, viewer: ViewerDep
) -> dict[str, Any]:
    """Write one translation (an empty text deletes it)."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="translate")
    texts.save(
        db,
        viewer=viewer,
        workshop=workshop,
        kind=body.kind,
        object_id=body.id,
        lang=body.lang,
        text=body.text,
    )
    return {"saved": True, "kind": body.kind, "id": body.id, "lang": body.lang}
