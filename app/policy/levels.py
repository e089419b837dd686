"""Confidentiality levels over time: a promise made in the room is kept.

A level (of a session or of an item) can always be made stricter. It can be relaxed only
while nothing in its session has started: once any item of a session is under way, the
participants have been told what its items are, and no level there loosens. (Tightening
also clears opted-in attribution: app/agenda/service.py.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.errors import Inconsistent
from app.policy.viewer import LEVEL_STRICTNESS


def relaxes(old: str, new: str) -> bool:
    return LEVEL_STRICTNESS[new] < LEVEL_STRICTNESS[old]


def may_relax(session_items: Iterable[Any]) -> bool:
    """Whether levels in a session may still be relaxed: none of its items has started."""
    return all(item.state == "planned" for item in session_items)


def check_item_level(item: Any, level: str, session_items: Iterable[Any]) -> None:
    """Refuse relaxing an item once it, or any other item of its session, has started."""
    if not relaxes(item.level, level):
        return
    if item.state != "planned":
        raise Inconsistent(
            "This item has started: its confidentiality level can be made stricter, never relaxed.",
            field="level",
        )
    if not may_relax(session_items):
        raise Inconsistent(
            "An item of this session has started: levels in it can be made stricter, "
            "never relaxed.",
            field="level",
        )


def check_session_level(session: Any, level: str, session_items: Iterable[Any]) -> None:
    """Refuse relaxing a session once any of its items has started."""
    if relaxes(session.level, level) and not may_relax(session_items):
        raise Inconsistent(
            "An item of this session has started: levels in it can be made stricter, "
            "never relaxed.",
            field="level",
        )
