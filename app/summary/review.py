"""The participant review of the summary: the release rule, sign-offs, comments, release.

A sign-off is found by a per-review author tag only; parties meet sign-offs only in an
aggregate tally, and comments have no author column of any kind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from app import i18n, policy, signoffs
from app.audit import service as audit
from app.config import Settings
from app.errors import Conflict, Inconsistent, NotFound
from app.forms import clean_choice, clean_idempotency_key, clean_int, clean_text
from app.i18n import N_
from app.live.bus import changed
from app.policy import Viewer
from app.rules import service as rules
from app.security import keys
from app.summary import fingerprint, released, scan
from app.summary.localize import localize
from app.summary.models import (
    SummaryComment,
    SummaryReview,
    SummarySignoff,
    SummarySignoffTally,
)
from app.summary.present import SummaryExport, build
from app.workshops import service as workshops
from app.workshops.models import Party, Workshop

RULES = {
    "every_party": "At least N sign-offs from every party",
    "minimum": "At least N sign-offs in total",
}
REVIEWABLE = frozenset({"open", "live", "closed"})


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
    version: str
    stale_signoffs: int
    released_version: str


@dataclass(frozen=True)
class ParticipantReviewView:
    """The draft for one participant, its version, and which version they signed (if any)."""

    state: str
    signed: bool
    summary: SummaryExport | None
    fingerprint: str = ""
    version: str = ""
    signed_version: str = ""


# -- review --------------------------------------------------------------------------------


def current(db: Session, workshop: Workshop) -> SummaryReview | None:
    statement = select(SummaryReview).where(col(SummaryReview.workshop_id) == workshop.id)
    return db.exec(statement.order_by(col(SummaryReview.opened_on), col(SummaryReview.id))).first()


def draft_model(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer, *, status: str = ""
) -> SummaryExport:
    """The draft as participants are given it: decided hits applied, open ones redacted."""
    found = scan.scan(db, settings, workshop, viewer)
    return build(db, workshop, emit=scan.redacting(found, undecided="redact"), status=status)


def _released_model(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer, fp: str
) -> SummaryExport:
    """What release keeps byte for byte past the archive: the export model of the released
    fingerprint; ExportBlocked (409) while a hit of the check is open."""
    found = scan.scan(db, settings, workshop, viewer)
    open_hits = sum(1 for h in found.hits if h.action is None)
    if open_hits:
        raise scan.ExportBlocked(open_hits)
    model = build(
        db, workshop, emit=scan.redacting(found, undecided="block"), status=N_("Released")
    )
    return replace(model, fingerprint=fp)


def current_fingerprint(db: Session, settings: Settings, workshop: Workshop, viewer: Viewer) -> str:
    return fingerprint.of(draft_model(db, settings, workshop, viewer))


SCOPE = "review_id"
MODELS = (SummarySignoff, SummarySignoffTally)


def _tallies(db: Session, review: SummaryReview, fp: str) -> dict[str, int]:
    """Sign-offs per party given on the draft with this fingerprint (others are stale)."""
    return signoffs.tallies(db, SummarySignoffTally, (SCOPE, review.id), fp)


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


def review_state(
    db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer
) -> ReviewView | None:
    """Counts on the current draft; sign-offs given on an earlier version count as stale."""
    policy.ensure(viewer, "summary.edit", workshop)
    review = current(db, workshop)
    if review is None:
        return None
    fp = current_fingerprint(db, settings, workshop, viewer)
    tallies = _tallies(db, review, fp)
    parties = _party_ids(db, workshop, viewer)
    k = policy.effective_k(workshop)
    shown = policy.signoff_breakdown(tallies, [pid for pid, _ in parties], k) or {}
    per_party = tuple((name, shown[pid]) for pid, name in parties if pid in shown)
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
        version=fingerprint.short(fp),
        stale_signoffs=signoffs.counted(db, SummarySignoffTally, (SCOPE, review.id))
        - sum(tallies.values()),
        released_version=fingerprint.short(review.released_fingerprint),
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
        raise Inconsistent(
            "Participants can review only while the workshop is open, live or closed."
        )
    if any(h.action is None for h in scan.scan(db, settings, workshop, viewer).hits):
        raise Inconsistent(
            "Resolve every hit of the attribution check before opening the review.",
            field="rule",
        )
    review = current(db, workshop) or SummaryReview(workshop_id=workshop.id)
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
    review = current(db, workshop)
    if review is None:
        raise NotFound()
    review.state = "closed"
    db.add(review)
    audit.record(db, viewer=viewer, workshop_id=workshop.id, action="summary.review.close")
    changed(db, workshop.id, "summary")


def release(
    db: Session, settings: Settings, workshop: Workshop, *, viewer: Viewer, override: str = ""
) -> None:
    """Release when the chosen rule holds on the current draft's fingerprint, or with an
    override reason (audit-logged); the release records the fingerprint it released."""
    policy.ensure(viewer, "summary.export", workshop)
    review = current(db, workshop)
    if review is None:
        raise Inconsistent("Open the draft for participant review first.", field="override")
    reason = clean_text(
        override, field="override", label="Override reason", max_length=500, required=False
    )
    parties = [pid for pid, _ in _party_ids(db, workshop, viewer)]
    fp = current_fingerprint(db, settings, workshop, viewer)
    met = _rule_met(review, _tallies(db, review, fp), parties)
    if not met and not reason:
        raise Inconsistent(
            "The release rule is not met on the current draft yet (sign-offs given on an "
            "earlier version do not count). Wait for sign-offs, or give a reason to release "
            "anyway (it is recorded in the audit log).",
            field="override",
        )
    review.released = True
    review.state = "closed"
    review.release_override = "" if met else reason
    review.released_fingerprint = fp
    db.add(review)
    released.store(db, workshop, _released_model(db, settings, workshop, viewer, fp))
    audit.record(
        db,
        viewer=viewer,
        workshop_id=workshop.id,
        action="summary.release" if met else "summary.release.override",
        target=review,
        detail=f"fingerprint={fp}" if met else f"fingerprint={fp} {reason}",
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
    review = current(db, workshop)
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
    review = current(db, workshop)
    if review is None or review.state != "open":
        return ParticipantReviewView(state="none", signed=False, summary=None)
    summary = draft_model(db, settings, workshop, viewer, status=N_("Draft for participant review"))
    fp = fingerprint.of(summary)  # of every language's text: what is signed is all of them
    signed = ""
    if viewer.secret is not None:
        row = signoffs.find(db, SummarySignoff, _tag(db, settings, workshop, viewer, review.id))
        signed = row.fingerprint if row is not None else ""
    return ParticipantReviewView(
        state=review.state,
        signed=signed == fp,
        summary=localize(summary, i18n.current_locale.get()),
        fingerprint=fp,
        version=fingerprint.short(fp),
        signed_version=fingerprint.short(signed),
    )


def _given_on(
    db: Session, settings: Settings, workshop: Workshop, viewer: Viewer, seen: str
) -> str:
    """The current fingerprint; Conflict when the participant was shown another version."""
    fp = current_fingerprint(db, settings, workshop, viewer)
    if seen and seen != fp:
        raise Conflict("The draft changed since you opened it. Read it again, then respond.")
    return fp


def sign_off(
    db: Session, settings: Settings, workshop_id: str, *, viewer: Viewer, seen: str = ""
) -> bool:
    """ "I can live with this", on the current draft (`seen`: the fingerprint the participant
    was shown). Signing again after a change moves the sign-off to the new version; False if
    already signed on this one."""
    workshop, review = _participant_review(db, workshop_id, viewer)
    fp = _given_on(db, settings, workshop, viewer, seen)
    tag = _tag(db, settings, workshop, viewer, review.id)
    scope = (SCOPE, review.id)
    moved = signoffs.sign(db, MODELS, scope, tag=tag, fingerprint=fp, party_id=viewer.party_id)
    if moved:
        changed(db, workshop.id, "summary")
    return moved


def comment(
    db: Session,
    settings: Settings,
    workshop_id: str,
    *,
    viewer: Viewer,
    body: str,
    seen: str = "",
    idempotency_key: object = None,
) -> None:
    """An anonymous comment on the draft, with the fingerprint of the version it was given
    on: stored without any author column. The form's random key makes a repeated post add
    nothing."""
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
    fp = _given_on(db, settings, workshop, viewer, seen)
    db.add(SummaryComment(review_id=review.id, body=text, fingerprint=fp, idempotency_key=idem))
    changed(db, workshop.id, "summary")
