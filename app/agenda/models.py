"""Sessions of a workshop (a morning, a day, a later round) and their agenda items."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel import Field, SQLModel

from app.ids import new_id

# Kinds of item that take anonymous proposals (a negotiating text's critiques are proposals,
# with the same pending list, reveal, minimum batch and moderation) and publish results.
ROUND_KINDS = frozenset({"contribution", "text"})


class Meeting(SQLModel, table=True):
    """A session of the workshop. Named Meeting in code to keep it apart from auth sessions."""

    __tablename__ = "meeting"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    title: str = Field(max_length=200)
    day: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    place: str = Field(default="", max_length=200)
    level: str = Field(default="chatham", max_length=16)
    position: int = 0


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    meeting_id: str = Field(foreign_key="meeting.id", index=True, max_length=32, ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    kind: str = Field(default="plenary", max_length=16)
    phase: str = Field(default="opening", max_length=24)
    duration_minutes: int = 30
    level: str = Field(default="chatham", max_length=16)
    position: int = 0
    state: str = Field(default="planned", max_length=16)
    intake_open: bool = False
    reveals: int = 0
    results_shown: bool = False
    timer_ends_at: datetime | None = None
    timer_remaining: int | None = None
    started_on: date | None = None
    # Notices everyone in the room sees: the size of the last reveal if it was below the
    # minimum batch (0 otherwise), and the level this item had before its last level change.
    small_batch: int = 0
    level_was: str | None = Field(default=None, max_length=16)
