"""Record and read the audit log of privileged staff actions (never an author)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app import policy
from app.audit.models import AuditEntry
from app.policy import Viewer


def record(
    db: Session,
    *,
    viewer: Viewer,
    workshop_id: str | None,
    action: str,
    target: Any = None,
    detail: str = "",
) -> AuditEntry:
    """Log a privileged action by a staff member. `detail` must never hold contribution text."""
    entry = AuditEntry(
        workshop_id=workshop_id,
        actor_user_id=viewer.user_id,
        actor_label=viewer.email or "",
        action=action,
        target_kind=type(target).__name__.lower() if target is not None else "",
        target_id=str(getattr(target, "id", "") or ""),
        detail=detail[:1000],
    )
    db.add(entry)
    return entry


def list_for(db: Session, workshop_id: str, *, viewer: Viewer) -> list[AuditEntry]:
    statement = (
        policy.visible(select(AuditEntry), viewer, AuditEntry)
        .where(col(AuditEntry.workshop_id) == workshop_id)
        .order_by(col(AuditEntry.created_at).desc())
    )
    return list(db.exec(statement))
