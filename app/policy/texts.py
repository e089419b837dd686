"""List filters of the negotiating text (app/ntext): versions, paragraphs, marks, tallies and
the binding of critiques to paragraphs.

Drafts are the facilitating staff's; everyone who reads the room reads published versions.
A critique's binding is visible exactly where its proposal is (the proposal filter, then
`keep_mine_or_revealed` on the proposals themselves). Marks are rows to count or to match by
tag, never shown, and none reaches the export audience; tallies only as published figures,
read by the facilitating staff who publish them. A text's open paragraphs are carried into
the next round only where the released document could hold them (`carries_forward`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select

from app.agenda.models import AgendaItem
from app.ntext.models import TextParagraph, TextVersion
from app.policy.access import workshops_with
from app.policy.filters import FILTERS, filter_for
from app.policy.viewer import Viewer
from app.room.models import Proposal

OFF_RECORD = "off_record"


def _versions_for(viewer: Viewer) -> ColumnElement[bool]:
    """The condition on TextVersion for this viewer."""
    if viewer.is_export and viewer.workshop_id:
        exported: ColumnElement[bool] = and_(
            col(TextVersion.workshop_id) == viewer.workshop_id,
            col(TextVersion.published_on).is_not(None),
            col(TextVersion.item_id).in_(
                select(col(AgendaItem.id)).where(
                    col(AgendaItem.workshop_id) == viewer.workshop_id,
                    col(AgendaItem.level) != OFF_RECORD,
                )
            ),
        )
        return exported
    drafting = workshops_with(viewer, "room.facilitate")
    reading = workshops_with(viewer, "room.read")
    clauses: list[ColumnElement[bool]] = []
    if drafting:
        clauses.append(col(TextVersion.workshop_id).in_(drafting))
    if reading:
        clauses.append(
            and_(
                col(TextVersion.workshop_id).in_(reading),
                col(TextVersion.published_on).is_not(None),
            )
        )
    return or_(*clauses) if clauses else false()


def carries_forward(item: Any, *, released: bool) -> bool:
    """Whether a text item's open paragraphs may be carried into the next round's context,
    where they outlive this round's archive: only what the released document may hold, so
    only once the round's summary is released, and never of an item off the record."""
    return released and item.kind == "text" and item.level != OFF_RECORD


@filter_for("TextVersion")
def _version_filter(viewer: Viewer, _model: Any) -> ColumnElement[bool]:
    return _versions_for(viewer)


@filter_for("TextParagraph")
def _paragraph_filter(viewer: Viewer, _model: Any) -> ColumnElement[bool]:
    inside: ColumnElement[bool] = col(TextParagraph.version_id).in_(
        select(col(TextVersion.id)).where(_versions_for(viewer))
    )
    return inside


@filter_for("ParagraphText")
def _paragraph_text_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """A paragraph's other languages: exactly where the paragraph itself is visible."""
    inside: ColumnElement[bool] = model.paragraph_id.in_(
        select(col(TextParagraph.id)).where(_paragraph_filter(viewer, TextParagraph))
    )
    return inside


@filter_for("TextCritique")
def _critique_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    proposals = FILTERS["Proposal"](viewer, Proposal)
    inside: ColumnElement[bool] = model.proposal_id.in_(select(col(Proposal.id)).where(proposals))
    return inside


@filter_for("TextMark")
def _mark_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    if viewer.is_export:
        return false()
    ids = workshops_with(viewer, "room.read")
    inside: ColumnElement[bool] = model.workshop_id.in_(ids) if ids else false()
    return inside


@filter_for("MarkTally")
def _tally_filter(viewer: Viewer, model: Any) -> ColumnElement[bool]:
    """Per-party counts, for the one service that reads them: the facilitating staff
    publishing a snapshot of the figures (app/ntext/figures.py), of published versions of
    their own workshops only. Everyone else (readers, participants, the export audience)
    sees marks only as that published snapshot, never the live tallies."""
    drafting = workshops_with(viewer, "room.facilitate")
    if viewer.is_export or not drafting:
        return false()
    published = select(col(TextVersion.id)).where(
        col(TextVersion.workshop_id).in_(drafting), col(TextVersion.published_on).is_not(None)
    )
    inside: ColumnElement[bool] = model.paragraph_id.in_(
        select(col(TextParagraph.id)).where(col(TextParagraph.version_id).in_(published))
    )
    return inside
