"""HTML pages of the negotiating text: the participant's reading and marking page, and the
facilitator's drafting and publishing forms on the same page. Every action is a form POST
answered by a 303 back to the page (works without JavaScript)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.config import Settings
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import DomainError
from app.forms import refused
from app.ntext import figures, marks, page, service, signoff
from app.ntext.present import BAND_LABELS
from app.policy import Viewer
from app.room import service as room
from app.templating import render
from app.workshops.page_helpers import form_data

router = APIRouter(tags=["ntext"])

Draft = Annotated[str, Form(max_length=service.MAX_DRAFT)]
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]


def _url(workshop_id: str, item_id: str, anchor: str = "") -> str:
    return f"/w/{workshop_id}/text/{item_id}" + (f"#{anchor}" if anchor else "")


def _page(
    request: Request,
    db: DbDep,
    settings: Settings,
    viewer: Viewer,
    workshop_id: str,
    text_id: str,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    text = page.text_page(db, settings, viewer=viewer, workshop=workshop, item=item)
    context = {
        "text": text,
        "band_labels": BAND_LABELS,
        "errors": {},
        "values": {},
        "error_target": None,
        "message": None,
        **extra,
    }
    return render(request, "ntext/text.html", context, status=status)


def _refused(
    request: Request,
    db: DbDep,
    settings: Settings,
    viewer: Viewer,
    where: tuple[str, str, str],
    exc: DomainError,
    values: dict[str, Any],
) -> Response:
    workshop_id, item_id, target = where

    def redraw(**shown: Any) -> Response:
        return _page(
            request, db, settings, viewer, workshop_id, item_id, error_target=target, **shown
        )

    return refused(db, exc, values, redraw)


@router.get("/w/{workshop_id}/text/{text_id}", response_class=HTMLResponse)
async def text_page(
    workshop_id: str,
    text_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    return _page(request, db, settings, viewer, workshop_id, text_id)


@router.post("/w/{workshop_id}/text/{text_id}/draft", response_class=HTMLResponse)
async def save_draft(
    workshop_id: str,
    text_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    text: Draft = "",
    lang: Short = "",
) -> Response:
    workshop = room.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    texts = service.texts_from_form(await form_data(request))
    try:
        service.save_draft(
            db, viewer=viewer, workshop=workshop, item=item, text=text, lang=lang, texts=texts
        )
    except DomainError as exc:
        where = (workshop_id, text_id, "draft")
        values = {"text": text, "lang": lang}
        values |= {service.field_name(code): typed for code, typed in texts.items()}
        return _refused(request, db, settings, viewer, where, exc, values)
    return RedirectResponse(_url(workshop_id, text_id, "draft"), status_code=303)


@router.post("/w/{workshop_id}/text/{text_id}/publish", response_class=HTMLResponse)
async def publish_version(
    workshop_id: str,
    text_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = room.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    try:
        service.publish_version(db, viewer=viewer, workshop=workshop, item=item)
    except DomainError as exc:
        where = (workshop_id, text_id, "publish")
        return _refused(request, db, settings, viewer, where, exc, {})
    return RedirectResponse(_url(workshop_id, text_id), status_code=303)


@router.post("/w/{workshop_id}/text/{text_id}/figures", response_class=HTMLResponse)
async def publish_figures(
    workshop_id: str,
    text_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = room.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    try:
        figures.publish(db, viewer=viewer, workshop=workshop, item=item)
    except DomainError as exc:
        where = (workshop_id, text_id, "figures")
        return _refused(request, db, settings, viewer, where, exc, {})
    return RedirectResponse(_url(workshop_id, text_id, "figures"), status_code=303)


@router.post("/w/{workshop_id}/text/{text_id}/paragraphs/{paragraph_id}/mark")
async def mark(
    workshop_id: str,
    text_id: str,
    paragraph_id: str,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    value: Short = "",
) -> Response:
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    marks.mark(
        db, settings, viewer=viewer, workshop=workshop, paragraph_id=paragraph_id, value=value
    )
    return RedirectResponse(_url(workshop_id, text_id, f"p-{paragraph_id}"), status_code=303)


@router.post(
    "/w/{workshop_id}/text/{text_id}/paragraphs/{paragraph_id}/critique",
    response_class=HTMLResponse,
)
async def critique(
    workshop_id: str,
    text_id: str,
    paragraph_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    text: Text = "",
    idempotency_key: Short = "",
) -> Response:
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    try:
        marks.critique(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            paragraph_id=paragraph_id,
            text=text,
            idempotency_key=idempotency_key,
        )
    except DomainError as exc:
        where = (workshop_id, text_id, f"critique-{paragraph_id}")
        return _refused(request, db, settings, viewer, where, exc, {"text": text})
    return RedirectResponse(_url(workshop_id, text_id, f"p-{paragraph_id}"), status_code=303)


@router.post("/w/{workshop_id}/text/{text_id}/signoff", response_class=HTMLResponse)
async def sign_off(
    workshop_id: str,
    text_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    seen: Short = "",
) -> Response:
    """ "My side can live with this text as a whole", on the version in force."""
    workshop = room.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    item = service.text_item(db, viewer=viewer, workshop=workshop, item_id=text_id)
    try:
        signoff.sign_off(db, settings, viewer=viewer, workshop=workshop, item=item, seen=seen)
    except DomainError as exc:
        return _refused(request, db, settings, viewer, (workshop_id, text_id, "signoff"), exc, {})
    return RedirectResponse(_url(workshop_id, text_id, "signoff"), status_code=303)
