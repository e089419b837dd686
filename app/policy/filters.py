"""List filters: the SQL WHERE clause that decides which rows of a model a viewer may list.

`visible()` adds the viewer's filter to a SELECT; an unregistered model is denied. Rows a
filter admits only as candidates (a participant's private notes, and pending proposals of a
legacy workshop, proven by recomputing their author tag) are narrowed by
`keep_mine_or_revealed` and `keep_own_notes`; a participant's own pending proposals are
otherwise selected by the tags they computed (app/policy/mine.py). The export audience
(`Viewer.kind == "export"`) reads only what may leave the room: revealed proposals that are
not hidden, notes cleared for the summary, themes and tallies, never of an off-the-record
item, and never a participant, reaction, queue or audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.agenda.models import AgendaItem
from app.notes.models import Note
from app.policy.access import workshops_with
from app.policy.record import note
from app.policy.translating import NOTE_VISIBILITIES, PROPOSAL_STATUSES
from app.policy.viewer import PARTICIPANT_WORKSHOP_STATES, Viewer
from app.room.models import Proposal
from app.security import keys

M = TypeVar("M")
Rule = Callable[[Viewer, Any], ColumnElement[bool]]

FILTERS: dict[str, Rule] = {}
OFF_RECORD = "off_record"


def filter_for(model_name: str) -> Callable[[Rule], Rule]:
    """Register the SQL filter that decides which rows of a model a viewer may list."""

    def register(fn: Rule) -> Rule:
        FILTERS[model_name] = fn
        return fn

    return register


def visible(statement: SelectOfScalar[M], viewer: Viewer, model: type[M]) -> SelectOfScalar[M]:
    """Add the viewer's filter for `model` to a SELECT. Unknown models: default deny."""
    name = model.__name__
    note("visible", name)
    rule = FILTERS.get(name)
    condition: ColumnElement[bool] = rule(viewer, model) if rule else false()
    return statement.where(condition)


def always(_viewer: Viewer, _model: Any) -> ColumnElement[bool]:
    return true()


def _in_workshops(model: Any, ids: Iterable[str]) -> ColumnElement[bool]:
    ids = list(ids)
    condition: ColumnElement[bool] = model.workshop_id.in_(ids) if ids else false()
    return condition


def _on_record_items(workshop_id: str) -> Any:
    """Ids of the workshop's items that are not off the record (for the export audience)."""
    return select(col(AgendaItem.id)).where(
        col(AgendaItem.workshop_id) == workshop_id, col(AgendaItem.level) != OFF_RECORD
    )


def _exportable_proposals(workshop_id: str) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = and_(
        col(Proposal.workshop_id) == workshop_id,
        col(Proposal.status) == "revealed",
        col(Proposal.hidden) == false(),
        col(Proposal.item_id).in_(_on_record_items(workshop_id)),
    )
    return condition


@filter_for("Workshop")
def _workshop_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_staff:
        return model.id.in_(list(viewer.roles)) if viewer.roles else false()
    if viewer.is_participant and viewer.workshop_id:
        return and_(
            model.id == viewer.workshop_id,
            model.status.in_(sorted(PARTICIPANT_WORKSHOP_STATES)),
        )
    if viewer.is_export and viewer.workshop_id:
        own: ColumnElement[bool] = model.id == viewer.workshop_id
        return own
    return false()


