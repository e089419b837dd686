"""Fixtures for the security tests: an HTTPS deployment, session rows, raw cookie headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app

HTTPS_BASE = "https://testserver"


@pytest.fixture
def https_settings(database_url: str) -> Settings:
    return Settings(
        env="test", database_url=database_url, htmx_source="local", public_base_url=HTTPS_BASE
    )


@pytest.fixture
def https_database(https_settings: Settings) -> Iterator[Database]:
    db = Database(https_settings)
    yield db
    db.dispose()


@pytest.fixture
def https_app(https_settings: Settings, https_database: Database) -> FastAPI:
    return create_app(https_settings, https_database)


@pytest.fixture
def https_client(https_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(https_app, base_url=HTTPS_BASE) as c:
        yield c
