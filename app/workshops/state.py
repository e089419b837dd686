"""What a workshop's lifecycle state allows: archived workshops are read-only; contributions
are taken only while live. (Low in the import graph: every feature's writers check it.)"""

from __future__ import annotations

from app.errors import Conflict
from app.workshops.models import Workshop

CONTRIBUTION_STATES = frozenset({"live"})


def ensure_writable(workshop: Workshop) -> None:
    """Archived workshops are read-only."""
    if workshop.status == "archived":
        raise Conflict("This workshop is archived: it is read-only.")


def ensure_contributions_open(workshop: Workshop) -> None:
    """New contributions are taken only while the workshop is live."""
    ensure_writable(workshop)
    if workshop.status not in CONTRIBUTION_STATES:
        raise Conflict("The room takes contributions only while the workshop is live.")
