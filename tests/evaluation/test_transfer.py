"""The transfer log: released-summary items linked to destinations, days and staff, never to
a participant; recorded by the organizer and the rapporteur; it survives archive and exports
as its own report."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.audit.models import AuditEntry
from app.errors import Invalid, NotFound
from app.evaluation import transfer
from app.evaluation.models import TransferEntry
from app.models import metadata
from tests.evaluation.helpers import brief
from tests.factories import Browser, make_world
from tests.room.helpers import tx


def test_the_log_has_no_column_that_could_name_a_participant() -> None:
    table = metadata.tables["transfer_entry"]
    targets = {fk.column.table.name for c in table.c for fk in c.foreign_keys}
    assert targets == {"workshop", "user_account"}
    assert not [c for c in table.c.keys() if "participant" in c or "party" in c or "tag" in c]


def test_recorded_by_staff_it_survives_archive_and_exports(
    client: TestClient, settings, database
) -> None:
    world = make_world(settings, database, status="live")
    rapporteur = world.viewer("rapporteur")
    with tx(world, rapporteur) as (db, workshop):
        with pytest.raises(Invalid):
            transfer.record(
                db,
                viewer=rapporteur,
                workshop=workshop,
                item="whole",
                destination="",
                briefed_on="2026-12-01",
                by=world.users["rapporteur"].id,
            )
    with tx(world, rapporteur) as (db, workshop):
        for bad in ({"briefed_on": "yesterday"}, {"by": "someone"}, {"item": "9"}):
            fields = {
                "item": "whole",
                "destination": "Ministry of Water",
                "briefed_on": "2026-12-01",
                "by": world.users["organizer"].id,
                **bad,
            }
            with pytest.raises(Invalid):
                transfer.record(db, viewer=rapporteur, workshop=workshop, **fields)
        entry = transfer.record(
            db,
            viewer=rapporteur,
            workshop=workshop,
            item="whole",
            destination="Ministry of Water",
            briefed_on="2026-12-01",
            by=world.users["organizer"].id,
        )
        transfer.set_outcome(
            db,
            viewer=rapporteur,
            workshop=workshop,
            entry_id=entry.id,
            outcome="Cited in a policy paper",
        )
    facilitator = world.viewer("facilitator")
    with tx(world, facilitator) as (db, workshop):  # reads, records nothing
        assert len(transfer.entries(db, workshop, viewer=facilitator)) == 1
        with pytest.raises(NotFound):
            transfer.record(
                db,
                viewer=facilitator,
                workshop=workshop,
                item="whole",
                destination="Paper",
                briefed_on="2026-12-01",
                by=world.users["organizer"].id,
            )
    world.archive()
    with database.session() as db:
        kept = list(db.exec(select(TransferEntry)))
    assert [(e.destination, e.outcome) for e in kept] == [
        ("Ministry of Water", "Cited in a policy paper")
    ]
    browser = Browser(client)
    browser.login(world.users["organizer"])
    report = browser.post(f"/w/{world.workshop.id}/transfer/report.json")
    assert report.status_code == 200
    assert json.loads(report.text)["transfers"][0]["briefed_on"] == "2026-12-01"
    page = browser.post(f"/w/{world.workshop.id}/transfer/report.md")
    assert "Ministry of Water" in page.text and "Cited in a policy paper" in page.text
    assert browser.post(f"/w/{world.workshop.id}/transfer/report.pdf").status_code == 404


def _exports(database) -> list[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    with database.session() as db:
        rows = db.exec(select(AuditEntry).where(AuditEntry.action == "transfer.export"))
        return [(row.actor_user_id, row.detail) for row in rows]


def test_the_report_is_an_export_checked_for_attribution_and_logged(
    client: TestClient, settings, database
) -> None:
    """Like every export: a log that names someone on the roster is not exported (the page
    again, 409, nothing logged as exported); a clean one is, and the export is audit-logged
    with the staff member who made it."""
    world = make_world(settings, database, status="live")
    name = world.invitations[0].participant.display_name
    brief(world, f"Briefed {name}'s ministry")
    browser = Browser(client)
    browser.login(world.users["organizer"])
    url = f"/w/{world.workshop.id}/transfer/report"
    refused = browser.post(url + ".md")
    assert refused.status_code == 409 and "attachment" not in refused.headers.get(
        "content-disposition", ""
    )
    assert _exports(database) == []
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        (entry,) = transfer.entries(db, workshop, viewer=organizer)
        transfer.delete(db, viewer=organizer, workshop=workshop, entry_id=entry.id)
    brief(world, "Ministry of Water")
    made = browser.post(url + ".json")
    assert made.status_code == 200 and "Ministry of Water" in made.text
    assert _exports(database) == [(world.users["organizer"].id, "json")]
