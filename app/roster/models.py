"""Participants (the roster) and their acceptances of the ground rules."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from app.ids import new_id, today


class Participant(SQLModel, table=True):
    __tablename__ = "participant"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    party_id: str | None = Field(
        default=None, foreign_key="party.id", index=True, max_length=32, ondelete="SET NULL"
    )
    display_name: str | None = Field(default=None, max_length=700)  # ciphertext of 120 chars
    affiliation: str | None = Field(default=None, max_length=1120)  # ciphertext of 200
    status: str = Field(default="invited", max_length=16)
    invitation_hash: str | None = Field(default=None, max_length=64, unique=True)
    recovery_hash: str | None = Field(default=None, max_length=64, unique=True)
    readmitted: int = 0
    language: str | None = Field(default=None, max_length=8)


class RulesAcceptance(SQLModel, table=True):
    """That a participant accepted a version of the rules; kept apart from contributions."""

    __tablename__ = "rules_acceptance"

    participant_id: str = Field(
        foreign_key="participant.id", primary_key=True, max_length=32, ondelete="CASCADE"
    )
    version: int = Field(primary_key=True)
    accepted_on: date = Field(default_factory=today)
