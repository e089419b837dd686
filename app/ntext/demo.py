"""The demo's negotiating text: two versions of a three-paragraph draft on the Sarel's
filling schedule, marked by every participant who joined, critiqued in one revealed batch,
with published figures (app/demo.py plays it through the services)."""

from __future__ import annotations

import random

from sqlmodel import Session

from app.agenda import service as agenda
from app.config import Settings
from app.ntext import figures, marks, service
from app.policy import Viewer
from app.room import proposals, runtime
from app.workshops.models import Workshop

TITLE = "A single text: filling the Karsh reservoir"
DESCRIPTION = (
    "The facilitator's draft, paragraph by paragraph. Mark what you can live with; say why "
    "where you cannot. Nobody is asked to accept or to propose."
)
FIRST = (
    "The three states share data on the Sarel's flow, measured at agreed stations and "
    "published to all three at the same time.",
    "The Karsh reservoir is filled over seven years, holding back no more than a third of "
    "the spring flood in any year.",
    "Disputes over the filling schedule go to a joint commission, whose decisions bind.",
)
SECOND = (
    FIRST[0],
    "The Karsh reservoir is filled over at least seven years; in a dry year, as defined by "
    "the shared data, filling pauses until the delta has had its spring flood.",
    "Disputes over the filling schedule go first to a joint technical commission, which "
    "advises the three governments.",
)
CRITIQUES = (
    "Seven years is too short if two dry years come together.",
    "Who defines a dry year? It must come from the shared data, not from one capital.",
    "Binding decisions by a commission will not pass any of our parliaments.",
    "Nous pouvons vivre avec une commission technique, pas avec un tribunal.",
)


def _marks(round_: int, party: int) -> tuple[str, str, str]:
    """How a member of party 0, 1 or 2 marks the three paragraphs in round 1 or 2."""
    if round_ == 1:
        return (
            "agree",
            ("disagree", "disagree", "agree")[party],
            ("disagree", "pass", "agree")[party],
        )
    return ("agree", ("agree", "agree", "pass")[party], ("agree", "disagree", "agree")[party])


def play(
    db: Session,
    settings: Settings,
    *,
    facilitator: Viewer,
    workshop: Workshop,
    meeting_id: str,
    authors: list[Viewer],
    parties: list[str],
) -> None:
    """Add the text to the session, run two rounds of it and finish it."""
    rng = random.Random(20261203)  # noqa: S311 (demo data, not security)
    item = agenda.add_item(
        db,
        viewer=facilitator,
        workshop=workshop,
        meeting_id=meeting_id,
        data={"title": TITLE, "kind": "text", "phase": "evaluating", "description": DESCRIPTION},
    )
    runtime.start(db, viewer=facilitator, workshop=workshop, item_id=item.id)
    runtime.set_intake(db, viewer=facilitator, workshop=workshop, item_id=item.id, open_=True)
    for round_, paragraphs in ((1, FIRST), (2, SECOND)):
        service.save_draft(
            db,
            viewer=facilitator,
            workshop=workshop,
            item=item,
            text="\n\n".join(paragraphs),
            lang="",
        )
        version = service.publish_version(db, viewer=facilitator, workshop=workshop, item=item)
        rows = service.paragraphs(db, viewer=facilitator, version_ids=[version.id])[version.id]
        for author in authors:
            values = _marks(round_, parties.index(author.party_id or ""))
            for row, value in zip(rows, values, strict=True):
                marks.mark(
                    db, settings, viewer=author, workshop=workshop, paragraph_id=row.id, value=value
                )
        if round_ == 1:
            for n, text in enumerate(CRITIQUES):
                marks.critique(
                    db,
                    settings,
                    viewer=rng.choice(authors),
                    workshop=workshop,
                    paragraph_id=rows[1 + n % 2].id,
                    text=text,
                    idempotency_key=proposals.new_idempotency_key(),
                )
            runtime.reveal(db, viewer=facilitator, workshop=workshop, item_id=item.id)
        figures.publish(db, viewer=facilitator, workshop=workshop, item=item)
    runtime.set_results(db, viewer=facilitator, workshop=workshop, item_id=item.id, shown=True)
    runtime.finish(db, viewer=facilitator, workshop=workshop, item_id=item.id)
