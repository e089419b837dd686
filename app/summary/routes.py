"""HTML routes for the summary: the staff workspace, the participant review, the exports.

Exports are POST forms (CSRF-protected) that answer with the file as an attachment: each
export writes an audit entry, and DESIGN.md says no GET changes state.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import Invalid, NotFound
from app.forms import refused
from app.ids import new_id
from app.policy import Viewer
from app.summary import released_routes, service
from app.summary.formats import text
from app.summary.formats.registry import FORMATS, export_language, registry, second_language
from app.summary.formats.registry import render as render_format
from app.templating import render
from app.views import LEVEL_LABELS
from app.workshops.models import Workshop

router = APIRouter(tags=["summary"])
router.include_router(released_routes.router)
Text = Annotated[str, Form()]


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _workspace(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: Viewer,
    workshop: Workshop,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The summary workspace; a refused form's message without a field shows as "form"."""
    errors = errors or ({"form": message} if message else {})
    hits = service.check(db, settings, workshop, viewer=viewer)
    context: dict[str, Any] = {
        "workshop_id": workshop.id,
        "workshop_title": workshop.title,
        "summary": service.draft(db, settings, workshop, viewer=viewer),
        "hits": hits,
        "open_hits": sum(1 for h in hits if h.action is None),
        "terms": service.terms(db, workshop, viewer=viewer),
        "choices": service.choices(db, workshop, viewer=viewer),
        "review": service.review_state(db, settings, workshop, viewer=viewer),
        "can_export": viewer.may("summary.export", workshop.id),
        "formats": FORMATS,
        "rules": service.RULES,
        "errors": errors or {},
        "values": values or {},
        "level_labels": LEVEL_LABELS,
    }
    return render(request, "summary/workspace.html", context, status=status)


