"""Reactions (agree / disagree / pass) and the per-party tallies they feed.

A reaction's tag is HMAC(key, secret | "reaction" | proposal id): one reaction per participant
and proposal (the tag is unique), and tags differ across proposals. The reactor's party goes
only into ReactionTally, updated atomically in SQL, never onto the reaction row.
"""

from __future__ import annotations

from typing import Any

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


def bump_tally(
    db: Session,
    tally: Any,
    target: str,
    target_id: str,
    party_id: str | None,
    value: str,
    delta: int,
) -> None:
    """count = count + delta for one (target, party, value) cell of a tally table (reaction
    tallies per proposal, mark tallies per paragraph), inserting it if missing. The party
    goes only here, never onto the contribution row."""
    if party_id is None:
        return
    columns = tally.__table__.c
    if delta < 0:
        db.execute(
            update(tally)
            .where(
                columns[target] == target_id,
                columns.party_id == party_id,
                columns.value == value,
                columns.count > 0,
            )
            .values(count=columns.count - 1)
        )
        return
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(tally).values(
        {target: target_id, "party_id": party_id, "value": value, "count": 1}
    )
    db.execute(
        statement.on_conflict_do_update(
            index_elements=[target, "party_id", "value"], set_={"count": columns.count + 1}
        )
    )


def insert_first(db: Session, model: Any, values: dict[str, Any]) -> bool:
    """Insert a contribution row unless its author tag is already there (the tag is unique);
    True if inserted. One statement, race-free, for the common case: a first reaction or
    mark. A change of mind then updates the existing row."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(model)
        .values({"id": new_id(), **values})
        .on_conflict_do_nothing(index_elements=["author_tag"])
        .returning(model.__table__.c.id)
    )
    return db.execute(statement).first() is not None


def _bump(db: Session, proposal_id: str, party_id: str | None, value: str, delta: int) -> None:
    bump_tally(db, ReactionTally, "proposal_id", proposal_id, party_id, value, delta)


def _insert_first(db: Session, workshop: Workshop, proposal_id: str, tag: str, choice: str) -> bool:
    values = {
        "workshop_id": workshop.id,
        "proposal_id": proposal_id,
        "author_tag": tag,
        "value": choice,
    }
    return insert_first(db, Reaction, values)


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
    if item.kind != "contribution":
        raise NotFound()  # a critique of a negotiating text is marked per paragraph instead
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
