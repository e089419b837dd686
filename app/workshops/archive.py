"""Archiving = crypto-shredding (DESIGN.md, Anonymity 3).

What archiving does, in the same transaction as the status change:

- destroys the workshop's wrapped data key (workshop_key row): every value encrypted under it
  (app.security.at_rest: names, affiliations, proposal texts, hide reasons, notes, comments,
  ...) can never be decrypted again, and no author tag can ever be recomputed;
- empties every encrypted value that stays (proposal texts, hide reasons, theme names, the
  paragraphs of negotiating texts, summary comments and reasons), clears every author tag
  (proposals, reactions, marks of negotiating texts, notes) and
  deletes the summary sign-offs and the tombstones of withdrawn proposals (each is nothing
  but a tag; the per-party tallies stay);
- clears the opted-in attribution and the idempotency keys of proposals, and deletes every
  kept staff answer (app.replay);
- deletes the notes themselves, and every translation of a proposal or a note
  (app.translations: the parallel versions of rules, purpose and agenda stay, as those do);
- deletes every survey answer and free-text answer
  (app.evaluation): the pairing tags go with them, so no change can ever be paired again;
  the survey's moments are ended, and its per-party tallies and published results stay;
- deletes roster personal data: participants' names, affiliations, languages, invitation and
  recovery hashes are set to NULL (the row stays with its party, so counts per party remain),
  their ground-rules acceptances, sessions and speaking-queue rows are deleted, and the detail
  text of audit entries about participants, or holding a staff member's free text, is cleared;
  the attribution check's extra terms are deleted;
- sets status archived and archived_at, and writes the audit log.

What stays readable: the released summary, byte for byte as released
(app.summary.released, stored outside the workshop key), the workshop's title, dates,
agenda, parties, counts and tallies, and the staff audit log. Nothing else of its content.

Storage order. On SQLite the contribution tables have no rowid (app/db_order.py): rows sit
in the B-tree of their random ids. Until the archive, which pages were allocated when can
still loosely follow the time rows were written (a page split appends a page); archive's
VACUUM rebuilds the file in key order, so afterwards the file holds no order but the random
keys'. After the commit, SQLite checkpoints and truncates the WAL, VACUUMs, and truncates the
WAL again (secure_delete is on for every connection: app/db.py), so deleted bytes are neither
in the database file nor in its WAL.

On PostgreSQL a row version goes where there is room, so an operator holding the live data
files sees, until the reveal, pending proposals in roughly submission order (ctid, and xmin
per transaction). The reveal rewrites the batch's rows one by one in a random order, all in
one transaction: the live versions then follow the shuffle and share one xmin, while the
dead versions (in submission order, holding only ciphertext and tags) stay in the pages
until (auto)vacuum prunes them, typically minutes. Reactions and tallies keep the order of
their last write until the archive. Archive rewrites every contribution row of the workshop
in a random order, then, after the commit, runs VACUUM FULL on the tables that hold workshop
data (app.workshops.compaction.PG_REWRITTEN). VACUUM FULL keeps a dead version that a still
open, older snapshot may read, so compaction first waits (up to 30 s) for every transaction
of the database that began before it to end; each table is locked exclusively while it is
rewritten, and skipped, with a warning in the log, if it cannot be locked within 5 s twice.
Afterwards the files hold the workshop's remaining rows in that random order and no dead
versions; after a warning, what a later VACUUM would have dropped may remain until then.
The server's WAL and any replica or base backup keep the old versions until they are
recycled; everything personal or contributed in them is ciphertext under the destroyed key,
and the tags are HMACs under it. Backups taken before archiving still hold the wrapped key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select

from app.accounts.models import AuthSession, StaffInvitation
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.audit.models import AuditEntry
from app.config import Settings
from app.db import Database
from app.db_order import in_random_order
from app.evaluation.models import Survey, SurveyChangeTally, SurveyResponse, SurveyTally, SurveyText
from app.ids import utcnow
from app.live.bus import changed
from app.notes.models import Note
from app.ntext.models import (
    MarkTally,
    ParagraphText,
    TextCritique,
    TextMark,
    TextParagraph,
    TextSignoff,
    TextSignoffTally,
)
from app.policy import Viewer
from app.replay.models import FormReplay
from app.retry import run_transaction
from app.room.models import (
    Proposal,
    ProposalTombstone,
    Reaction,
    ReactionTally,
    SpeakingRequest,
    Theme,
)
from app.roster.models import Participant, RulesAcceptance
from app.security.at_rest import SHREDDED
from app.summary.models import (
    SummaryComment,
    SummaryDecision,
    SummaryReview,
    SummarySignoff,
    SummarySignoffTally,
    SummaryTerm,
)
from app.translations.models import TextTranslation
from app.workshops import service as workshops
from app.workshops.compaction import compact, compact_after_commit
from app.workshops.models import RoundContext, Workshop, WorkshopKey

log = logging.getLogger("tracktwo.archive")

RETENTION = Viewer(kind="system", email="retention")
# audit actions whose detail is a staff member's free text (it may name someone)
FREE_TEXT_AUDIT = ("summary.override", "summary.redact", "summary.release.override")


@dataclass(frozen=True)
class Shredded:
    """What one archive destroyed (counts only; they go to the audit log)."""

    keys: int
    tags: int
    notes: int
    participants: int
    rows: int

    def describe(self) -> str:
        return (
            f"keys destroyed: {self.keys}; author tags cleared: {self.tags}; "
            f"notes deleted: {self.notes}; participants' personal data deleted: "
            f"{self.participants}; survey answers, sessions, acceptances, queue rows, "
            f"sign-offs and terms "
            f"deleted: {self.rows}"
        )


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _rewrite(db: Session, model: Any, where: Any, **values: Any) -> int:
    """UPDATE the matching rows one by one, in a random order (PostgreSQL writes the new row
    versions in that order); returns how many."""
    table = model.__table__
    key = list(table.primary_key.columns)
    rows = [tuple(r) for r in db.execute(select(*key).where(where))]
    if rows:
        statement = (
            table.update().where(*(c == bindparam(f"k_{c.name}") for c in key)).values(**values)
        )
        params = [
            {f"k_{c.name}": v for c, v in zip(key, row, strict=True)}
            for row in in_random_order(rows)
        ]
        db.execute(statement, params)
    return len(rows)


def shred(db: Session, workshop: Workshop) -> Shredded:
    """Destroy the keys, author tags and roster personal data of one workshop."""
    wid = workshop.id
    participant_ids = select(Participant.id).where(col(Participant.workshop_id) == wid)
    review_ids = select(SummaryReview.id).where(col(SummaryReview.workshop_id) == wid)

    keys = _count(db.exec(delete(WorkshopKey).where(col(WorkshopKey.workshop_id) == wid)))
    # What stays of the record is counts: every encrypted value is emptied (its key is gone),
    # and every contribution row is rewritten one by one in a random order (Storage order).
    proposal_ids = select(Proposal.id).where(col(Proposal.workshop_id) == wid)
    tags = _rewrite(
        db,
        Proposal,
        col(Proposal.workshop_id) == wid,
        author_tag=None,
        attribution=None,
        idempotency_key=None,
        text=SHREDDED,
        hide_reason=SHREDDED,
    )
    tags += _rewrite(db, Reaction, col(Reaction.workshop_id) == wid, author_tag=None)
    tags += _rewrite(db, TextMark, col(TextMark.workshop_id) == wid, author_tag=None)
    marked = MarkTally.__table__.c  # type: ignore[attr-defined]
    paragraph_ids = select(TextParagraph.id).where(col(TextParagraph.workshop_id) == wid)
    _rewrite(db, MarkTally, marked.paragraph_id.in_(paragraph_ids), count=marked.count)
    text_signed = TextSignoffTally.__table__.c  # type: ignore[attr-defined]
    item_ids = select(AgendaItem.id).where(col(AgendaItem.workshop_id) == wid)
    _rewrite(db, TextSignoffTally, text_signed.item_id.in_(item_ids), count=text_signed.count)
    bound = TextCritique.__table__.c  # type: ignore[attr-defined]
    _rewrite(db, TextCritique, bound.workshop_id == wid, paragraph_id=bound.paragraph_id)
    db.exec(
        update(TextParagraph).where(col(TextParagraph.workshop_id) == wid).values(text=SHREDDED)
    )
    tally = ReactionTally.__table__.c  # type: ignore[attr-defined]
    _rewrite(db, ReactionTally, tally.proposal_id.in_(proposal_ids), count=tally.count)
    signed = SummarySignoffTally.__table__.c  # type: ignore[attr-defined]
    _rewrite(db, SummarySignoffTally, signed.review_id.in_(review_ids), count=signed.count)
    _rewrite(
        db,
        SummaryComment,
        col(SummaryComment.review_id).in_(review_ids),
        body=SHREDDED,
        idempotency_key=None,
    )
    db.exec(update(Theme).where(col(Theme.workshop_id) == wid).values(name=SHREDDED))
    db.exec(
        update(RoundContext)
        .where(col(RoundContext.workshop_id) == wid)
        .values(summary=SHREDDED, open_questions=SHREDDED, previous_title="")
    )
    db.exec(
        update(SummaryDecision)
        .where(col(SummaryDecision.workshop_id) == wid)
        .values(reason=SHREDDED)
    )
    db.exec(
        update(SummaryReview)
        .where(col(SummaryReview.workshop_id) == wid)
        .values(release_override=SHREDDED)
    )
    notes = _count(db.exec(delete(Note).where(col(Note.workshop_id) == wid)))
    rows = _count(db.exec(delete(SurveyResponse).where(col(SurveyResponse.workshop_id) == wid)))
    rows += _count(db.exec(delete(SurveyText).where(col(SurveyText.workshop_id) == wid)))
    survey_tallies: tuple[Any, ...] = (SurveyTally, SurveyChangeTally)
    for tally in survey_tallies:
        cells = tally.__table__.c
        _rewrite(db, tally, cells.workshop_id == wid, count=cells.count)
    db.exec(
        update(Survey)
        .where(col(Survey.workshop_id) == wid)
        .values(pre_state="ended", post_state="ended", follow_up_state="ended")
    )
    signoffs = _count(
        db.exec(delete(SummarySignoff).where(col(SummarySignoff.review_id).in_(review_ids)))
    )
    signoffs += _count(db.exec(delete(TextSignoff).where(col(TextSignoff.workshop_id) == wid)))
    tombstones = _count(
        db.exec(delete(ProposalTombstone).where(col(ProposalTombstone.workshop_id) == wid))
    )
    tags += signoffs + tombstones
    rows += signoffs + tombstones
    rows += _count(db.exec(delete(SummaryTerm).where(col(SummaryTerm.workshop_id) == wid)))
    # the translator's translations of proposals and notes (ciphertext under the gone key)
    rows += _count(db.exec(delete(TextTranslation).where(col(TextTranslation.workshop_id) == wid)))
    # a negotiating text's other languages (the original stays, emptied, for its counts)
    rows += _count(db.exec(delete(ParagraphText).where(col(ParagraphText.workshop_id) == wid)))
    rows += _count(
        db.exec(
            delete(RulesAcceptance).where(col(RulesAcceptance.participant_id).in_(participant_ids))
        )
    )
    rows += _count(
        db.exec(delete(AuthSession).where(col(AuthSession.participant_id).in_(participant_ids)))
    )
    rows += _count(db.exec(delete(SpeakingRequest).where(col(SpeakingRequest.workshop_id) == wid)))
    # staff invitations: nobody joins an archived workshop, and their addresses go with it
    rows += _count(db.exec(delete(StaffInvitation).where(col(StaffInvitation.workshop_id) == wid)))
    # kept staff answers carry no workshop id and may hold its content (sealed under a staff
    # credential): every one goes; a repeat within the hour then simply runs again
    rows += _count(db.exec(delete(FormReplay)))
    participants = _count(
        db.exec(
            update(Participant)
            .where(col(Participant.workshop_id) == wid)
            .values(
                display_name=None,
                affiliation=None,
                language=None,
                invitation_hash=None,
                recovery_hash=None,
            )
        )
    )
    db.exec(
        update(AuditEntry)
        .where(
            col(AuditEntry.workshop_id) == wid,
            (col(AuditEntry.target_kind) == "participant")
            | col(AuditEntry.action).in_(FREE_TEXT_AUDIT),
        )
        .values(detail="")
    )
    db.flush()
    db.info.pop("tracktwo_data_keys", None)  # the unwrapped keys cached by app.security.at_rest
    db.expire_all()  # loaded rows must not be written back with the old values
    return Shredded(keys=keys, tags=tags, notes=notes, participants=participants, rows=rows)


def archive(
    db: Session, settings: Settings, *, viewer: Viewer, workshop: Workshop, confirm_title: object
) -> Workshop:
    """Archive a closed workshop for good: the organizer types its title to confirm.

    The checks (organizer, closed, title typed exactly), the status change and its audit entry
    are those of app.workshops.service.archive; this adds the shredding, its own audit entry
    with the counts, and the SQLite compaction after commit.
    """
    workshops.archive(db, viewer=viewer, workshop=workshop, confirm_title=confirm_title)
    wid = workshop.id
    done = shred(db, workshop)
    audit.record(
        db, viewer=viewer, workshop_id=wid, action="workshop.shred", detail=done.describe()
    )
    compact_after_commit(db)
    archived = db.get(Workshop, wid)
    assert archived is not None
    return archived


def archive_due(
    database: Database, settings: Settings, *, now: datetime | None = None
) -> list[str]:
    """Archive every workshop closed more than its `archive_after_days` ago (the retention).

    Returns the ids archived. Each workshop is archived in its own transaction; the audit log
    names the actor "retention".
    """
    moment = now or utcnow()
    with database.session() as db:
        candidates = list(
            db.exec(
                select(Workshop).where(
                    col(Workshop.status) == "closed",
                    col(Workshop.archive_after_days).is_not(None),
                    col(Workshop.closed_at).is_not(None),
                )
            )
        )
    due = [
        w.id
        for w in candidates
        if w.closed_at is not None
        and w.archive_after_days is not None
        and _aware(w.closed_at) + timedelta(days=w.archive_after_days) <= moment
    ]
    archived: list[str] = []
    for wid in due:

        def run(db: Session, wid: str = wid) -> bool:
            workshop = db.get(Workshop, wid)
            if workshop is None or workshop.status != "closed":
                return False
            workshop.status = "archived"
            workshop.archived_at = utcnow()
            db.add(workshop)
            audit.record(
                db,
                viewer=RETENTION,
                workshop_id=wid,
                action="workshop.archive",
                target=workshop,
                detail=f"retention: closed more than {workshop.archive_after_days} days ago",
            )
            done = shred(db, workshop)
            audit.record(
                db,
                viewer=RETENTION,
                workshop_id=wid,
                action="workshop.shred",
                detail=done.describe(),
            )
            changed(db, wid, "workshop")
            return True

        if run_transaction(database, run):
            archived.append(wid)
    if archived:
        compact(database.engine)
    return archived


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