@filter_for("Membership")
def _membership_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if not viewer.is_staff:
        return false()
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("Party")
def _party_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Staff read the parties; participants and the export audience get a party only as the
    label of a breakdown that the k rule allows (never next to a text): `parties.read`
    (staff only) guards the party pages themselves."""
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("Participant")
def _participant_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_participant:
        own: ColumnElement[bool] = model.id == viewer.participant_id
        return own
    return _in_workshops(model, workshops_with(viewer, "roster.read"))


@filter_for("GroundRule")
def _rule_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("ContentTranslation")
def _translation_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """A version of a staff-written text in another language: whoever reads the original."""
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("TextTranslation")
def _text_translation_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """A translation of a proposal or note: the translators of the workshop; anyone else only
    beside what they may read of the original: a revealed, unhidden proposal, or a note
    cleared for the room or the summary (never one of a pending proposal, even its author's).
    The export audience: those of the notes it may export (a synthesis in each language)."""
    if viewer.is_export:
        if not viewer.workshop_id:
            return false()
        exported: ColumnElement[bool] = and_(
            model.workshop_id == viewer.workshop_id,
            model.kind == "note",
            model.object_id.in_(
                select(col(Note.id)).where(_exportable_notes(Note, viewer.workshop_id))
            ),
        )
        return exported
    clauses: list[ColumnElement[bool]] = []
    translating = workshops_with(viewer, "translate")
    if translating:
        clauses.append(model.workshop_id.in_(translating))
    reading = workshops_with(viewer, "room.read")
    if reading:
        shown_proposals = select(col(Proposal.id)).where(
            col(Proposal.workshop_id).in_(reading),
            col(Proposal.status) == "revealed",
            col(Proposal.hidden) == false(),
        )
        shown_notes = select(col(Note.id)).where(
            col(Note.workshop_id).in_(reading), col(Note.visibility).in_(NOTE_VISIBILITIES)
        )
        clauses.append(
            and_(
                model.workshop_id.in_(reading),
                or_(
                    and_(model.kind == "proposal", model.object_id.in_(shown_proposals)),
                    and_(model.kind == "note", model.object_id.in_(shown_notes)),
                ),
            )
        )
    return or_(*clauses) if clauses else false()


@filter_for("RoundContext")
def _context_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """What a round carries forward from the previous one: its staff read it."""
    if not viewer.is_staff:
        return false()
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("Meeting")
def _meeting_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("AgendaItem")
def _item_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "workshop.read"))


@filter_for("AuditEntry")
def _audit_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    return _in_workshops(model, workshops_with(viewer, "audit.read"))


@filter_for("Theme")
def _theme_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_export and viewer.workshop_id:
        exported: ColumnElement[bool] = and_(
            model.workshop_id == viewer.workshop_id,
            model.item_id.in_(_on_record_items(viewer.workshop_id)),
        )
        return exported
    return _in_workshops(model, workshops_with(viewer, "room.read"))


@filter_for("Proposal")
def _proposal_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Facilitators see pending proposals to moderate; others see revealed, unhidden ones;
    the export audience only those of items that are not off the record.

    A participant's own pending proposals: those with the tags the viewer computed
    (`_own_pending`, policy.mine).
    """
    if viewer.is_export and viewer.workshop_id:
        return _exportable_proposals(viewer.workshop_id)
    moderating = workshops_with(viewer, "room.facilitate")
    reading = workshops_with(viewer, "room.read")
    translating = workshops_with(viewer, "translate")
    revealed = and_(model.status == "revealed", model.hidden == false())
    clauses: list[ColumnElement[bool]] = []
    if moderating:
        clauses.append(and_(model.workshop_id.in_(moderating), model.status != "withdrawn"))
    if translating:  # candidates: narrowed by policy.proposals_to_translate (translating.py)
        clauses.append(
            and_(
                model.workshop_id.in_(translating),
                model.status.in_(PROPOSAL_STATUSES),
                model.hidden == false(),
            )
        )
    if reading:
        clauses.append(and_(model.workshop_id.in_(reading), revealed))
    if viewer.is_participant and viewer.workshop_id:
        clauses.append(_own_pending(viewer, model))
    return or_(*clauses) if clauses else false()


def _own_pending(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """A participant's own pending proposals: those whose tags they computed (policy.mine),
    so others' pending rows are never loaded; in a legacy workshop (per-id tags) every
    pending one is a candidate, kept by `keep_mine_or_revealed`. Not computed: none."""
    own = viewer.own_proposals
    if own is None or not (own.legacy or own.tags):
        return false()
    pending = and_(model.workshop_id == viewer.workshop_id, model.status == "pending")
    if own.legacy:
        return pending
    return and_(pending, model.author_tag.in_(sorted(own.tags)))


def waiting_to_list(viewer: Viewer, workshop_id: str) -> ColumnElement[bool]:
    """The pending proposals of a workshop waiting outside the staff's list, for the write
    path of a contributor whose submission may make them join it (policy.pending): counted
    and flagged there, never shown to anyone."""
    note("visible", "Proposal:waiting")
    if not viewer.may("room.contribute", workshop_id):
        return false()
    waiting: ColumnElement[bool] = and_(
        col(Proposal.workshop_id) == workshop_id,
        col(Proposal.status) == "pending",
        col(Proposal.listed) == false(),
    )
    return waiting


def keep_mine_or_revealed(
    rows: Iterable[Any], viewer: Viewer, workshop_key: bytes | None
) -> list[tuple[Any, bool]]:
    """After `visible(..., Proposal)`: each row with whether the viewer wrote it. A
    participant's pending rows are kept only when their tag is one of the viewer's own
    (policy.mine), or, in a legacy workshop, when the recomputed per-id tag proves it; staff
    are never authors (mine is always False for them)."""
    note("visible", "Proposal:mine")
    kept: list[tuple[Any, bool]] = []
    for row in rows:
        mine = viewer.is_participant and _proves(viewer, workshop_key, row)
        moderating = viewer.may("room.facilitate", row.workshop_id)
        if row.status == "pending" and not mine and not moderating:
            continue
        kept.append((row, mine))
    return kept


def _proves(viewer: Viewer, workshop_key: bytes | None, row: Any) -> bool:
    """Whether the row's tag is the viewer's: a set lookup when their tags were found by
    number, else (legacy, or not looked up) the per-id tag recomputed."""
    own = viewer.own_proposals
    if row.author_tag is None or row.workshop_id != viewer.workshop_id:
        return False
    if own is not None and not own.legacy:
        return row.author_tag in own.tags
    return workshop_key is not None and keys.is_mine(
        workshop_key, viewer.secret, "proposal", row.id, row.author_tag
    )


@filter_for("Reaction")
def _reaction_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Rows to count or to match by tag; no reaction row ever reaches a template, and none
    reaches the export audience (it gets tallies)."""
    if viewer.is_export:
        return false()
    return _in_workshops(model, workshops_with(viewer, "room.read"))


@filter_for("ReactionTally")
def _tally_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Per-party counts; shown only where the k rule holds (app/room/consensus.py)."""
    if viewer.is_export and viewer.workshop_id:
        exported: ColumnElement[bool] = model.proposal_id.in_(
            select(col(Proposal.id)).where(_exportable_proposals(viewer.workshop_id))
        )
        return exported
    ids = workshops_with(viewer, "room.read")
    if not ids:
        return false()
    inside: ColumnElement[bool] = model.proposal_id.in_(
        select(col(Proposal.id)).where(col(Proposal.workshop_id).in_(ids))
    )
    return inside


@filter_for("PublishedResults")
def _published_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Published results: whoever reads the room; the export audience, none of an
    off-the-record item. Whether the item's results are shown is `may_see_results`."""
    if viewer.is_export and viewer.workshop_id:
        exported: ColumnElement[bool] = model.item_id.in_(_on_record_items(viewer.workshop_id))
        return exported
    return _in_workshops(model, workshops_with(viewer, "room.read"))


@filter_for("SpeakingRequest")
def _queue_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_participant:
        own: ColumnElement[bool] = model.participant_id == viewer.participant_id
        return own
    return _in_workshops(model, workshops_with(viewer, "queue.read"))


def _exportable_notes(model: Any, workshop_id: str) -> ColumnElement[bool]:
    """The notes that may leave the room: cleared for the summary, none of an off-the-record
    item (the export audience's notes, and the notes whose translations it may read)."""
    return and_(
        model.workshop_id == workshop_id,
        model.visibility == "summary",
        or_(model.item_id.is_(None), model.item_id.in_(_on_record_items(workshop_id))),
    )


@filter_for("Note")
def _note_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Private: the author only. Team: organizers, facilitators, rapporteurs. Room, summary:
    everyone in the workshop. A participant's private notes are candidates, kept by tag.
    The export audience: notes cleared for the summary, none of an off-the-record item."""
    clauses: list[ColumnElement[bool]] = []
    if viewer.is_export and viewer.workshop_id:
        return _exportable_notes(model, viewer.workshop_id)
    if viewer.is_staff:
        team = workshops_with(viewer, "note.team")
        room = workshops_with(viewer, "room.read")
        if viewer.user_id:
            clauses.append(
                and_(model.visibility == "private", model.author_user_id == viewer.user_id)
            )
        if team:
            clauses.append(and_(model.workshop_id.in_(team), model.visibility == "team"))
        if room:
            clauses.append(
                and_(model.workshop_id.in_(room), model.visibility.in_(("room", "summary")))
            )
        translating = workshops_with(viewer, "translate")
        if translating:
            clauses.append(
                and_(
                    model.workshop_id.in_(translating),
                    model.visibility.in_(NOTE_VISIBILITIES),
                )
            )
    elif viewer.is_participant and viewer.workshop_id:
        clauses.append(
            and_(
                model.workshop_id == viewer.workshop_id,
                or_(
                    model.visibility.in_(("room", "summary")),
                    and_(model.visibility == "private", model.author_tag.is_not(None)),
                ),
            )
        )
    return or_(*clauses) if clauses else false()


def keep_own_notes(rows: Iterable[Any], viewer: Viewer, workshop_key: bytes | None) -> list[Any]:
    """After `visible(..., Note)`: keep private notes only when the viewer wrote them. Staff
    prove it by user id; a participant by recomputing the note's author tag (never stored)."""
    note("visible", "Note:own")
    kept: list[Any] = []
    for row in rows:
        if row.visibility == "private":
            if viewer.is_participant:
                if workshop_key is None or not keys.is_mine(
                    workshop_key, viewer.secret, "note", row.id, row.author_tag
                ):
                    continue
            elif viewer.user_id is None or row.author_user_id != viewer.user_id:
                continue
        kept.append(row)
    return kept


# -- attitude surveys (app/evaluation) ------------------------------------------------------


@filter_for("Survey")
@filter_for("SurveyItem")
def _survey_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """The survey and its statements: whoever answers it or sees its results."""
    ids = {
        *workshops_with(viewer, "evaluation.answer"),
        *workshops_with(viewer, "evaluation.results"),
    }
    return _in_workshops(model, ids)


@filter_for("SurveyResponse")
def _survey_answer_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Answer rows, to find one's own answers by pairing tag (participants: the tag needs the
    secret, so no SQL can narrow it further) or to compute the results to publish (the
    organizer); never shown as rows, never exported."""
    if viewer.is_export:
        return false()
    ids = {
        *workshops_with(viewer, "evaluation.answer"),
        *workshops_with(viewer, "evaluation.build"),
    }
    return _in_workshops(model, ids)


@filter_for("SurveyTally")
@filter_for("SurveyChangeTally")
def _survey_tally_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """The per-party tallies: only to compute the results to publish (the organizer). A
    participant's answer bumps them in SQL and never reads them; never exported."""
    if viewer.is_export:
        return false()
    return _in_workshops(model, workshops_with(viewer, "evaluation.build"))


@filter_for("SurveyText")
def _survey_text_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Free-text answers: revealed and not hidden for whoever sees the results; hidden ones
    too for moderators; pending ones only to the organizer's reveal (never shown, counted)."""
    if viewer.is_export:
        return false()
    shown = and_(
        _in_workshops(model, workshops_with(viewer, "evaluation.results")),
        model.status == "revealed",
        model.hidden.is_(False),
    )
    moderated = and_(
        _in_workshops(model, workshops_with(viewer, "evaluation.moderate")),
        model.status == "revealed",
    )
    pending = _in_workshops(model, workshops_with(viewer, "evaluation.build"))
    return or_(shown, moderated, pending)


@filter_for("SurveyResults")
def _survey_results_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Published survey results: staff with `evaluation.results`, and the participants."""
    return _in_workshops(model, workshops_with(viewer, "evaluation.results"))


@filter_for("TransferEntry")
def _transfer_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """The transfer log: the team (it names staff and officials, never a participant)."""
    return _in_workshops(model, workshops_with(viewer, "transfer.read"))
