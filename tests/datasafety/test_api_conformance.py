"""What the JSON API says about itself holds without a fuzzer: every operation lists its error
answers with the one error body, a 405 names the methods of the resource, a JSON null is not an
optional body. (tests/datasafety/test_api_fuzz.py checks the same and more, by schemathesis.)"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.accounts.service import create_api_token
from app.apiroutes import SAFE
from app.config import Settings
from app.db import Database
from tests.factories import make_world

ERROR = {"$ref": "#/components/schemas/ErrorOut"}


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    paths = client.get("/api/openapi.json").json()["paths"]
    return [
        (path, method.upper(), operation)
        for path, operations in paths.items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
    ]


def test_every_operation_documents_its_errors_with_the_error_body(client: TestClient) -> None:
    operations = _operations(client)
    assert len(operations) > 60
    for path, method, operation in operations:
        responses = operation["responses"]
        expected = {"401"} | ({"404", "422"} if "{" in path or method not in SAFE else set())
        if "{workshop_id}" in path:
            expected |= {"409", "410"}
        if method not in SAFE:
            expected |= {"400", "403", "409", "413"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == ERROR, (method, path, status)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/workshops/w1/room/proposals/p1", "PATCH, DELETE"),
        ("GET", "/api/v1/workshops/w1/rules/accept", "POST"),  # not .../rules/{rule_id}'s too
        ("DELETE", "/api/v1/workshops", "GET, POST"),
        ("PUT", "/api/v1/me", "GET"),
        ("DELETE", "/login", "GET, POST"),
    ],
)
def test_a_405_says_which_methods_the_resource_has(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed


def test_an_optional_body_is_an_object_or_nothing(
    settings: Settings, database: Database, client: TestClient
) -> None:
    world = make_world(settings, database)
    with database.transaction() as db:
        token = create_api_token(db, viewer=world.viewer("organizer"), name="conformance")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"/api/v1/workshops/{world.workshop.id}/rules/accept"
    refused = client.post(url, content=b"null", headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["fields"] == {"request": "Input should be an object"}
