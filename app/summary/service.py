"""The summary workspace: the workshop lookup, the draft and the export model.

The attribution check lives in `scan`, the participant review and release in `review`, the
choice of proposals in `choices`; their public names are re-exported here for the routes.
Every function takes the viewer and goes through the policy.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from app import policy
from app.audit import service as audit
from app.config import Settings
from app.i18n import N_
from app.policy import Viewer
from app.summary import fingerprint
from app.summary.choices import CHOICES, ChoiceView, choices, choose
from app.summary.present import SummaryExport, build
from app.summary.review import (
    REVIEWABLE,
    RULES,
    ParticipantReviewView,
    ReviewView,
    close_review,
    comment,
    current_fingerprint,
    open_review,
    participant_view,
    release,
    review_state,
    sign_off,
)
from app.summary.review import current as _review
from app.summary.scan import (
    ACTIONS,
    KIND_LABELS,
    ExportBlocked,
    HitView,
    TermView,
    add_term,
    approve,
    check,
    decide,
    redacting,
    remove_term,
    reopen,
    scan,
    terms,
)
from app.workshops import service as workshops
from app.workshops.models import Workshop

__all__ = [
    "ACTIONS",
    "CHOICES",
    "KIND_LABELS",
    "REVIEWABLE",
    "RULES",
    "ChoiceView",
    "ExportBlocked",
    "HitView",
    "ParticipantReviewView",
    "ReviewView",
    "TermView",
    "_review",
    "add_term",
    "approve",
    "check",
    "choices",
    "choose",
    "close_review",
    "comment",
    "current_fingerprint",
    "decide",
    "draft",
    "export_model",
    "open_review",
    "participant_view",
    "record_export",
    "release",
    "remove_term",
    "reopen",
    "review_state",
    "sign_off",
    "terms",
    "workshop_for",
]


def workshop_for(
    db: Session, workshop_id: str, *, viewer: Viewer, action: str = "summary.edit"
) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action=action)


def _status(db: Session, workshop: Workshop) -> str:
    review = _review(db, workshop)
    if review is not None and review.released:
        return N_("Released")
    return N_("Draft, not yet released")


def draft(db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer) -> SummaryExport:
    """The draft as it would go out: decided hits applied, open hits shown redacted."""
    policy.ensure(viewer, "summary.edit", workshop)
    found = scan(db, settings, workshop, viewer)
    return _stamped(
        build(db, workshop, emit=redacting(found, undecided="redact"), status=_status(db, workshop))
    )


def export_model(
    db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer
) -> SummaryExport:
    """The model every export format is built from; ExportBlocked while a hit is open."""
    policy.ensure(viewer, "summary.export", workshop)
    found = scan(db, settings, workshop, viewer)
    open_hits = sum(1 for h in found.hits if h.action is None)
    if open_hits:
        raise ExportBlocked(open_hits)
    return _stamped(
        build(db, workshop, emit=redacting(found, undecided="block"), status=_status(db, workshop))
    )


def _stamped(model: SummaryExport) -> SummaryExport:
    """The model with its own fingerprint, so every document says which text it is."""
    return replace(model, fingerprint=fingerprint.of(model))


def record_export(db: Session, workshop: Workshop, *, viewer: Viewer, fmt: str) -> None:
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.export", detail=fmt)
