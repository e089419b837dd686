"""Helpers shared by the workshop-design HTML routes: form data, redirects, manage context."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app import policy
from app.i18n import N_
from app.policy import Viewer
from app.views import LEVEL_LABELS, WorkshopView
from app.workshops.models import Workshop

MANAGE_PAGES = (
    # (path suffix, label, action needed)
    ("", N_("Overview"), "parties.sizes"),
    ("/settings", N_("Settings"), "workshop.manage"),
    ("/parties", N_("Parties"), "workshop.manage"),
    ("/rules", N_("Ground rules"), "rules.edit"),
    ("/agenda", N_("Sessions and agenda"), "agenda.edit"),
    ("/staff", N_("Staff"), "staff.manage"),
    ("/roster", N_("Roster"), "roster.read"),
    ("/audit", N_("Audit log"), "audit.read"),
)
WORKSHOP_PAGES = (
    # pages outside /manage that staff reach from its navigation
    ("/console", N_("Facilitator console"), "room.facilitate"),
    ("/notes", N_("Notes"), "note.team"),
    ("/summary", N_("Summary"), "summary.edit"),
    ("/evaluation", N_("Survey"), "evaluation.results"),
    ("/transfer", N_("Transfer log"), "transfer.read"),
)


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as text fields (the CSRF token and any file parts left out)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def is_htmx(request: Request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def manage_nav(view: WorkshopView, current: str) -> list[dict[str, Any]]:
    actions = set(view.allowed_actions)
    return [
        {
            "href": f"/w/{view.id}/manage{suffix}",
            "label": label,
            "current": suffix == current,
        }
        for suffix, label, action in MANAGE_PAGES
        if action in actions
    ] + [
        {"href": f"/w/{view.id}{suffix}", "label": label, "current": False}
        for suffix, label, action in WORKSHOP_PAGES
        if action in actions
    ]


def manage_context(
    db: Session, workshop: Workshop, viewer: Viewer, current: str, **extra: Any
) -> dict[str, Any]:
    """What every /manage page needs: the workshop's view model and the sub-page links."""
    view: WorkshopView = policy.present(workshop, viewer)
    return {
        "workshop": view,
        "nav": manage_nav(view, current),
        "read_only": workshop.status == "archived",
        "errors": {},
        "values": {},
        "message": None,
        "error": None,
        "level_labels": LEVEL_LABELS,
        **extra,
    }
