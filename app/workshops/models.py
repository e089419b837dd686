"""Workshops, their wrapped keys, staff membership and parties (the sides)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from app.ids import new_id, utcnow


class Workshop(SQLModel, table=True):
    __tablename__ = "workshop"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    title: str = Field(max_length=200)
    purpose: str = Field(default="", max_length=4000)
    track: str = Field(default="track2", max_length=16)
    start_date: date | None = None
    end_date: date | None = None
    timezone: str = Field(default="UTC", max_length=64)
    languages: str = Field(default="en", max_length=200)
    k_min: int = 5
    default_level: str = Field(default="chatham", max_length=16)
    status: str = Field(default="draft", max_length=16)
    rules_version: int = 0
    readmissions: int = 0
    show_participant_count: bool = False
    archive_after_days: int | None = None
    staff_two_step: bool = False  # the organizer requires two-step sign-in of every staff member
    # Rounds of one process share a series id (random, never a person's); the first is 1.
    series_id: str | None = Field(default=None, index=True, max_length=32)
    round_number: int = 1
    # How its proposals are tagged (app/security/keys.py): "sequence", or "legacy" (per id)
    # for a workshop that had proposals before the sequence existed (migration 0178).
    proposal_tags: str = Field(default="sequence", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    archived_at: datetime | None = None


class WorkshopKey(SQLModel, table=True):
    """The workshop's data key, wrapped by the master key; deleted on archive."""

    __tablename__ = "workshop_key"

    workshop_id: str = Field(
        foreign_key="workshop.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    wrapped: bytes


class Membership(SQLModel, table=True):
    __tablename__ = "membership"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    user_id: str = Field(
        foreign_key="user_account.id", index=True, max_length=32, ondelete="CASCADE"
    )
    role: str = Field(max_length=16)


class Party(SQLModel, table=True):
    __tablename__ = "party"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=1000)
    position: int = 0


class RoundContext(SQLModel, table=True):
    """What a round carries forward from the one before, read-only: the released summary (as
    Markdown) and the questions still open (paragraphs of negotiating texts that not every
    party could live with), encrypted under this round's key."""

    __tablename__ = "round_context"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", unique=True, max_length=32, ondelete="CASCADE"
    )
    previous_title: str = Field(default="", max_length=200)
    summary: str = Field(default="")  # ciphertext
    open_questions: str = Field(default="")  # ciphertext: one question per line
