"""/healthz and /readyz; error pages from templates; JSON errors under /api; body limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"


def test_healthz_answers_without_the_database() -> None:
    # No lifespan (no `with`): the live bus would try to LISTEN on the unreachable database.
    response = TestClient(create_app(Settings(env="test", database_url=UNREACHABLE))).get(
        "/healthz"
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["migrations"]["current"] == body["migrations"]["head"]


def test_readyz_is_503_when_migrations_are_behind(tmp_path: Path) -> None:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    database = Database(settings)
    try:
        with TestClient(create_app(settings, database)) as client:
            response = client.get("/readyz")
    finally:
        database.dispose()
    assert response.status_code == 503
    assert response.json()["migrations"]["current"] is None
    assert response.json()["migrations"]["head"]


def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    app = create_app(Settings(env="test", database_url=UNREACHABLE))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.fixture
def raising_client(app) -> TestClient:  # type: ignore[no-untyped-def]
    """The test app with one extra route that fails, as a bug would."""

    async def boom() -> None:
        raise RuntimeError("deliberate failure for the error-page test")

    app.add_api_route("/infra-test/boom", boom, methods=["GET"])
    app.add_api_route("/api/v1/infra-test/boom", boom, methods=["GET"])
    return TestClient(app, raise_server_exceptions=False)


def test_404_page_is_rendered_from_the_template(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="error-page"' in response.text
    assert "Not found" in response.text
    assert response.headers["cache-control"] == "no-store"


def test_500_page_is_rendered_and_says_nothing_of_the_error(raising_client: TestClient) -> None:
    response = raising_client.get("/infra-test/boom")
    assert response.status_code == 500
    assert 'class="error-page"' in response.text
    assert "Something went wrong" in response.text
    assert "deliberate failure" not in response.text
    assert "Traceback" not in response.text


def test_500_under_api_is_json(raising_client: TestClient) -> None:
    response = raising_client.get("/api/v1/infra-test/boom")
    assert response.status_code == 500
    assert response.json()["error"]["status"] == 500
    assert "deliberate failure" not in response.text


def test_csrf_failure_is_a_403_page(client: TestClient) -> None:
    response = client.post(
        "/login", data={"email": "a@example.org", "password": "x" * 12}, follow_redirects=False
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="error-page"' in response.text
    assert "This form has expired" in response.text


def test_errors_under_api_are_json(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["status"] == 404
    unauthenticated = client.get("/api/v1/me")
    assert unauthenticated.headers["content-type"].startswith("application/json")
    assert unauthenticated.status_code in {401, 404}


@pytest.mark.parametrize("path", ["/login", "/api/v1/me"])
def test_oversized_body_is_413(client: TestClient, settings: Settings, path: str) -> None:
    body = b"a" * (settings.max_body_bytes + 1)
    response = client.post(
        path, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json()["error"]["status"] == 413
    else:
        assert "too large" in response.text.lower()


def test_oversized_chunked_body_is_413(client: TestClient, settings: Settings) -> None:
    """No Content-Length (chunked upload): the limit is enforced while reading."""

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"b" * 65536

    response = client.post(
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
