"""Ground rules: an ordered, editable list whose every change bumps the workshop's version."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from app.ids import new_id


class GroundRule(SQLModel, table=True):
    __tablename__ = "ground_rule"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    workshop_id: str = Field(
        foreign_key="workshop.id", index=True, max_length=32, ondelete="CASCADE"
    )
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=4000)
    position: int = 0
