"""HTML routes for workshops: create, the participant home, the manage overview and
lifecycle, settings, archive and parties (staff: app.workshops.staff_routes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from app import policy
from app.agenda import service as agenda
from app.agenda import versions as agenda_versions
from app.agenda.present import SessionView
from app.deps import DbDep, SettingsDep, StaffDep, ViewerDep
from app.errors import DomainError, Invalid
from app.forms import refused
from app.policy import Viewer
from app.rules import present as rules_present
from app.rules import service as rules
from app.templating import render
from app.translations import service as translations
from app.translations.service import language_name
from app.views import LEVEL_LABELS
from app.workshops import archive as archiving
from app.workshops import parties as parties_service
from app.workshops import purpose, service
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, is_htmx, manage_context, see_other
from app.workshops.present import with_sizes

router = APIRouter(tags=["workshops"])

FORM_FIELDS = service.EDITABLE_FIELDS


def _form_values(workshop: Workshop | None, defaults: dict[str, Any]) -> dict[str, Any]:
    if workshop is None:
        return defaults
    values = {name: getattr(workshop, name) for name in FORM_FIELDS}
    for key in ("start_date", "end_date"):
        values[key] = values[key].isoformat() if values[key] else ""
    if values["archive_after_days"] is None:
        values["archive_after_days"] = ""
    return values


def _choices() -> dict[str, Any]:
    return {"tracks": service.TRACKS, "levels": LEVEL_LABELS}


# -- create ----------------------------------------------------------------------------------


@router.get("/workshops/new", response_class=HTMLResponse)
async def new_form(request: Request, viewer: StaffDep, settings: SettingsDep) -> Response:
    defaults = {
        "title": "",
        "purpose": "",
        "track": "track2",
        "start_date": "",
        "end_date": "",
        "timezone": "UTC",
        "languages": "en",
        "k_min": max(settings.default_k, service.MIN_K),
        "default_level": "chatham",
        "archive_after_days": "",
    }
    return render(request, "workshops/new.html", {"values": defaults, "errors": {}, **_choices()})


@router.post("/workshops/new", response_class=HTMLResponse)
async def create(request: Request, db: DbDep, settings: SettingsDep, viewer: StaffDep) -> Response:
    data = await form_data(request)
    fields = {k: v for k, v in data.items() if k in FORM_FIELDS and k != "title"}
    try:
        workshop = service.create(
            db, settings, viewer=viewer, title=data.get("title", ""), **fields
        )
    except Invalid as exc:
        return render(
            request,
            "workshops/new.html",
            {"values": data, "errors": exc.errors, **_choices()},
            status=422,
        )
    return see_other(f"/w/{workshop.id}/manage")


# -- participant home (also the staff's read view) -------------------------------------------


def agenda_views(db: Session, workshop: Workshop, viewer: Viewer) -> list[SessionView]:
    from dataclasses import replace

    groups = agenda.agenda(db, workshop, viewer=viewer)
    ids = [item.id for g in groups for item in g.items]
    texts = agenda_versions.load(db, workshop, ids, viewer=viewer)
    return [
        replace(
            policy.present(g.meeting, viewer),
            items=agenda_versions.for_reader(policy.present_all(g.items, viewer), texts, workshop),
        )
        for g in groups
    ]


@router.get("/w/{workshop_id}", response_class=HTMLResponse)
async def home(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    if policy.translates_only(viewer, workshop_id):
        return see_other(f"/w/{workshop_id}/translate")
    workshop = service.get(db, workshop_id, viewer=viewer)
    view = policy.present(workshop, viewer)
    sessions = agenda_views(db, workshop, viewer)
    live = next((i for s in sessions for i in s.items if i.is_live), None)
    context = {
        "workshop": view,
        "purpose": purpose.for_reader(db, workshop, viewer=viewer),
        "rules": rules_present.for_reader(db, workshop, viewer=viewer),
        "accepted": rules.has_accepted(db, viewer=viewer, workshop=workshop),
        "sessions": sessions,
        "live_item": live,
        "is_participant": viewer.is_participant,
        "can_manage": "parties.sizes" in view.allowed_actions,
    }
    return render(request, "workshops/home.html", context)


# -- manage: overview and lifecycle ----------------------------------------------------------


def _overview(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **shown: Any,
) -> Response:
    """The overview; `shown` is a refused form's message or errors (`app.forms.refused`)."""
    parties = with_sizes(
        policy.present_all(parties_service.list_parties(db, workshop, viewer=viewer), viewer),
        parties_service.sizes(db, workshop, viewer=viewer),
    )
    groups = agenda.agenda(db, workshop, viewer=viewer)
    accepted, active = rules.acceptance_count(db, workshop, viewer=viewer)
    can_manage = viewer.may("workshop.manage", workshop.id)
    context = manage_context(
        db,
        workshop,
        viewer,
        "",
        parties=parties,
        session_count=len(groups),
        item_count=sum(len(g.items) for g in groups),
        rule_count=len(rules.list_rules(db, workshop, viewer=viewer)),
        accepted=accepted,
        active=active,
        transitions=[
            to
            for to in ("open", "live", "closed", "draft")
            if can_manage and to in service.TRANSITIONS[workshop.status]
        ],
        can_archive=can_manage and workshop.status == "closed",
        **shown,
    )
    return render(request, "workshops/manage.html", context, status=status)


@router.get("/w/{workshop_id}/manage", response_class=HTMLResponse)
async def manage(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="parties.sizes")
    return _overview(request, db, workshop, viewer)


