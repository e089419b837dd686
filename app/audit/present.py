"""The audit log as organizers read it."""

from __future__ import annotations

from app import policy
from app.audit.labels import ACTION_LABELS, TARGET_LABELS
from app.audit.models import AuditEntry
from app.policy import Viewer
from app.views import AuditView


@policy.presenter("AuditEntry")
def audit_view(entry: AuditEntry, _viewer: Viewer) -> AuditView:
    return AuditView(
        id=entry.id,
        when=entry.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        actor=entry.actor_label,
        action=entry.action,
        target_kind=entry.target_kind,
        detail=entry.detail,
        action_label=ACTION_LABELS.get(entry.action, ""),
        target_label=TARGET_LABELS.get(entry.target_kind, ""),
    )
