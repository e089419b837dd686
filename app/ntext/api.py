"""JSON API of the negotiating text: read it, mark and critique its paragraphs, and for the
facilitating staff draft and publish versions and figures. Answers are the page's view model
(app/ntext/page.py): no author field, `mine` as 1 or 0, and the caller's own mark as the
state of its three controls (`my_mark`: 1 or 0 for each value), so that the answer has one
size and one shape whatever the caller marked."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field

from app.apiroutes import ApiRoute, Body, IdempotencyKey
from app.apitext import Text60000, Words2000, Words60000
from app.deps import DbDep, SettingsDep, ViewerDep
from app.ntext import figures, marks, page, service, signoff
from app.ntext.present import mark_state
from app.room import service as room

router = APIRouter(
    prefix="/workshops/{workshop_id}/texts/{text_id}", tags=["ntext"], route_class=ApiRoute
)


Lang = Annotated[str, Field(max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


class DraftIn(Body):
    text: Words60000 = Field(
        description="Paragraphs separated by a blank line: at most 60, of at most 4000 "
        "characters each (else 409)"
    )
    lang: str = Field(
        default="",
        max_length=16,
        pattern=r"^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$",
        description="One of the workshop's languages (else 409); its first by default",
    )
    texts: dict[Lang, Text60000] = Field(
        default_factory=dict,
        max_length=20,
        json_schema_extra={"additionalProperties": False},  # only keys of the pattern
        description="The same text in other workshop languages, by language code (else 409): "
        "as many paragraphs as `text` (else 409); one left empty is left out, and its readers "
        "get the original",
    )


class MarkIn(Body):
    value: Literal["agree", "disagree", "pass"]


class SignoffIn(Body):
    seen: str = Field(
        default="",
        max_length=64,
        pattern=r"^([0-9a-f]{64})?$",
        description="The fingerprint of the version the caller read (`signoff.fingerprint`): "
        "409 if another version is in force now",
    )


class CritiqueIn(Body):
    text: Words2000
    idempotency_key: IdempotencyKey


def _read(
    db: DbDep, settings: SettingsDep, viewer: ViewerDep, workshop_id: str, item_id: str
) -> dict[str, Any]:
    db.flush()
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=item_id)
    data = asdict(page.text_page(db, settings, viewer=viewer, workshop=workshop, item=item))
    for version in data["versions"]:
        for paragraph in version["paragraphs"]:
            paragraph["my_mark"] = mark_state(paragraph["my_mark"])
    return data


@router.get("")
async def read_text(
    workshop_id: str, text_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    """Every version the caller may read (newest first), read in the caller's language where
    the version has it (else the original, `original_name` naming its language), each
    paragraph in every language of its version (`languages`), with its changes against the
    previous version in the language read, published figures if shown, the caller's own marks (as
    control states), the critiques listed beside it (in groups of at least the minimum
    batch) and the caller's own pending critiques (`pending`)."""
    return _read(db, settings, viewer, workshop_id, text_id)


@router.put("/draft")
async def save_draft(
    workshop_id: str,
    text_id: str,
    body: DraftIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    """The next version as a draft: paragraphs separated by a blank line, in the original
    language (`lang`) and in any other workshop language (`texts`), aligned by number."""
    workshop = room.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    service.save_draft(
        db,
        viewer=viewer,
        workshop=workshop,
        item=item,
        text=body.text,
        lang=body.lang,
        texts=body.texts,
    )
    return _read(db, settings, viewer, workshop_id, text_id)


@router.post("/publish")
async def publish_version(
    workshop_id: str, text_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    workshop = room.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    service.publish_version(db, viewer=viewer, workshop=workshop, item=item)
    return _read(db, settings, viewer, workshop_id, text_id)


@router.post("/figures")
async def publish_figures(
    workshop_id: str, text_id: str, db: DbDep, viewer: ViewerDep
) -> dict[str, int]:
    """Publish the figures now; how many paragraphs kept their earlier figures."""
    workshop = room.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    return {"withheld": figures.publish(db, viewer=viewer, workshop=workshop, item=item)}


@router.put("/paragraphs/{paragraph_id}/mark")
async def mark(
    workshop_id: str,
    text_id: str,
    paragraph_id: str,
    body: MarkIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, str]:
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    value = marks.mark(
        db, settings, viewer=viewer, workshop=workshop, paragraph_id=paragraph_id, value=body.value
    )
    return {"value": value}


@router.post("/paragraphs/{paragraph_id}/critiques", status_code=201)
async def critique(
    workshop_id: str,
    text_id: str,
    paragraph_id: str,
    body: CritiqueIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    """A critique of a paragraph: pending until the facilitator reveals a batch (through
    the room's reveal, with its minimum batch); edit or withdraw it as a proposal."""
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    row = marks.critique(
        db,
        settings,
        viewer=viewer,
        workshop=workshop,
        paragraph_id=paragraph_id,
        text=body.text,
        idempotency_key=body.idempotency_key,
    )
    return {"id": row.id, "status": row.status, "mine": 1}


@router.post("/signoff")
async def sign_off(
    workshop_id: str,
    text_id: str,
    body: SignoffIn,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> dict[str, Any]:
    """ "My side can live with this text as a whole", on the version in force: an earlier
    sign-off moves to it. Answers the caller's own state (`signed`, as two controls)."""
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    signoff.sign_off(db, settings, viewer=viewer, workshop=workshop, item=item, seen=body.seen)
    shown = signoff.view(db, settings, viewer=viewer, workshop=workshop, item=item)
    return {"signed": shown.signed if shown else {"current": 0, "earlier": 0}}
