"""The impact report: counts, published survey results and the transfer log in the summary's
five formats, blocked by the summary's attribution check; it can still be made after
archive (results and the log survive it)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from app.errors import Conflict
from app.evaluation import impact, impact_formats, service
from tests.evaluation.helpers import answer, brief, publish, survey_world
from tests.room.helpers import tx


def _report(world):  # type: ignore[no-untyped-def]
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        return impact.build(db, workshop, viewer=organizer)


def test_five_formats_hold_the_counts_the_change_and_the_log(settings, database) -> None:
    world, people, (first, second) = survey_world(settings, database)
    for n, person in enumerate(people):
        answer(world, person, "pre", {first: 1 + n % 3, second: 2 + n % 2})
        answer(world, person, "post", {first: 2 + n % 3 + n % 2, second: 3 + n % 3})
    publish(world)
    brief(world, "Ministry of Water", "Cited in a policy paper")
    report = _report(world)
    assert report.counts.parties == 2 and report.counts.participants is None
    assert report.results is not None
    change = report.results.items[0].changes[0].total
    assert change is not None and change.mean == 1.5 and change.n == 6
    md = impact_formats.render(report, "md", "en").decode()
    assert "A negotiated solution is possible." in md and "Ministry of Water" in md
    assert "+1.5" in md
    html = impact_formats.render(report, "html", "fr").decode()
    assert 'lang="fr"' in html and "Ministry of Water" in html
    assert impact_formats.render(report, "pdf", "en").startswith(b"%PDF")
    docx = impact_formats.render(report, "docx", "ar")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert "Ministry of Water" in archive.read("word/document.xml").decode()
    data = json.loads(impact_formats.render(report, "json", "en"))
    assert data["transfers"][0]["briefed_on"] == "2026-12-01"
    names = [inv.participant.display_name for inv in world.invitations]
    for body in (md, html, json.dumps(data, ensure_ascii=False)):
        assert not [n for n in names if n and n in body]

    world.archive()
    after = _report(world)
    assert after.results == report.results and after.transfers == report.transfers


def test_a_statement_naming_a_party_blocks_the_report(settings, database) -> None:
    world, _people, _ids = survey_world(settings, database)
    organizer = world.viewer("organizer")
    with tx(world, organizer) as (db, workshop):
        service.add_item(
            db,
            viewer=organizer,
            workshop=workshop,
            prompt="The Riverside delegation can be trusted.",
        )
    _report(world)  # not published: not in the report
    publish(world)
    with pytest.raises(Conflict):
        _report(world)


def test_a_transfer_naming_a_participant_blocks_the_report(settings, database) -> None:
    world, _people, _ids = survey_world(settings, database)
    name = world.invitations[0].participant.display_name
    brief(world, "Ministry of Water", f"{name} was thanked")
    with pytest.raises(Conflict):
        _report(world)
