"""HTML routes of the attitude survey: one page (build, schedule, answer, results) and its
forms, which post and redirect (no JavaScript needed)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app import policy
from app.audit import service as audit
from app.config import Settings
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import DomainError, NotFound
from app.evaluation import impact, impact_formats, service, texts
from app.evaluation.library import EXAMPLES
from app.evaluation.models import SCALE
from app.forms import refused
from app.policy import Viewer
from app.summary.formats.registry import export_language
from app.templating import render
from app.workshops.models import Workshop

router = APIRouter(tags=["evaluation"])

PromptField = Annotated[str, Form(max_length=service.MAX_PROMPT + 200)]
ShortField = Annotated[str, Form(max_length=64)]


def _url(workshop_id: str, anchor: str = "") -> str:
    return f"/w/{workshop_id}/evaluation" + (f"#{anchor}" if anchor else "")


def _page(
    request: Request,
    db: Session,
    settings: Settings,
    workshop: Workshop,
    viewer: Viewer,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    survey = service.survey_of(db, workshop, viewer=viewer)
    items = service.items_of(db, survey, viewer=viewer)
    results = service.published(db, viewer=viewer, workshop=workshop)
    done = (
        service.answered(db, settings, viewer=viewer, workshop=workshop, survey=survey)
        if survey is not None
        else set()
    )
    context: dict[str, Any] = {
        "workshop": policy.present(workshop, viewer),
        "survey": policy.present(survey, viewer) if survey is not None else None,
        "items": policy.present_all(items, viewer),
        "results": policy.present(results, viewer) if results is not None else None,
        "can_build": policy.allowed(viewer, "evaluation.build", workshop)
        and workshop.status != "archived",
        "can_answer": policy.allowed(viewer, "evaluation.answer", workshop),
        "can_export": policy.allowed(viewer, "impact.export", workshop),
        "can_moderate": policy.allowed(viewer, "evaluation.moderate", workshop),
        "texts": policy.present_all(
            texts.revealed_texts(db, viewer=viewer, workshop=workshop), viewer
        ),
        "pending": texts.questions_ready(db, viewer=viewer, workshop=workshop),
        "min_batch": policy.min_batch(workshop),
        "formats": tuple(impact_formats.FORMATS),
        "answered": done,
        "has_secret": done is not None,
        "examples": EXAMPLES,
        "scale": SCALE,
        "values": values or {},
        "errors": errors or {},
        "message": message,
    }
    return render(request, "evaluation/index.html", context, status=status)


def _redraw(
    request: Request,
    db: Session,
    settings: Settings,
    where: tuple[Workshop, Viewer],
    exc: DomainError,
    values: dict[str, Any],
) -> Response:
    workshop, viewer = where

    def redraw(
        *, status: int, values: dict[str, Any], errors: dict[str, str], message: str | None
    ) -> Response:
        return _page(
            request,
            db,
            settings,
            workshop,
            viewer,
            values=values,
            errors=errors,
            message=message,
            status=status,
        )

    return refused(db, exc, values, redraw)


@router.get("/w/{workshop_id}/evaluation", response_class=HTMLResponse)
async def evaluation_page(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    return _page(request, db, settings, workshop, viewer)


@router.post("/w/{workshop_id}/evaluation/items", response_class=HTMLResponse)
async def add_item(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    prompt: PromptField = "",
    kind: ShortField = "likert",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.add_item(db, viewer=viewer, workshop=workshop, prompt=prompt, kind=kind)
    except DomainError as exc:
        values = {"prompt": prompt, "kind": kind}
        return _redraw(request, db, settings, (workshop, viewer), exc, values)
    return RedirectResponse(_url(workshop.id, "statements"), status_code=303)


@router.post("/w/{workshop_id}/evaluation/items/{survey_item_id}", response_class=HTMLResponse)
async def edit_item(
    workshop_id: str,
    survey_item_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    prompt: PromptField = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.edit_item(
            db, viewer=viewer, workshop=workshop, item_id=survey_item_id, prompt=prompt
        )
    except DomainError as exc:
        values = {f"prompt_{survey_item_id}": prompt}
        return _redraw(request, db, settings, (workshop, viewer), exc, values)
    return RedirectResponse(_url(workshop.id, "statements"), status_code=303)


@router.post(
    "/w/{workshop_id}/evaluation/items/{survey_item_id}/delete", response_class=HTMLResponse
)
async def delete_item(
    workshop_id: str,
    survey_item_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.delete_item(db, viewer=viewer, workshop=workshop, item_id=survey_item_id)
    except DomainError as exc:
        return _redraw(request, db, settings, (workshop, viewer), exc, {})
    return RedirectResponse(_url(workshop.id, "statements"), status_code=303)


@router.post("/w/{workshop_id}/evaluation/moments/{moment}", response_class=HTMLResponse)
async def set_moment(
    workshop_id: str,
    moment: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    state: ShortField = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.set_moment(db, viewer=viewer, workshop=workshop, moment=moment, state=state)
    except DomainError as exc:
        return _redraw(request, db, settings, (workshop, viewer), exc, {})
    return RedirectResponse(_url(workshop.id, "moments"), status_code=303)


@router.post("/w/{workshop_id}/evaluation/answers/{moment}", response_class=HTMLResponse)
async def answer(
    workshop_id: str,
    moment: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    form = await request.form()
    given = {str(k): v for k, v in form.items() if isinstance(v, str) and len(v) <= 8000}
    try:
        service.answer(db, settings, viewer=viewer, workshop=workshop, moment=moment, given=given)
    except DomainError as exc:
        return _redraw(request, db, settings, (workshop, viewer), exc, {"moment": moment, **given})
    return RedirectResponse(_url(workshop.id, f"answer-{moment}"), status_code=303)


@router.post("/w/{workshop_id}/evaluation/publish", response_class=HTMLResponse)
async def publish(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.publish(db, viewer=viewer, workshop=workshop)
    except DomainError as exc:
        return _redraw(request, db, settings, (workshop, viewer), exc, {})
    return RedirectResponse(_url(workshop.id, "results"), status_code=303)


@router.post("/w/{workshop_id}/evaluation/impact/{fmt}")
async def impact_report(
    workshop_id: str,
    fmt: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    lang: ShortField = "",
) -> Response:
    """The impact report (organizer) in one of the summary's formats, after the attribution
    check; logged."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    policy.ensure(viewer, "impact.export", workshop)
    if fmt not in impact_formats.FORMATS:
        raise NotFound()
    language = export_language(lang or None)
    try:
        report = impact.build(db, workshop, viewer=viewer)
    except DomainError as exc:
        return _redraw(request, db, settings, (workshop, viewer), exc, {})
    body = impact_formats.render(report, fmt, language)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="impact.export", detail=fmt)
    headers = {"Content-Disposition": f'attachment; filename="impact-report.{fmt}"'}
    return Response(body, media_type=impact_formats.FORMATS[fmt][0], headers=headers)


@router.post("/w/{workshop_id}/evaluation/texts/reveal", response_class=HTMLResponse)
async def reveal_texts(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        texts.reveal_texts(db, viewer=viewer, workshop=workshop)
    except DomainError as exc:
        return _redraw(request, db, settings, (workshop, viewer), exc, {})
    return RedirectResponse(_url(workshop.id, "texts"), status_code=303)


@router.post("/w/{workshop_id}/evaluation/texts/{survey_text_id}", response_class=HTMLResponse)
async def hide_text(
    workshop_id: str,
    survey_text_id: str,
    db: DbDep,
    viewer: ViewerDep,
    hidden: ShortField = "1",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    texts.set_hidden(
        db, viewer=viewer, workshop=workshop, text_id=survey_text_id, hidden=hidden != "0"
    )
    return RedirectResponse(_url(workshop.id, "texts"), status_code=303)
