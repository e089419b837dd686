"""HTML routes for workshops: create, the participant home, the manage overview and
lifecycle, settings, archive, parties and staff."""

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
from app.policy import STAFF_ROLES, Viewer
from app.rules import present as rules_present
from app.rules import service as rules
from app.templating import render
from app.translations import service as translations
from app.translations.service import language_name
from app.views import LEVEL_LABELS, ROLE_LABELS
from app.workshops import archive as archiving
from app.workshops import parties as parties_service
from app.workshops import purpose, service
from app.workshops import staff as staff_service
from app.workshops.models import Workshop
from app.workshops.page_helpers import form_data, is_htmx, manage_context, see_other
from app.workshops.present import staff_view, with_sizes

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
    error: str | None = None,
    status: int = 200,
) -> Response:
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
        error=error,
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
    except (Invalid, DomainError) as exc:
        if exc.status_code == 404:
            raise
        db.rollback()
        workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
        return _overview(request, db, workshop, viewer, error=exc.message, status=exc.status_code)
    return see_other(f"/w/{workshop.id}/manage")


# -- manage: settings ------------------------------------------------------------------------


@router.get("/w/{workshop_id}/manage/settings", response_class=HTMLResponse)
async def settings_form(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    context = manage_context(db, workshop, viewer, "/settings", **_settings_choices(workshop))
    context["values"] = {
        **_form_values(workshop, {}),
        **purpose.form_values(db, workshop, viewer=viewer),
    }
    return render(request, "workshops/settings.html", context)


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
        db.rollback()
        workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
        context = manage_context(db, workshop, viewer, "/settings", **_settings_choices(workshop))
        context.update(values=data, errors=exc.errors)
        return render(request, "workshops/settings.html", context, status=422)
    return see_other(f"/w/{workshop.id}/manage")


# -- manage: archive -------------------------------------------------------------------------


@router.get("/w/{workshop_id}/manage/archive", response_class=HTMLResponse)
async def archive_form(
    workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    return render(
        request, "workshops/archive.html", manage_context(db, workshop, viewer, "/archive")
    )


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
        if exc.status_code == 404:
            raise
        db.rollback()
        workshop = service.get(db, workshop_id, viewer=viewer, action="workshop.manage")
        context = manage_context(db, workshop, viewer, "/archive")
        errors = exc.errors if isinstance(exc, Invalid) else {}
        context.update(values=data, errors=errors, error=None if errors else exc.message)
        return render(request, "workshops/archive.html", context, status=exc.status_code)
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


# -- manage: staff ---------------------------------------------------------------------------


def _staff_page(
    request: Request,
    db: Session,
    workshop: Workshop,
    viewer: Viewer,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    members = [staff_view(m, viewer) for m in staff_service.list_staff(db, workshop, viewer=viewer)]
    context = manage_context(
        db,
        workshop,
        viewer,
        "/staff",
        members=members,
        roles={r: ROLE_LABELS[r] for r in STAFF_ROLES},
    )
    context.update(extra)
    return render(request, "workshops/staff.html", context, status=status)


def _staff_workshop(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    return service.get(db, workshop_id, viewer=viewer, action="staff.manage")


def _staff_refused(
    request: Request,
    db: Session,
    workshop_id: str,
    viewer: Viewer,
    exc: DomainError,
    data: dict[str, str],
) -> Response:
    if exc.status_code == 404:
        raise exc
    db.rollback()
    workshop = _staff_workshop(db, workshop_id, viewer)
    errors = exc.errors if isinstance(exc, Invalid) else {}
    return _staff_page(
        request,
        db,
        workshop,
        viewer,
        status=exc.status_code,
        values=data,
        errors=errors,
        message=None if errors else exc.message,
    )


@router.get("/w/{workshop_id}/manage/staff", response_class=HTMLResponse)
async def staff(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    return _staff_page(request, db, _staff_workshop(db, workshop_id, viewer), viewer)


@router.post("/w/{workshop_id}/manage/staff", response_class=HTMLResponse)
async def add_staff(workshop_id: str, request: Request, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = _staff_workshop(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        staff_service.add(
            db, viewer=viewer, workshop=workshop, email=data.get("email"), role=data.get("role")
        )
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, data)
    return see_other(f"/w/{workshop.id}/manage/staff")


@router.post("/w/{workshop_id}/manage/staff/{membership_id}/role", response_class=HTMLResponse)
async def change_role(
    workshop_id: str, membership_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _staff_workshop(db, workshop_id, viewer)
    data = await form_data(request)
    try:
        staff_service.change_role(
            db, viewer=viewer, workshop=workshop, membership_id=membership_id, role=data.get("role")
        )
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, {})
    return see_other(f"/w/{workshop.id}/manage/staff")


@router.post("/w/{workshop_id}/manage/staff/{membership_id}/remove", response_class=HTMLResponse)
async def remove_staff(
    workshop_id: str, membership_id: str, request: Request, db: DbDep, viewer: ViewerDep
) -> Response:
    workshop = _staff_workshop(db, workshop_id, viewer)
    try:
        staff_service.remove(db, viewer=viewer, workshop=workshop, membership_id=membership_id)
    except DomainError as exc:
        return _staff_refused(request, db, workshop_id, viewer, exc, {})
    if viewer.user_id and not any(
        m.user.id == viewer.user_id for m in staff_service.list_staff(db, workshop, viewer=viewer)
    ):
        return see_other("/")
    return see_other(f"/w/{workshop.id}/manage/staff")
