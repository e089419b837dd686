"""The summary workspace: attribution check and decisions, participant review, release, export.

Every function takes the viewer and goes through the policy. The check list (roster names,
affiliations, party names, listed terms) is read with the workshop's own authority once
`summary.edit` is ensured: its terms never leave the server except as text that is already
in the summary, and a viewer without `roster.read` is not told which list a term is on.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Invalid, NotFound
from app.forms import clean_choice, clean_idempotency_key, clean_int, clean_text
from app.i18n import N_
from app.live.bus import changed
from app.policy import Viewer
from app.room.models import Proposal
from app.rules import service as rules
from app.security import keys
from app.summary import attribution, checklist, released
from app.summary.models import (
    SummaryComment,
    SummaryDecision,
    SummaryReview,
    SummarySignoff,
    SummarySignoffTally,
    SummaryTerm,
)
from app.summary.present import SummaryExport, build, chosen
from app.workshops import service as workshops
from app.workshops.models import Party, Workshop

ACTIONS = {"redact": "Redact in the summary", "keep": "Keep (override)"}
RULES = {
    "every_party": "At least N sign-offs from every party",
    "minimum": "At least N sign-offs in total",
}
KIND_LABELS = {
    "name": "a roster name",
    "affiliation": "an affiliation",
    "party": "a party name",
    "term": "a listed term",
    "hidden": "a hidden formatting character",
    "listed": "a term on the check list",
}
REVIEWABLE = frozenset({"open", "live", "closed"})


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


@dataclass(frozen=True)
class TermView:
    id: str
    term: str


@dataclass(frozen=True)
class ReviewView:
    """What staff see of the review: counts, per party only where every party has >= k."""

    state: str
    rule: str
    rule_label: str
    min_signoffs: int
    released: bool
    override: str
    signoffs: int
    per_party: tuple[tuple[str, int], ...]
    rule_met: bool
    comments: tuple[str, ...]


@dataclass(frozen=True)
class ParticipantReviewView:
    state: str
    signed: bool
    summary: SummaryExport | None


# -- access --------------------------------------------------------------------------------


def workshop_for(
    db: Session, workshop_id: str, *, viewer: Viewer, action: str = "summary.edit"
) -> Workshop:
    return workshops.get(db, workshop_id, viewer=viewer, action=action)


# -- the check list and the scan -----------------------------------------------------------


def _fingerprint(key: bytes, where: str, term: str) -> str:
    return hmac.new(key, f"{where}|{term}".encode(), hashlib.sha256).hexdigest()


@dataclass
class _Scan:
    hits: list[HitView]
    decisions: dict[str, SummaryDecision]
    terms: checklist.CheckList
    key: bytes
    found: dict[str, list[attribution.Hit]] = field(default_factory=dict)

    def find(self, text: str) -> list[attribution.Hit]:
        if text not in self.found:
            self.found[text] = attribution.hits(text, self.terms)
        return self.found[text]


def _decisions(db: Session, workshop: Workshop) -> dict[str, SummaryDecision]:
    rows = db.exec(select(SummaryDecision).where(col(SummaryDecision.workshop_id) == workshop.id))
    return {row.fingerprint: row for row in rows}


def _scan(db: Session, settings: Settings, workshop: Workshop, viewer: Viewer) -> _Scan:
    key = workshops.data_key(db, settings, workshop)
    terms = checklist.for_workshop(db, workshop)
    decisions = _decisions(db, workshop)
    texts: list[tuple[str, str, str]] = []

    def collect(where: str, label: str, text: str) -> str:
        texts.append((where, label, text))
        return text

    build(db, workshop, emit=collect)
    show_kind = viewer.may("roster.read", workshop.id)
    scan = _Scan(hits=[], decisions=decisions, terms=terms, key=key)
    hits = scan.hits
    seen: set[str] = set()
    for where, label, text in texts:
        for hit in scan.find(text):
            fp = _fingerprint(key, where, hit.term)
            if fp in seen:
                continue
            seen.add(fp)
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
                    action=decision.action if decision else None,
                    reason=decision.reason if decision else "",
                    match_reason=checklist.reason(hit.kind, hit.how, show_kind=show_kind),
                )
            )
    return scan


def check(db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer) -> list[HitView]:
    """Every hit of the attribution check, open ones first."""
    policy.ensure(viewer, "summary.edit", workshop)
    hits = _scan(db, settings, workshop, viewer).hits
    return sorted(hits, key=lambda h: h.action is not None)


def _redacting(scan: _Scan, *, undecided: str) -> Any:
    """An emit that redacts decided hits, and undecided ones too when undecided == "redact"."""

    def emit(where: str, _label: str, text: str) -> str:
        spans = []
        for hit in scan.find(text):
            decision = scan.decisions.get(_fingerprint(scan.key, where, hit.term))
            action = decision.action if decision else undecided
            if action == "redact":
                spans.append((hit.start, hit.end))
            elif action == "block":
                raise ExportBlocked(1)
        return attribution.strip_invisible(attribution.redact(text, spans) if spans else text)

    return emit


def _status(db: Session, workshop: Workshop) -> str:
    review = _review(db, workshop)
    if review is not None and review.released:
        return N_("Released")
    return N_("Draft, not yet released")


def draft(db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer) -> SummaryExport:
    """The draft as it would go out: decided hits applied, open hits shown redacted."""
    policy.ensure(viewer, "summary.edit", workshop)
    scan = _scan(db, settings, workshop, viewer)
    return build(
        db,
        workshop,
        emit=_redacting(scan, undecided="redact"),
        status=_status(db, workshop),
    )


def export_model(
    db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer
) -> SummaryExport:
    """The model every export format is built from; ExportBlocked while a hit is open."""
    policy.ensure(viewer, "summary.export", workshop)
    scan = _scan(db, settings, workshop, viewer)
    open_hits = sum(1 for h in scan.hits if h.action is None)
    if open_hits:
        raise ExportBlocked(open_hits)
    return build(
        db,
        workshop,
        emit=_redacting(scan, undecided="block"),
        status=_status(db, workshop),
    )


def record_export(db: Session, workshop: Workshop, *, viewer: Viewer, fmt: str) -> None:
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.export", detail=fmt)


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
    """Redact a hit in the summary, or keep it with a reason (both audit-logged)."""
    policy.ensure(viewer, "summary.edit", workshop)
    action = clean_choice(action, field="action", label="Decision", choices=ACTIONS)
    reason = clean_text(
        reason, field="reason", label="Reason", max_length=500, required=action == "keep"
    )
    hits = {h.fingerprint for h in _scan(db, settings, workshop, viewer).hits}
    if fingerprint not in hits:
        raise NotFound()
    row = _decisions(db, workshop).get(fingerprint) or SummaryDecision(
        workshop_id=workshop.id, fingerprint=fingerprint, action=action
    )
    row.action = action
    row.reason = reason
    db.add(row)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="summary.override" if action == "keep" else "summary.redact",
        target=row,
        detail=reason,
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
        raise Invalid("This term is already on the list.", field="term")
    db.add(SummaryTerm(workshop_id=workshop.id, term=text))
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.term.add")


def remove_term(db: Session, workshop: Workshop, *, viewer: Viewer, term_id: str) -> None:
    policy.ensure(viewer, "summary.edit", workshop)
    row = db.get(SummaryTerm, term_id)
    if row is None or row.workshop_id != workshop.id:
        raise NotFound()
    db.delete(row)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.term.remove")


# -- which proposals go in ----------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceView:
    """A revealed proposal and whether it goes into the summary (no author, ever)."""

    id: str
    item: str
    text: str
    included: bool
    overridden: bool


CHOICES = {"include": True, "exclude": False, "default": None}


def choices(db: Session, workshop: Workshop, *, viewer: Viewer) -> list[ChoiceView]:
    """Revealed, visible proposals of items that can appear in the summary."""
    policy.ensure(viewer, "summary.edit", workshop)
    audience = policy.export_audience(workshop.id)
    items = {
        i.id: i
        for i in db.exec(
            policy.visible(select(AgendaItem), audience, AgendaItem).where(
                col(AgendaItem.workshop_id) == workshop.id
            )
        )
    }
    rows = db.exec(
        policy.visible(select(Proposal), audience, Proposal)
        .where(col(Proposal.workshop_id) == workshop.id)
        .order_by(col(Proposal.item_id), col(Proposal.shuffle_key))
    )
    return [
        ChoiceView(
            id=p.id,
            item=items[p.item_id].title,
            text=p.text,
            included=chosen(p),
            overridden=p.in_summary is not None,
        )
        for p in rows
        if p.item_id in items
    ]


def choose(
    db: Session, workshop: Workshop, *, viewer: Viewer, proposal_id: str, choice: str
) -> None:
    """Put a revealed proposal in the summary or leave it out; "default" restores the rule."""
    policy.ensure(viewer, "summary.edit", workshop)
    choice = clean_choice(choice, field="choice", label="Choice", choices=tuple(CHOICES))
    audience = policy.export_audience(workshop.id)
    statement = policy.visible(select(Proposal), audience, Proposal).where(
        col(Proposal.id) == proposal_id, col(Proposal.workshop_id) == workshop.id
    )
    proposal = db.exec(statement).first()
    if proposal is None:
        raise NotFound()
    proposal.in_summary = CHOICES[choice]
    db.add(proposal)
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="summary.choose",
        target=proposal,
        detail=choice,
    )
    changed(db, workshop.id, "summary")


# -- review --------------------------------------------------------------------------------


def _review(db: Session, workshop: Workshop) -> SummaryReview | None:
    statement = select(SummaryReview).where(col(SummaryReview.workshop_id) == workshop.id)
    return db.exec(statement.order_by(col(SummaryReview.opened_on), col(SummaryReview.id))).first()


def _tallies(db: Session, review: SummaryReview) -> dict[str, int]:
    rows = db.exec(
        select(SummarySignoffTally).where(col(SummarySignoffTally.review_id) == review.id)
    )
    return {row.party_id: row.count for row in rows}


def _party_ids(db: Session, workshop: Workshop, viewer: Viewer) -> list[tuple[str, str]]:
    rows = db.exec(
        policy.visible(select(Party), viewer, Party)
        .where(col(Party.workshop_id) == workshop.id)
        .order_by(col(Party.position), col(Party.id))
    )
    return [(p.id, p.name) for p in rows]


def _rule_met(review: SummaryReview, tallies: dict[str, int], party_ids: list[str]) -> bool:
    if review.rule == "every_party":
        return bool(party_ids) and all(
            tallies.get(pid, 0) >= review.min_signoffs for pid in party_ids
        )
    return sum(tallies.values()) >= review.min_signoffs


def review_state(db: Session, workshop: Workshop, *, viewer: Viewer) -> ReviewView | None:
    policy.ensure(viewer, "summary.edit", workshop)
    review = _review(db, workshop)
    if review is None:
        return None
    tallies = _tallies(db, review)
    parties = _party_ids(db, workshop, viewer)
    k = policy.effective_k(workshop)
    per_party: tuple[tuple[str, int], ...] = ()
    if parties and all(tallies.get(pid, 0) >= k for pid, _ in parties):
        per_party = tuple((name, tallies.get(pid, 0)) for pid, name in parties)
    comments = db.exec(
        select(SummaryComment)
        .where(col(SummaryComment.review_id) == review.id)
        .order_by(col(SummaryComment.id))
    )
    return ReviewView(
        state=review.state,
        rule=review.rule,
        rule_label=RULES[review.rule].replace("N", str(review.min_signoffs)),
        min_signoffs=review.min_signoffs,
        released=review.released,
        override=review.release_override,
        signoffs=sum(tallies.values()),
        per_party=per_party,
        rule_met=_rule_met(review, tallies, [pid for pid, _ in parties]),
        comments=tuple(c.body for c in comments),
    )


def open_review(
    db: Session,
    settings: Settings,
    workshop: Workshop,
    *,
    viewer: Viewer,
    rule: str,
    min_signoffs: object,
) -> None:
    """Open the draft to participants; the organizer chooses the release rule. No open hits."""
    policy.ensure(viewer, "summary.export", workshop)
    rule = clean_choice(rule, field="rule", label="Release rule", choices=RULES)
    minimum = clean_int(
        min_signoffs, field="min_signoffs", label="Number of sign-offs", minimum=1, maximum=1000
    )
    if workshop.status not in REVIEWABLE:
        raise Invalid("Participants can review only while the workshop is open, live or closed.")
    if any(h.action is None for h in _scan(db, settings, workshop, viewer).hits):
        raise Invalid(
            "Resolve every hit of the attribution check before opening the review.",
            field="rule",
        )
    review = _review(db, workshop) or SummaryReview(workshop_id=workshop.id)
    review.state = "open"
    review.rule = rule
    review.min_signoffs = minimum
    db.add(review)
    audit.record(
        db, viewer=viewer, workshop_id=workshop.id, action="summary.review.open", detail=rule
    )
    changed(db, workshop.id, "summary")


def close_review(db: Session, workshop: Workshop, *, viewer: Viewer) -> None:
    policy.ensure(viewer, "summary.export", workshop)
    review = _review(db, workshop)
    if review is None:
        raise NotFound()
    review.state = "closed"
    db.add(review)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.review.close")
    changed(db, workshop.id, "summary")


def release(db: Session, workshop: Workshop, *, viewer: Viewer, override: str = "") -> None:
    """Release when the chosen rule holds, or with an override reason (audit-logged)."""
    policy.ensure(viewer, "summary.export", workshop)
    review = _review(db, workshop)
    if review is None:
        raise Invalid("Open the draft for participant review first.", field="override")
    reason = clean_text(
        override, field="override", label="Override reason", max_length=500, required=False
    )
    parties = [pid for pid, _ in _party_ids(db, workshop, viewer)]
    met = _rule_met(review, _tallies(db, review), parties)
    if not met and not reason:
        raise Invalid(
            "The release rule is not met yet. Wait for sign-offs, or give a reason to release "
            "anyway (it is recorded in the audit log).",
            field="override",
        )
    review.released = True
    review.state = "closed"
    review.release_override = "" if met else reason
    db.add(review)
    model = export_model(db, db.info["settings"], workshop, viewer=viewer)  # blocked: 409
    released.store(db, workshop, model)  # the exact bytes, kept past the archive
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="summary.release" if met else "summary.release.override",
        target=review,
        detail="" if met else reason,
    )
    changed(db, workshop.id, "summary")


# -- the participant's side ----------------------------------------------------------------


def _participant_workshop(db: Session, workshop_id: str, viewer: Viewer) -> Workshop:
    workshop = workshops.get(db, workshop_id, viewer=viewer, action="summary.review")
    rules.require_accepted(db, viewer=viewer, workshop=workshop)
    return workshop


def _participant_review(
    db: Session, workshop_id: str, viewer: Viewer
) -> tuple[Workshop, SummaryReview]:
    workshop = _participant_workshop(db, workshop_id, viewer)
    review = _review(db, workshop)
    if review is None or review.state != "open":
        raise Conflict("No draft summary is open for review at the moment.")
    return workshop, review


def _tag(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer, review_id: str
) -> str:
    if viewer.secret is None:
        raise Conflict(
            "This device does not hold your authorship key. Sign in again with your recovery "
            "code to sign off."
        )
    key = workshops.data_key(db, settings, workshop)
    return keys.author_tag(key, viewer.secret, "signoff", review_id)


def participant_view(
    db: Session, settings: Settings, workshop_id: str, *, viewer: Viewer
) -> ParticipantReviewView:
    """The draft for a participant: decided hits applied, any open hit redacted. Without an
    open review: only that state (no draft)."""
    workshop = _participant_workshop(db, workshop_id, viewer)
    review = _review(db, workshop)
    if review is None or review.state != "open":
        return ParticipantReviewView(state="none", signed=False, summary=None)
    signed = False
    if viewer.secret is not None:
        tag = _tag(db, settings, workshop, viewer, review.id)
        signed = (
            db.exec(select(SummarySignoff).where(col(SummarySignoff.author_tag) == tag)).first()
            is not None
        )
    scan = _scan(db, settings, workshop, viewer)
    summary = build(
        db,
        workshop,
        emit=_redacting(scan, undecided="redact"),
        status=N_("Draft for participant review"),
    )
    return ParticipantReviewView(state=review.state, signed=signed, summary=summary)


def sign_off(db: Session, settings: Settings, workshop_id: str, *, viewer: Viewer) -> bool:
    """ "I can live with this": at most once per participant; False if already signed."""
    workshop, review = _participant_review(db, workshop_id, viewer)
    tag = _tag(db, settings, workshop, viewer, review.id)
    if db.exec(select(SummarySignoff).where(col(SummarySignoff.author_tag) == tag)).first():
        return False
    db.add(SummarySignoff(review_id=review.id, author_tag=tag))
    if viewer.party_id:
        _count_signoff(db, review.id, viewer.party_id)
    changed(db, workshop.id, "summary")
    return True


def _count_signoff(db: Session, review_id: str, party_id: str) -> None:
    """Add one to the party's tally in a single UPDATE (no lost update between two sign-offs);
    the row is created the first time."""
    key = (col(SummarySignoffTally.review_id) == review_id) & (
        col(SummarySignoffTally.party_id) == party_id
    )
    bump = update(SummarySignoffTally).where(key).values(count=SummarySignoffTally.count + 1)
    if db.exec(bump).rowcount == 0:
        db.add(SummarySignoffTally(review_id=review_id, party_id=party_id, count=1))
        db.flush()


def comment(
    db: Session, workshop_id: str, *, viewer: Viewer, body: str, idempotency_key: object = None
) -> None:
    """An anonymous comment on the draft: stored without any author column. The form's random
    key makes a repeated post add nothing."""
    workshop, review = _participant_review(db, workshop_id, viewer)
    text = clean_text(body, field="body", label="Comment", max_length=2000, multiline=True)
    idem = clean_idempotency_key(idempotency_key)
    if (
        idem
        and db.exec(
            select(SummaryComment.id).where(col(SummaryComment.idempotency_key) == idem)
        ).first()
    ):
        return
    db.add(SummaryComment(review_id=review.id, body=text, idempotency_key=idem))
    changed(db, workshop.id, "summary")
