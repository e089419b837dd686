"""Workshops whose organizer requires two-step sign-in of their staff: stated here once.

A staff member of such a workshop whose account has no two-step sign-in keeps the membership
but not its role: the workshop is *held back* from their Viewer (app.deps builds it with
`staff_roles`), so every check (ensure, visible, may) refuses it by default, and `ensure`
answers with TwoStepRequired (a page, or a 403 JSON message for an API token) instead of a
404. Participants are never affected: they have no account. An organizer may turn the
requirement on only with two-step sign-in of their own (else they would lock themselves out).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import Inconsistent, TwoStepRequired
from app.i18n import N_
from app.policy.record import note
from app.policy.viewer import Viewer

NEED_YOUR_OWN = N_(
    "Set up two-step sign-in for your own account first (on your account page): otherwise "
    "this requirement would keep you out of the workshop."
)


def staff_roles(
    memberships: Iterable[tuple[str, str, bool]], *, has_two_step: bool
) -> tuple[dict[str, str], frozenset[str]]:
    """(roles, held back) from (workshop id, role, workshop requires two-step) triples."""
    roles: dict[str, str] = {}
    held: set[str] = set()
    for workshop_id, role, required in memberships:
        if required and not has_two_step:
            held.add(workshop_id)
        else:
            roles[workshop_id] = role
    return roles, frozenset(held)


def ensure_not_held_back(viewer: Viewer, workshop_id: str) -> None:
    note("ensure", "two-step")
    if viewer.is_staff and workshop_id in viewer.held_back:
        raise TwoStepRequired(workshop_id)


def check_requirement(*, turning_on: bool, has_two_step: bool) -> None:
    """The organizer may require two-step sign-in only with their own."""
    if turning_on and not has_two_step:
        raise Inconsistent(NEED_YOUR_OWN, field="staff_two_step")