@router.get("/w/{workshop_id}/summary", response_class=HTMLResponse)
async def workspace(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    if workshop.status == "archived":  # its keys are gone: only the released summary is left
        return _see_other(f"/w/{workshop.id}/summary/released")
    return _workspace(request, db, settings, viewer, workshop)


async def _form_error(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: Viewer,
    workshop: Workshop,
    exc: Invalid,
) -> HTMLResponse:
    """Draw the workspace again around a refused form (`app.forms.refused`)."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    return refused(
        db,
        exc,
        values,
        lambda **shown: _workspace(request, db, settings, viewer, workshop, **shown),
    )


@router.post("/w/{workshop_id}/summary/terms", response_class=HTMLResponse)
async def add_term(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    term: Text = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.add_term(db, workshop, viewer=viewer, term=term)
    except Invalid as exc:
        return await _form_error(request, db, settings, viewer, workshop, exc)
    return _see_other(f"/w/{workshop.id}/summary#check")


@router.post("/w/{workshop_id}/summary/terms/{term_id}/delete")
async def remove_term(workshop_id: str, term_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.remove_term(db, workshop, viewer=viewer, term_id=term_id)
    return _see_other(f"/w/{workshop.id}/summary#check")


@router.post("/w/{workshop_id}/summary/hits/{fingerprint}", response_class=HTMLResponse)
async def decide(
    workshop_id: str,
    fingerprint: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    action: Text = "",
    reason: Text = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    try:
        service.decide(
            db,
            settings,
            workshop,
            viewer=viewer,
            fingerprint=fingerprint,
            action=action,
            reason=reason,
        )
    except Invalid as exc:
        exc.errors = {f"hit-{fingerprint}": exc.message}
        return await _form_error(request, db, settings, viewer, workshop, exc)
    return _see_other(f"/w/{workshop.id}/summary#check")


@router.post("/w/{workshop_id}/summary/hits/{kept_hit}/approve")
async def approve(
    workshop_id: str, kept_hit: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """The second staff member's approval of a kept name or affiliation."""
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.approve(db, settings, workshop, viewer=viewer, fingerprint=kept_hit)
    return _see_other(f"/w/{workshop.id}/summary#check")


@router.post("/w/{workshop_id}/summary/hits/{fingerprint}/reopen")
async def reopen(workshop_id: str, fingerprint: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.reopen(db, workshop, viewer=viewer, fingerprint=fingerprint)
    return _see_other(f"/w/{workshop.id}/summary#check")


@router.post("/w/{workshop_id}/summary/proposals/{proposal_id}")
async def choose(
    workshop_id: str, proposal_id: str, db: DbDep, viewer: ViewerDep, choice: Text = ""
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer)
    service.choose(db, workshop, viewer=viewer, proposal_id=proposal_id, choice=choice)
    return _see_other(f"/w/{workshop.id}/summary#proposals")


@router.post("/w/{workshop_id}/summary/review/open", response_class=HTMLResponse)
async def open_review(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    rule: Text = "",
    min_signoffs: Text = "1",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    try:
        service.open_review(
            db, settings, workshop, viewer=viewer, rule=rule, min_signoffs=min_signoffs
        )
    except Invalid as exc:
        return await _form_error(request, db, settings, viewer, workshop, exc)
    return _see_other(f"/w/{workshop.id}/summary#review")


@router.post("/w/{workshop_id}/summary/review/close")
async def close_review(workshop_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    service.close_review(db, workshop, viewer=viewer)
    return _see_other(f"/w/{workshop.id}/summary#review")


@router.post("/w/{workshop_id}/summary/release", response_class=HTMLResponse)
async def release(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    override: Text = "",
) -> Response:
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    try:
        service.release(db, settings, workshop, viewer=viewer, override=override)
    except Invalid as exc:
        return await _form_error(request, db, settings, viewer, workshop, exc)
    return _see_other(f"/w/{workshop.id}/summary#review")


@router.post("/w/{workshop_id}/summary/export.{fmt}")
async def export(
    workshop_id: str,
    fmt: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    lang: Text = "",
    lang2: Text = "",
) -> Response:
    """The file in the chosen language, generated now and never kept; blocked (409) while a
    hit is open."""
    formats = registry()
    if fmt not in formats:
        raise NotFound()
    workshop = service.workshop_for(db, workshop_id, viewer=viewer, action="summary.export")
    language = export_language(lang)
    second = second_language(fmt, language, lang2)
    try:
        model = service.export_model(db, settings, workshop, viewer=viewer)
    except service.ExportBlocked as exc:
        hits = [h for h in service.check(db, settings, workshop, viewer=viewer) if not h.action]
        context = {"workshop_id": workshop.id, "message": exc.message, "hits": hits}
        return render(request, "summary/blocked.html", context, status=409)
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


# -- participants --------------------------------------------------------------------------


@router.get("/w/{workshop_id}/summary/review", response_class=HTMLResponse)
async def review_page(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    # one comment however often its form is posted
    values = {"body": "", "idempotency_key": new_id()}
    return _review_page(request, db, settings, workshop_id, viewer, values=values)


def _review_page(
    request: Request,
    db: Session,
    settings: Settings,
    workshop_id: str,
    viewer: Viewer,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The participants' review page; a refusal without a field shows beside the comment."""
    view = service.participant_view(db, settings, workshop_id, viewer=viewer)
    context = {
        "workshop_id": workshop_id,
        "view": view,
        "summary": view.summary,
        "marker": text.original_marker,  # the draft is in the reader's language
        "errors": errors or ({"body": message} if message else {}),
        **values,
    }
    return render(request, "summary/review.html", context, status=status)


@router.post("/w/{workshop_id}/summary/review/signoff")
async def sign_off(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep, seen: Text = ""
) -> Response:
    service.sign_off(db, settings, workshop_id, viewer=viewer, seen=seen)
    return _see_other(f"/w/{workshop_id}/summary/review#respond")


@router.post("/w/{workshop_id}/summary/review/comment", response_class=HTMLResponse)
async def comment(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    body: Text = "",
    seen: Text = "",
    idempotency_key: Text = "",
) -> Response:
    try:
        service.comment(
            db,
            settings,
            workshop_id,
            viewer=viewer,
            body=body,
            seen=seen,
            idempotency_key=idempotency_key,
        )
    except Invalid as exc:
        values = {"body": body, "idempotency_key": idempotency_key}
        return refused(
            db,
            exc,
            values,
            lambda **shown: _review_page(request, db, settings, workshop_id, viewer, **shown),
        )
    return _see_other(f"/w/{workshop_id}/summary/review#respond")
