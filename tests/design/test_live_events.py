"""Design changes queue live events naming only a region (published after commit)."""

from __future__ import annotations

from app.agenda import service as agenda
from app.rules import service as rules
from app.workshops import service as workshops
from app.workshops.models import Workshop


def test_changes_queue_region_events(world, settings) -> None:
    viewer = world.viewer("organizer")
    wid = world.workshop.id
    with world.database.session(write=True) as db:
        workshop = db.get(Workshop, wid)
        rules.add(db, viewer=viewer, workshop=workshop, data={"title": "Phones outside"})
        assert db.info["live_events"] == {(wid, "rules")}
        meeting = agenda.add_session(db, viewer=viewer, workshop=workshop, data={"title": "S"})
        agenda.add_item(
            db, viewer=viewer, workshop=workshop, meeting_id=meeting.id, data={"title": "I"}
        )
        workshops.update(
            db, settings, viewer=viewer, workshop=workshop, data={"purpose": "New"}, partial=True
        )
        assert db.info["live_events"] == {(wid, "rules"), (wid, "agenda"), (wid, "workshop")}
        db.rollback()
