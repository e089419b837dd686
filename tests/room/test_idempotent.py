"""Staff actions are idempotent too (issue 15): a console form sent twice changes nothing
the second time and answers as the first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from app.room.models import Theme


def test_a_theme_form_sent_twice_makes_one_theme(room: Any) -> None:
    """A theme's name is its natural key in the item."""
    facilitator = room.staff("facilitator")
    facilitator.post(f"/w/{room.wid}/console/items/{room.contribution.id}/start")
    url = f"/w/{room.wid}/console/items/{room.contribution.id}/themes"
    answers = [facilitator.post(url, {"name": "Water sharing"}) for _ in range(2)]
    assert len({(a.status_code, a.headers.get("location")) for a in answers}) == 1
    with room.world.database.session() as db:
        assert db.exec(select(func.count()).select_from(Theme)).one() == 1
