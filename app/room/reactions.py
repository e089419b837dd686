"""Reactions (agree / disagree / pass) and the per-party tallies they feed.

A reaction's tag is HMAC(key, secret | "reaction" | proposal id): one reaction per participant
and proposal (the tag is unique), and tags differ across proposals. The reactor's party goes
only into ReactionTally, updated atomically in SQL, never onto the reaction row.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from app import policy
from app.config import Settings
from app.errors import Conflict, NotFound
from app.forms import clean_choice
from app.ids import new_id
from app.policy import Viewer
from app.room import common
from app.room.consensus import VALUES
from app.room.models import Reaction, ReactionTally
from app.security import keys
from app.workshops.models import Workshop


def _bump(db: Session, proposal_id: str, party_id: str | None, value: str, delta: int) -> None:
    """count = count + delta for one (proposal, party, value) cell, inserting it if missing."""
    if party_id is None:
        return
    if delta < 0:
        db.execute(
            update(ReactionTally)
            .where(
                col(ReactionTally.proposal_id) == proposal_id,
                col(ReactionTally.party_id) == party_id,
                col(ReactionTally.value) == value,
                col(ReactionTally.count) > 0,
            )
            .values(count=col(ReactionTally.count) - 1)
        )
        return
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ReactionTally).values(
        proposal_id=proposal_id, party_id=party_id, value=value, count=1
    )
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["proposal_id", "party_id", "value"],
            set_={"count": col(ReactionTally.count) + 1},
        )
    )


def _insert_first(db: Session, workshop: Workshop, proposal_id: str, tag: str, choice: str) -> bool:
    """Insert the reaction unless this author already reacted to this proposal (the tag is
    unique); True if inserted. One statement, race-free, for the common case: a first
    reaction. A change of mind then updates the existing row."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Reaction)
        .values(
            id=new_id(),
            workshop_id=workshop.id,
            proposal_id=proposal_id,
            author_tag=tag,
            value=choice,
        )
        .on_conflict_do_nothing(index_elements=["author_tag"])
        .returning(col(Reaction.id))
    )
    return db.execute(statement).first() is not None


def _mine(db: Session, viewer: Viewer, workshop: Workshop, tag: str) -> Reaction | None:
    statement = (
        policy.visible(select(Reaction), viewer, Reaction)
        .where(col(Reaction.workshop_id) == workshop.id, col(Reaction.author_tag) == tag)
        .with_for_update()
    )
    return db.exec(statement).first()


def react(
    db: Session,
    settings: Settings,
    *,
    viewer: Viewer,
    workshop: Workshop,
    proposal_id: str,
    value: object,
) -> str:
    """Set the viewer's reaction to a revealed proposal of the live item; changeable."""
    policy.ensure(viewer, "room.contribute", workshop)
    common.require_contributing(workshop)
    secret = common.require_secret(viewer)
    choice = clean_choice(value, field="value", label="Reaction", choices=VALUES)
    proposal = common.proposal(
        db, viewer=viewer, workshop=workshop, proposal_id=proposal_id, settings=settings
    )
    if proposal.status != "revealed" or proposal.hidden:
        raise NotFound()  # a pending proposal (someone's own) is as invisible as none
    if proposal.merged_into_id:
        raise Conflict("This proposal was merged into another: react to that one.")
    item = common.item(db, viewer=viewer, workshop=workshop, item_id=proposal.item_id)
    if item.state != "live":
        raise Conflict("Reactions are closed: this item is over.")
    tag = keys.author_tag(common.key(db, settings, workshop), secret, "reaction", proposal.id)
    if _insert_first(db, workshop, proposal.id, tag, choice):
        _bump(db, proposal.id, viewer.party_id, choice, +1)
        return choice  # nothing is announced: results change only when published
    existing = _mine(db, viewer, workshop, tag)  # reacted before (or a double submit won)
    if existing is None:
        raise Conflict("This reaction could not be saved. Reload the page and try again.")
    if existing.value != choice:
        previous = existing.value
        existing.value = choice
        db.add(existing)
        db.flush()
        _bump(db, proposal.id, viewer.party_id, previous, -1)
        _bump(db, proposal.id, viewer.party_id, choice, +1)
    return choice
