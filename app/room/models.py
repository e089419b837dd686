"""Contributions in the live room: proposals, reactions, tallies, themes, the speaking queue.

No contribution table (proposal, reaction) has a column that points at a participant or a
party: authorship is an author tag, HMAC(workshop key, participant secret || contribution).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db_order import NO_ROWID
from app.ids import new_id


class Theme(SQLModel, table=True):
    __tablename__ = "theme"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str = Field(
        foreign_key="agenda_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    name: str = Field(max_length=700)  # AES-GCM ciphertext of up to 120 chars
    position: int = 0


class Proposal(SQLModel, table=True):
    __tablename__ = "proposal"
    # unique: two racing submissions of one author cannot take the same number (keys.py)
    __table_args__ = (Index("ix_proposal_author_tag", "author_tag", unique=True), NO_ROWID)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str = Field(
        foreign_key="agenda_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    text: str = Field(max_length=10800)  # ciphertext of up to 2000 chars
    author_tag: str | None = Field(default=None, max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)
    status: str = Field(default="pending", max_length=16)
    batch: int = 0
    shuffle_key: str = Field(default_factory=new_id, max_length=32)
    hidden: bool = False
    hide_reason: str = Field(default="", max_length=2720)  # ciphertext of 500
    edited: bool = False
    merged_into_id: str | None = Field(
        default=None, foreign_key="proposal.id", max_length=32, ondelete="SET NULL"
    )
    theme_id: str | None = Field(
        default=None, foreign_key="theme.id", max_length=32, ondelete="SET NULL"
    )
    attribution: str | None = Field(default=None, max_length=1120)  # ciphertext of 200
    in_summary: bool | None = None
    # Pending proposals join the staff's list in groups (app/policy/pending.py).
    listed: bool = False


class ProposalTombstone(SQLModel, table=True):
    """The tombstone tag of a withdrawn proposal (app/security/keys.py), kept so the author's
    numbering has no hole (app/policy/mine.py): nothing but the tag, keyed by it (no time, no
    order), never matching the erased tag without the secret; archive deletes it."""

    __tablename__ = "proposal_tombstone"
    __table_args__ = NO_ROWID

    author_tag: str = Field(primary_key=True, max_length=64)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )


class Reaction(SQLModel, table=True):
    """One reaction per author and proposal: the tag is stable for that pair only."""

    __tablename__ = "reaction"
    __table_args__ = NO_ROWID

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    proposal_id: str = Field(
        foreign_key="proposal.id", index=True, max_length=32, ondelete="CASCADE"
    )
    author_tag: str | None = Field(default=None, max_length=64, unique=True)
    value: str = Field(max_length=16)


class ReactionTally(SQLModel, table=True):
    """Aggregate counts per proposal, party and value: the only place a party meets a reaction."""

    __tablename__ = "reaction_tally"
    __table_args__ = NO_ROWID

    proposal_id: str = Field(
        foreign_key="proposal.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    party_id: str = Field(
        foreign_key="party.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    value: str = Field(primary_key=True, max_length=16)
    count: int = 0


class SpeakingRequest(SQLModel, table=True):
    """A request for the floor in a plenary item. Nothing links it to contributions."""

    __tablename__ = "speaking_request"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    item_id: str = Field(
        foreign_key="agenda_item.id", index=True, max_length=32, ondelete="CASCADE"
    )
    participant_id: str = Field(foreign_key="participant.id", max_length=32, ondelete="CASCADE")
    seq: int = 0
    status: str = Field(default="waiting", max_length=16)


class PublishedResults(SQLModel, table=True):
    """The last published snapshot of an item's results: what the room may know of its
    reactions. Counts per proposal, overall and per party (JSON), never who reacted; a day,
    never a time. A new snapshot replaces it only where it cannot be differenced against it
    (app/room/snapshots.py)."""

    __tablename__ = "published_results"

    item_id: str = Field(
        foreign_key="agenda_item.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    seq: int = 0
    payload: str = "{}"
    withheld: int = 0
    published_on: date | None = None
