"""JSON API for the signed-in account."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.apiroutes import ApiRoute
from app.deps import ViewerDep
from app.policy import ensure_signed_in

router = APIRouter(tags=["account"], route_class=ApiRoute)


@router.get("/me")
async def me(viewer: ViewerDep) -> dict[str, Any]:
    """Who the caller is. A participant learns only that they are one, and of which workshop."""
    ensure_signed_in(viewer)
    if viewer.is_participant:
        return {"kind": "participant", "workshop_id": viewer.workshop_id}
    return {
        "kind": "staff",
        "email": viewer.email,
        "display_name": viewer.display_name,
        "roles": dict(viewer.roles),
        "two_step": viewer.two_step,
        # workshops that require two-step sign-in of this member, who has none yet
        "two_step_needed_for": sorted(viewer.held_back),
    }
