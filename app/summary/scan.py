"""The attribution check of the summary: the scan, its hits, the decisions on them, and the
organizer's extra terms.

The check list (roster names, affiliations, party names, listed terms) is read with the
workshop's own authority once `summary.edit` is ensured: its terms never leave the server
except as text that is already in the summary, and a viewer without `roster.read` is not told
which list a term is on.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app import policy
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Inconsistent, Invalid, NotFound
from app.forms import clean_choice, clean_text
from app.live.bus import changed
from app.policy import Viewer
from app.summary import attribution, checklist
from app.summary.models import SummaryDecision, SummaryTerm
from app.summary.present import build
from app.workshops import service as workshops
from app.workshops.models import Workshop

ACTIONS = {"redact": "Redact in the summary", "keep": "Keep (override)"}
KIND_LABELS = {
    "name": "a roster name",
    "affiliation": "an affiliation",
    "party": "a party name",
    "term": "a listed term",
    "hidden": "a hidden formatting character",
    "listed": "a term on the check list",
}


class ExportBlocked(Conflict):
    """Export is refused while an attribution hit is neither redacted nor overridden."""

    title = "Export blocked by the attribution check"

    def __init__(self, open_hits: int) -> None:
        super().__init__(
            f"{open_hits} possible attribution(s) are still open. Redact each one in the "
            "summary or keep it with a reason, then export again."
        )
        self.open_hits = open_hits


@dataclass(frozen=True)
class HitView:
    fingerprint: str
    where: str
    kind: str
    before: str
    match: str
    after: str
    action: str | None
    reason: str
    match_reason: str
    awaiting_approval: bool = False  # kept by one staff member; open until a second approves


# -- the scan ------------------------------------------------------------------------------


NAMED = frozenset({"name", "affiliation"})  # keeping these needs a second staff member


def _awaiting(decision: SummaryDecision, kind: str) -> bool:
    return decision.action == "keep" and kind in NAMED and decision.approved_by is None


def _decided(decision: SummaryDecision | None, kind: str) -> str | None:
    """The action that holds: a kept name or affiliation counts only once approved."""
    if decision is None or _awaiting(decision, kind):
        return None
    return decision.action


def _fingerprint(key: bytes, where: str, term: str) -> str:
    return hmac.new(key, f"{where}|{term}".encode(), hashlib.sha256).hexdigest()


@dataclass
class _Scan:
    hits: list[HitView]
    decisions: dict[str, SummaryDecision]
    terms: checklist.CheckList
    key: bytes
    found: dict[str, list[attribution.Hit]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # hit fingerprint -> kind

    def find(self, text: str) -> list[attribution.Hit]:
        if text not in self.found:
            self.found[text] = attribution.hits(text, self.terms)
        return self.found[text]


def _decisions(db: Session, workshop: Workshop) -> dict[str, SummaryDecision]:
    rows = db.exec(select(SummaryDecision).where(col(SummaryDecision.workshop_id) == workshop.id))
    return {row.fingerprint: row for row in rows}


def scan(db: Session, settings: Settings, workshop: Workshop, viewer: Viewer) -> _Scan:
    key = workshops.data_key(db, settings, workshop)
    terms = checklist.for_workshop(db, workshop)
    decisions = _decisions(db, workshop)
    texts: list[tuple[str, str, str]] = []

    def collect(where: str, label: str, text: str) -> str:
        texts.append((where, label, text))
        return text

    build(db, workshop, emit=collect)
    show_kind = viewer.may("roster.read", workshop.id)
    found = _Scan(hits=[], decisions=decisions, terms=terms, key=key)
    hits = found.hits
    seen: set[str] = set()
    for where, label, text in texts:
        for hit in found.find(text):
            fp = _fingerprint(key, where, hit.term)
            if fp in seen:
                continue
            seen.add(fp)
            found.kinds[fp] = hit.kind
            before, match, after = attribution.context(text, hit.start, hit.end)
            decision = decisions.get(fp)
            hidden = hit.kind == "hidden"
            hits.append(
                HitView(
                    fingerprint=fp,
                    where=label,
                    kind=KIND_LABELS[hit.kind] if show_kind or hidden else KIND_LABELS["listed"],
                    before=before,
                    match=hit.term if hidden else match,
                    after=after,
                    action=_decided(decision, hit.kind),
                    reason=decision.reason if decision else "",
                    match_reason=checklist.reason(hit.kind, hit.how, show_kind=show_kind),
                    awaiting_approval=decision is not None and _awaiting(decision, hit.kind),
                )
            )
    return found


def check(db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer) -> list[HitView]:
    """Every hit of the attribution check, open ones first."""
    policy.ensure(viewer, "summary.edit", workshop)
    hits = scan(db, settings, workshop, viewer).hits
    return sorted(hits, key=lambda h: h.action is not None)


def redacting(found: _Scan, *, undecided: str) -> Any:
    """An emit that redacts decided hits, and undecided ones too when undecided == "redact"."""

    def emit(where: str, _label: str, text: str) -> str:
        spans = []
        for hit in found.find(text):
            decision = found.decisions.get(_fingerprint(found.key, where, hit.term))
            action = _decided(decision, hit.kind) or undecided
            if action == "redact":
                spans.append((hit.start, hit.end))
            elif action == "block":
                raise ExportBlocked(1)
        return attribution.strip_invisible(attribution.redact(text, spans) if spans else text)

    return emit


@dataclass(frozen=True)
class TermView:
    id: str
    term: str


# -- decisions and terms -------------------------------------------------------------------


def decide(
    db: Session,
    settings: Settings,
    workshop: Workshop,
    *,
    viewer: Viewer,
    fingerprint: str,
    action: str,
    reason: str = "",
) -> None:
    """Redact a hit in the summary, or keep it with a reason (both audit-logged); keeping a
    participant's name or an affiliation waits for a second staff member's approval."""
    policy.ensure(viewer, "summary.edit", workshop)
    action = clean_choice(action, field="action", label="Decision", choices=ACTIONS)
    reason = clean_text(
        reason, field="reason", label="Reason", max_length=500, required=action == "keep"
    )
    kinds = scan(db, settings, workshop, viewer).kinds
    if fingerprint not in kinds:
        raise NotFound()
    row = _decisions(db, workshop).get(fingerprint) or SummaryDecision(
        workshop_id=workshop.id, fingerprint=fingerprint, action=action
    )
    row.action = action
    row.reason = reason
    row.kept_by = viewer.user_id if action == "keep" else None
    row.approved_by = None
    db.add(row)
    awaits = action == "keep" and kinds[fingerprint] in NAMED
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="summary.override" if action == "keep" else "summary.redact",
        target=row,
        detail=f"awaits a second approval: {reason}" if awaits else reason,
    )
    changed(db, workshop.id, "summary")


def approve(
    db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer, fingerprint: str
) -> None:
    """The second pair of eyes on a kept name or affiliation: another staff member who may
    edit or export the summary. Both are in the audit log."""
    if not viewer.may("summary.export", workshop.id):
        policy.ensure(viewer, "summary.edit", workshop)
    row = _decisions(db, workshop).get(fingerprint)
    kind = scan(db, settings, workshop, viewer).kinds.get(fingerprint)
    if row is None or kind is None or not _awaiting(row, kind):
        raise NotFound()
    if row.kept_by == viewer.user_id or viewer.user_id is None:
        raise Conflict(
            "A second staff member must approve keeping a name or an affiliation: not the one "
            "who chose to keep it."
        )
    row.approved_by = viewer.user_id
    db.add(row)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="summary.override.approve",
        target=row,
        detail=f"kept by user {row.kept_by}",
    )
    changed(db, workshop.id, "summary")


def reopen(db: Session, workshop: Workshop, *, viewer: Viewer, fingerprint: str) -> None:
    policy.ensure(viewer, "summary.edit", workshop)
    row = _decisions(db, workshop).get(fingerprint)
    if row is None:
        raise NotFound()
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.reopen", target=row)
    db.delete(row)
    changed(db, workshop.id, "summary")


def terms(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[TermView]:
    policy.ensure(viewer, "summary.edit", workshop)
    rows = db.exec(select(SummaryTerm).where(col(SummaryTerm.workshop_id) == workshop.id))
    ordered = sorted(rows, key=lambda row: (row.term, row.id))  # ciphertext at rest
    return [TermView(id=row.id, term=row.term) for row in ordered]


def add_term(db: Session, workshop: Workshop, *, viewer: Viewer, term: str) -> None:
    policy.ensure(viewer, "summary.edit", workshop)
    text = clean_text(term, field="term", label="Term", max_length=200)
    folded = attribution.fold(text)
    if not folded:
        raise Invalid("A term needs at least one letter or digit.", field="term")
    if any(attribution.fold(t.term) == folded for t in terms(db, workshop, viewer=viewer)):
        raise Inconsistent("This term is already on the list.", field="term")
    db.add(SummaryTerm(workshop_id=workshop.id, term=text))
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.term.add")


def remove_term(db: Session, workshop: Workshop, *, viewer: Viewer, term_id: str) -> None:
    policy.ensure(viewer, "summary.edit", workshop)
    row = db.get(SummaryTerm, term_id)
    if row is None or row.workshop_id != workshop.id:
        raise NotFound()
    db.delete(row)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.term.remove")