@router.post("/w/{workshop_id}/manage/status", response_class=HTMLResponse)
async def change_status(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    data = await form_data(request)
    try:
        service.transition(db, viewer=viewer, workshop=workshop, to=data.get("to"))
    except DomainError as exc:
        return refused(
            db, exc, {}, lambda **shown: _overview(request, db, workshop, viewer, **shown)
        )
    return see_other(f"/w/{workshop.id}/manage")


# -- manage: settings ------------------------------------------------------------------------


@router.get("/w/{workshop_id}/manage/settings", response_class=HTMLResponse)
async def settings_form(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    values = {**_form_values(workshop, {}), **purpose.form_values(db, workshop, viewer=viewer)}
    return _settings_page(request, db, workshop, viewer, values=values)


def _settings_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **shown: Any,
) -> Response:
    """The settings form, with what was typed and the errors when a save was refused."""
    context = manage_context(db, workshop, viewer, "/settings", **_settings_choices(workshop))
    context.update(shown)
    return render(request, "workshops/settings.html", context, status=status)


def _settings_choices(workshop: Workshop) -> dict[str, Any]:
    """The form's choices, and the languages the purpose may be translated into."""
    others = [(c, language_name(c)) for c in translations.other_languages(workshop)]
    return {**_choices(), "other_languages": others}


@router.post("/w/{workshop_id}/manage/settings", response_class=HTMLResponse)
async def save_settings(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    data = await form_data(request)
    try:
        service.update(db, settings, viewer=viewer, workshop=workshop, data=data)
    except Invalid as exc:
        return refused(
            db, exc, data, lambda **shown: _settings_page(request, db, workshop, viewer, **shown)
        )
    return see_other(f"/w/{workshop.id}/manage")


# -- manage: archive -------------------------------------------------------------------------


@router.get("/w/{workshop_id}/manage/archive", response_class=HTMLResponse)
async def archive_form(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    return _archive_page(request, db, workshop, viewer)


def _archive_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **shown: Any,
) -> Response:
    context = manage_context(db, workshop, viewer, "/archive", **shown)
    return render(request, "workshops/archive.html", context, status=status)


@router.post("/w/{workshop_id}/manage/archive", response_class=HTMLResponse)
async def archive(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Archive = crypto-shredding (app/workshops/archive.py): keys, tags, roster data."""
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    data = await form_data(request)
    try:
        archiving.archive(
            db, settings, viewer=viewer, workshop=workshop, confirm_title=data.get("confirm_title")
        )
    except DomainError as exc:
        return refused(
            db, exc, data, lambda **shown: _archive_page(request, db, workshop, viewer, **shown)
        )
    return see_other(f"/w/{workshop.id}/manage")


# -- manage: parties -------------------------------------------------------------------------


def _parties_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    parties = with_sizes(
        policy.present_all(parties_service.list_parties(db, workshop, viewer=viewer), viewer),
        parties_service.sizes(db, workshop, viewer=viewer),
    )
    context = manage_context(
        db,
        workshop,
        viewer,
        "/parties",
        parties=parties,
        editing=None,
        k=policy.effective_k(workshop),
    )
    context.update(extra)
    return render(request, "workshops/parties.html", context, status=status)


def _manager(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return service.get(db, workshop_id, viewer=viewer, action="workshop.manage")


@router.get("/w/{workshop_id}/manage/parties", response_class=HTMLResponse)
async def parties(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    return _parties_page(request, db, _manager(db, workshop_id, viewer), viewer)


@router.post("/w/{workshop_id}/manage/parties", response_class=HTMLResponse)
async def add_party(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        parties_service.add(db, viewer=viewer, workshop=workshop, data=data)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data, editing="new")
    return see_other(f"/w/{workshop.id}/manage/parties")


def _refused(
    request: Request,
    db: Session,
    workshop_id: str,
    viewer: Viewer,
    exc: DomainError,
    data: dict[str, str],
    *,
    editing: str,
) -> Response:
    """Draw the page again around a refused form (`app.forms.refused`)."""

    def redraw(**shown: Any) -> Response:
        workshop = _manager(db, workshop_id, viewer)
        return _parties_page(request, db, workshop, viewer, editing=editing, **shown)

    return refused(db, exc, data, redraw)


@router.post("/w/{workshop_id}/manage/parties/{party_id}", response_class=HTMLResponse)
async def edit_party(
    workshop_id: str, party_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        parties_service.update(db, viewer=viewer, workshop=workshop, party_id=party_id, data=data)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, data, editing=party_id)
    return see_other(f"/w/{workshop.id}/manage/parties")


@router.post("/w/{workshop_id}/manage/parties/{party_id}/delete", response_class=HTMLResponse)
async def delete_party(
    workshop_id: str, party_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    try:
        parties_service.delete(db, viewer=viewer, workshop=workshop, party_id=party_id)
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, editing="")
    return see_other(f"/w/{workshop.id}/manage/parties")


@router.post("/w/{workshop_id}/manage/parties/{party_id}/move", response_class=HTMLResponse)
async def move_party(
    workshop_id: str, party_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _manager(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        parties_service.move(
            db, viewer=viewer, workshop=workshop, party_id=party_id, direction=data.get("direction")
        )
    except DomainError as exc:
        return _refused(request, db, workshop_id, viewer, exc, {}, editing="")
    if is_htmx(request):
        return _parties_page(request, db, workshop, viewer)
    return see_other(f"/w/{workshop.id}/manage/parties")
