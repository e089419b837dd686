"""Moving a row up or down in an ordered list (rules, parties, sessions, agenda items)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from app.errors import NotFound


def move(db: Session, rows: Sequence[Any], row_id: str, direction: str) -> bool:
    """Swap the row with its neighbour and renumber 0..n-1. False if it is already at the end."""
    ordered = list(rows)
    index = next((i for i, row in enumerate(ordered) if row.id == row_id), None)
    if index is None:
        raise NotFound()
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    renumber(db, ordered)
    return True


def renumber(db: Session, rows: Sequence[Any]) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            db.add(row)


def next_position(rows: Sequence[Any]) -> int:
    return max((row.position for row in rows), default=-1) + 1
