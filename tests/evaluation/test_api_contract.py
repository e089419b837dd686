"""The survey's, the transfer log's, the negotiating text's and the series' JSON API keep the
API contract (app.apiroutes): a body the schema refuses is a 422, a value the schema takes but
what is stored refuses is a 409 with a message by field, and every answer is of a media type
its operation declares."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.accounts.service import create_api_token
from app.errors import Inconsistent
from app.ntext import service as ntext
from tests.evaluation.helpers import answer, survey_world
from tests.factories import World, make_world
from tests.ntext.helpers import text_world

FORMATS = ("md", "html", "pdf", "docx", "json")


def _organizer(world: World) -> dict[str, str]:
    with world.database.transaction() as db:
        token = create_api_token(db, viewer=world.viewer("organizer"), name="contract")
    return {"Authorization": f"Bearer {token}"}


def _live(settings: Any, database: Any, path: str) -> tuple[World, str, dict[str, str]]:
    """A live workshop, the API address of `path` in it, and an organizer's token headers."""
    world = make_world(settings, database, status="live")
    return world, f"/api/v1/workshops/{world.workshop.id}/{path}", _organizer(world)


def _declared(client: TestClient, path: str, method: str, status: str) -> set[str]:
    operation = client.get("/api/openapi.json").json()["paths"][path][method]
    return set(operation["responses"][status]["content"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_impact_report_is_of_a_declared_media_type(
    client: TestClient, settings: Any, database: Any, fmt: str
) -> None:
    _world, url, headers = _live(settings, database, f"evaluation/impact/{fmt}")
    response = client.post(url, headers=headers)
    assert response.status_code == 200, response.text
    media = response.headers["content-type"].split(";")[0]
    template = "/api/v1/workshops/{workshop_id}/evaluation/impact/{fmt}"
    assert media in _declared(client, template, "post", "200")


def test_an_unknown_format_or_language_is_refused_by_the_schema(
    client: TestClient, settings: Any, database: Any
) -> None:
    _world, url, headers = _live(settings, database, "evaluation/impact")
    assert client.post(f"{url}/odt", headers=headers).status_code == 422
    assert client.post(f"{url}/md?lang=xx", headers=headers).status_code == 422
    assert client.post(f"{url}/md?lang=fr", headers=headers).status_code == 200


def test_a_briefing_by_no_staff_member_is_inconsistent_not_malformed(
    client: TestClient, settings: Any, database: Any
) -> None:
    world, url, headers = _live(settings, database, "transfer")
    good = {
        "destination": "Ministry of Water",
        "briefed_on": "2026-12-01",
        "by": world.users["rapporteur"].id,
    }
    for stored, value in (("by", "0" * 32), ("item", "9")):
        refused = client.post(url, json={**good, stored: value}, headers=headers)
        assert refused.status_code == 409, refused.text
        assert set(refused.json()["error"]["fields"]) == {stored}
    for malformed in ({"briefed_on": "1989-12-31"}, {"extra": 1}, {"destination": " "}):
        assert client.post(url, json={**good, **malformed}, headers=headers).status_code == 422
    assert client.post(url, json=good, headers=headers).status_code == 201


def test_an_answer_to_no_statement_is_inconsistent(settings: Any, database: Any) -> None:
    world, people, ids = survey_world(settings, database)
    with pytest.raises(Inconsistent):
        answer(world, people[0], "pre", {"0" * 32: 3})
    with pytest.raises(Inconsistent):
        answer(world, people[0], "pre", {ids[0]: "three"})  # type: ignore[dict-item]
    answer(world, people[0], "pre", {ids[0]: 3})


def test_a_draft_of_too_many_or_too_long_paragraphs_is_a_409(
    client: TestClient, settings: Any, database: Any
) -> None:
    world, item_id = text_world(settings, database, languages="he,en")
    url = f"/api/v1/workshops/{world.workshop.id}/texts/{item_id}/draft"
    headers = _organizer(world)
    for text in (
        "\n\n".join(["One."] * (ntext.MAX_PARAGRAPHS + 1)),
        "x" * (ntext.MAX_PARAGRAPH + 1),
    ):
        refused = client.put(url, json={"text": text}, headers=headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["fields"] == {"text": refused.json()["error"]["message"]}
    other = client.put(url, json={"text": "One.", "lang": "fr"}, headers=headers)
    assert other.status_code == 409 and set(other.json()["error"]["fields"]) == {"lang"}
    assert client.put(url, json={"text": "One.", "lang": "e"}, headers=headers).status_code == 422
    assert client.put(url, json={"text": "One.", "lang": "en"}, headers=headers).status_code == 200


def test_the_next_round_refuses_what_the_schema_refuses(
    client: TestClient, settings: Any, database: Any
) -> None:
    _world, url, headers = _live(settings, database, "series/next")
    for body in ({"title": " "}, {"title": "Two", "carry_roster": "yes"}, {"title": "Two", "x": 1}):
        assert client.post(url, json=body, headers=headers).status_code == 422
    assert client.post(url, json={"title": "Two"}, headers=headers).status_code == 201
