"""Which revealed proposals go into the summary: the editors' choice over the default rule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import policy
from app.agenda.models import AgendaItem
from app.audit import service as audit
from app.errors import NotFound
from app.forms import clean_choice
from app.live.bus import changed
from app.policy import Viewer
from app.room.models import Proposal
from app.summary.present import chosen
from app.workshops.models import Workshop


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
