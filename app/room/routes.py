"""HTML routes of the live room: the participant room and the facilitator console.

Every action is a form POST answered by a 303 back to the page (works without JavaScript);
live regions refresh through htmx from region URLs, each rendering one named block.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session

from app import i18n, policy
from app.config import Settings
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import Conflict, DomainError, Invalid, NotFound
from app.forms import refused
from app.policy import Viewer
from app.room import common, fragments, moderation, proposals, queue, reactions, runtime, service
from app.templating import base_context, render, render_text
from app.workshops.models import Workshop

router = APIRouter(tags=["room"])

Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _room_url(workshop_id: str, anchor: str = "") -> str:
    return f"/w/{workshop_id}/room" + (f"#{anchor}" if anchor else "")


def _console_url(workshop_id: str, item_id: str | None = None, anchor: str = "") -> str:
    url = f"/w/{workshop_id}/console"
    if item_id:
        url += f"?item={item_id}"
    return url + (f"#{anchor}" if anchor else "")


def _context(room: service.RoomState, **extra: Any) -> dict[str, Any]:
    return {
        "room": room,
        "errors": {},
        "values": {},
        "error_target": None,
        "pending_seen": service.pending_fingerprint(room),
        "shared_results": None,
        **extra,
    }


def _shared_region(
    request: Request,
    db: Session,
    settings: Settings,
    viewer: Viewer,
    workshop: Workshop,
    region: str,
) -> Markup | None:
    """A region every participant sees alike, from the shared cache (app/room/fragments.py);
    None for staff, whose view depends on their role."""
    if region not in fragments.SHARED_REGIONS or not policy.sees_room_alike(viewer, workshop.id):
        return None
    item = common.live_item(db, viewer=viewer, workshop=workshop)
    key = (
        item.id if item else None,
        item.state if item else None,
        item.results_shown if item else None,
        workshop.status,
        workshop.k_min,
        i18n.current_locale.get(),
    )

    # The cache reads the bus revision before draw() runs. That is sound because nothing
    # between this request's first query and here awaits: no commit (and no revision bump)
    # can land between the snapshot the rendering reads and the revision it is stored under.
    def draw() -> str:
        room = service.state(db, settings, viewer=viewer, workshop=workshop, regions=(region,))
        # Nothing of this viewer goes into a shared rendering: no token, no name, no flash.
        context = {**base_context(request), "csrf_token": "", "me": None, "flash": None}
        return render_text("room/room.html", {**context, **_context(room)}, region)

    html = request.app.state.fragments.get_or_render(
        request.app.state.bus, workshop_id=workshop.id, region=region, key=key, render=draw
    )
    return Markup(html)  # noqa: S704  # nosec B704 (our autoescaping templates rendered it)


# -- participant room -----------------------------------------------------------------------


def _room_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    workshop_id: str,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    shared = _shared_region(request, db, settings, viewer, workshop, "results")
    regions = service.REGIONS if shared is None else service.REGIONS_BUT_RESULTS
    room = service.state(db, settings, viewer=viewer, workshop=workshop, regions=regions)
    context = _context(room, **extra)
    context["shared_results"] = shared
    return render(request, "room/room.html", context, status=status)


def _room_refused(
    request: Request,
    db: Session,
    settings: Settings,
    viewer: Viewer,
    where: tuple[str, str],
    exc: DomainError,
    values: dict[str, Any],
) -> Response:
    """Draw the room again around a refused form (`app.forms.refused`); `where` is the
    workshop and the form the errors belong to."""
    workshop_id, target = where

    def redraw(**shown: Any) -> Response:
        return _room_page(request, db, settings, viewer, workshop_id, error_target=target, **shown)

    return refused(db, exc, values, redraw)


@router.get("/w/{workshop_id}/room", response_class=HTMLResponse)
async def room_page(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    return _room_page(request, db, settings, viewer, workshop_id)


@router.get("/w/{workshop_id}/room/region/{region}", response_class=HTMLResponse)
async def room_region(
    workshop_id: str,
    region: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    wanted = service.check_region(region)
    shared = _shared_region(request, db, settings, viewer, workshop, wanted)
    if shared is not None:
        return HTMLResponse(shared)
    room = service.state(db, settings, viewer=viewer, workshop=workshop, regions=(wanted,))
    return render(request, "room/room.html", _context(room), block=wanted)


@router.post("/w/{workshop_id}/room/proposals", response_class=HTMLResponse)
async def submit_proposal(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    text: Text = "",
    idempotency_key: Short = "",
    attribute: Short = "",
) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    try:
        proposals.submit(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            text=text,
            idempotency_key=idempotency_key,
            attribute=bool(attribute),
        )
    except Invalid as exc:
        where = (workshop_id, "new")
        values = {"text": text, "attribute": bool(attribute)}
        return _room_refused(request, db, settings, viewer, where, exc, values)
    return _back(_room_url(workshop_id, "mine"))


@router.post("/w/{workshop_id}/room/proposals/{proposal_id}/edit", response_class=HTMLResponse)
async def edit_proposal(
    workshop_id: str,
    proposal_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    text: Text = "",
    attribute: Short = "",
) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    try:
        proposals.edit(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            proposal_id=proposal_id,
            text=text,
            attribute=bool(attribute),
        )
    except Invalid as exc:
        where = (workshop_id, proposal_id)
        return _room_refused(request, db, settings, viewer, where, exc, {"text": text})
    return _back(_room_url(workshop_id, "mine"))


@router.post("/w/{workshop_id}/room/proposals/{proposal_id}/withdraw")
async def withdraw_proposal(
    workshop_id: str, proposal_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    proposals.withdraw(db, settings, viewer=viewer, workshop=workshop, proposal_id=proposal_id)
    return _back(_room_url(workshop_id, "mine"))


@router.post("/w/{workshop_id}/room/proposals/{proposal_id}/react")
async def react(
    workshop_id: str,
    proposal_id: str,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    value: Short = "",
) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    reactions.react(
        db, settings, viewer=viewer, workshop=workshop, proposal_id=proposal_id, value=value
    )
    return _back(_room_url(workshop_id, f"p-{proposal_id}"))


@router.post("/w/{workshop_id}/room/queue")
async def ask_floor(workshop_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    queue.ask(db, viewer=viewer, workshop=workshop)
    return _back(_room_url(workshop_id, "queue"))


@router.post("/w/{workshop_id}/room/queue/withdraw")
async def leave_floor(workshop_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.enter_room(db, viewer=viewer, workshop_id=workshop_id)
    queue.withdraw(db, viewer=viewer, workshop=workshop)
    return _back(_room_url(workshop_id, "queue"))


# -- facilitator console --------------------------------------------------------------------


def _console_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    workshop_id: str,
    item_id: str | None,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    room = service.state(db, settings, viewer=viewer, workshop=workshop, item_id=item_id or None)
    return render(request, "room/console.html", _context(room, **extra), status=status)


def _refused(
    request: Request,
    db: Session,
    settings: Settings,
    viewer: Viewer,
    where: tuple[str, str | None, str],
    exc: DomainError,
    values: dict[str, str],
) -> Response:
    """Draw the console again around a refused form (`app.forms.refused`); `where` is the
    workshop, the item shown and the form the errors belong to."""
    workshop_id, item_id, target = where

    def redraw(**shown: Any) -> Response:
        return _console_page(
            request, db, settings, viewer, workshop_id, item_id, error_target=target, **shown
        )

    return refused(db, exc, values, redraw)


def _on_field(exc: DomainError, field: str) -> Invalid:
    """A refusal shown beside one field of the form (a reveal refused for want of a reason)."""
    shown = Invalid()
    shown.errors = {field: exc.message}  # already translated: not through gettext again
    shown.status_code = exc.status_code
    return shown


@router.get("/w/{workshop_id}/console", response_class=HTMLResponse)
async def console_page(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    item: str = "",
) -> Response:
    return _console_page(request, db, settings, viewer, workshop_id, item[:64])


@router.get("/w/{workshop_id}/console/region/{region}", response_class=HTMLResponse)
async def console_region(
    workshop_id: str,
    region: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    item: str = "",
    seen: str = "",
) -> Response:
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    wanted = service.check_region(region)
    regions = ("proposals",) if wanted == "pending" else (wanted,)
    room = service.state(
        db, settings, viewer=viewer, workshop=workshop, regions=regions, item_id=item[:64] or None
    )
    if room.item is None and wanted != "agenda":
        return HTMLResponse("")
    if wanted == "pending" and seen and seen == service.pending_fingerprint(room):
        return Response(status_code=204)  # unchanged: htmx keeps what is on screen
    return render(request, "room/console.html", _context(room), block=wanted)


@router.post("/w/{workshop_id}/console/advance")
async def advance(workshop_id: str, db: DbDep, viewer: ViewerDep) -> Response:
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    runtime.advance(db, viewer=viewer, workshop=workshop)
    return _back(_console_url(workshop_id))


@router.post("/w/{workshop_id}/console/items/{item_id}/{action}", response_class=HTMLResponse)
async def item_action(
    workshop_id: str,
    item_id: str,
    action: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    open: Short = "",
    shown: Short = "",
    minutes: Short = "",
    timer: Short = "",
    name: Short = "",
    override_reason: Short = "",
) -> Response:
    """start, finish, intake, reveal, publish, results, timer, themes."""
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    kw: dict[str, Any] = {"viewer": viewer, "workshop": workshop, "item_id": item_id}
    try:
        if action == "start":
            runtime.start(db, **kw)
        elif action == "finish":
            runtime.finish(db, **kw)
        elif action == "intake":
            runtime.set_intake(db, open_=open == "1", **kw)
        elif action == "reveal":
            runtime.reveal(db, override_reason=override_reason, **kw)
        elif action == "publish":
            runtime.publish(db, **kw)
        elif action == "results":
            runtime.set_results(db, shown=shown == "1", **kw)
        elif action == "timer":
            runtime.timer(db, action=timer, minutes=minutes, **kw)
        elif action == "themes":
            moderation.create_theme(db, name=name, **kw)
        else:
            raise NotFound()
    except (Invalid, Conflict) as exc:
        if isinstance(exc, Conflict) and action != "reveal":
            raise
        return _refused(
            request,
            db,
            settings,
            viewer,
            (workshop_id, item_id, f"{action}-{item_id}"),
            exc if isinstance(exc, Invalid) else _on_field(exc, "override_reason"),
            {"minutes": minutes, "name": name, "override_reason": override_reason},
        )
    return _back(_console_url(workshop_id, item_id))


@router.post(
    "/w/{workshop_id}/console/proposals/{proposal_id}/{action}", response_class=HTMLResponse
)
async def proposal_action(
    workshop_id: str,
    proposal_id: str,
    action: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    item: Short = "",
    reason: Short = "",
    text: Text = "",
    into: Short = "",
    theme_id: Short = "",
) -> Response:
    """hide, unhide, edit, merge, theme."""
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    kw: dict[str, Any] = {"viewer": viewer, "workshop": workshop, "proposal_id": proposal_id}
    try:
        if action == "hide":
            moderation.hide(db, reason=reason, **kw)
        elif action == "unhide":
            moderation.unhide(db, **kw)
        elif action == "edit":
            moderation.edit(db, text=text, **kw)
        elif action == "merge":
            moderation.merge(db, into_id=into, **kw)
        elif action == "theme":
            moderation.assign_theme(db, theme_id=theme_id, **kw)
        else:
            raise NotFound()
    except Invalid as exc:
        where = (workshop_id, item[:64] or None, f"{action}-{proposal_id}")
        return _refused(request, db, settings, viewer, where, exc, {"text": text, "reason": reason})
    return _back(_console_url(workshop_id, item[:64] or None, f"p-{proposal_id}"))


@router.post("/w/{workshop_id}/console/themes/{theme_id}/rename", response_class=HTMLResponse)
async def rename_theme(
    workshop_id: str,
    theme_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    name: Short = "",
    item: Short = "",
) -> Response:
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    try:
        moderation.rename_theme(db, viewer=viewer, workshop=workshop, theme_id=theme_id, name=name)
    except Invalid as exc:
        where = (workshop_id, item[:64] or None, f"rename-{theme_id}")
        return _refused(request, db, settings, viewer, where, exc, {"name": name})
    return _back(_console_url(workshop_id, item[:64] or None, "themes"))


@router.post("/w/{workshop_id}/console/queue/{request_id}")
async def mark_speaker(
    workshop_id: str, request_id: str, db: DbDep, viewer: ViewerDep, status: Short = ""
) -> Response:
    workshop = service.enter_console(db, viewer=viewer, workshop_id=workshop_id)
    queue.mark(db, viewer=viewer, workshop=workshop, request_id=request_id, status=status)
    return _back(_console_url(workshop_id, anchor="queue"))
