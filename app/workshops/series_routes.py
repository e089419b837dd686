"""The series page of a workshop (its rounds, what each released, the questions still open)
and the organizer's form that opens the next round; the same as JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import StrictBool

from app.apiroutes import ApiRoute, Body
from app.apitext import Title200
from app.deps import DbDep, SettingsDep, ViewerDep
from app.errors import DomainError
from app.forms import refused
from app.roster.organizer_routes import invitation_view
from app.templating import render
from app.workshops import series
from app.workshops import service as workshops

router = APIRouter(tags=["workshops"])
api = APIRouter(prefix="/workshops/{workshop_id}/series", tags=["workshops"], route_class=ApiRoute)

Short = Annotated[str, Form(max_length=200)]


class NextRoundIn(Body):
    title: Title200
    carry_roster: StrictBool = False


def _page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    workshop_id: str,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    context = {
        "workshop": workshop,
        "rounds": series.rounds(db, settings, viewer=viewer, workshop=workshop),
        "created": None,
        "invitations": [],
        "errors": {},
        "values": {},
        "message": None,
        **extra,
    }
    return render(request, "workshops/series.html", context, status=status)


@router.get("/w/{workshop_id}/series", response_class=HTMLResponse)
async def series_page(
    workshop_id: str, request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    return _page(request, db, settings, viewer, workshop_id)


@router.post("/w/{workshop_id}/series/next", response_class=HTMLResponse)
async def next_round(
    workshop_id: str,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    title: Short = "",
    carry_roster: Short = "",
) -> Response:
    """Opens the next round; its new invitation links are shown once, on this answer."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    try:
        made = series.next_round(
            db,
            settings,
            viewer=viewer,
            workshop=workshop,
            title=title,
            carry_roster=bool(carry_roster),
        )
    except DomainError as exc:

        def redraw(**shown: Any) -> Response:
            return _page(request, db, settings, viewer, workshop_id, **shown)

        return refused(db, exc, {"title": title}, redraw)
    links = [invitation_view(settings, inv) for inv in made.invitations]
    return _page(
        request, db, settings, viewer, workshop_id, created=made.workshop, invitations=links
    )


@api.get("")
async def series_json(
    workshop_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> list[dict[str, Any]]:
    """The rounds of the workshop's series the caller organizes, in order."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    return [asdict(r) for r in series.rounds(db, settings, viewer=viewer, workshop=workshop)]


@api.post("/next", status_code=201)
async def next_round_json(
    workshop_id: str, body: NextRoundIn, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> dict[str, Any]:
    """The new round and its new invitation links (shown once)."""
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="workshop.manage")
    made = series.next_round(
        db,
        settings,
        viewer=viewer,
        workshop=workshop,
        title=body.title,
        carry_roster=body.carry_roster,
    )
    return {
        "id": made.workshop.id,
        "round_number": made.workshop.round_number,
        # names and links only: an id here would be an author field (the roster has them)
        "invitations": [
            {"display_name": view.display_name, "url": view.url}
            for view in (invitation_view(settings, inv) for inv in made.invitations)
        ],
    }
