"""The canary crawl, made once per test process and shared by test_canary and test_door.

Seeding the canary workshop and crawling every GET route as every role is the slowest thing
the suite does; both the leak table (test_canary) and the policy-check recording (test_door)
read the same crawl, so it runs once, on a database of its own (a fresh SQLite copy of the
migrated template; on PostgreSQL the test database, emptied first), with every client on
one event loop (the app's own, from its lifespan), and each URL fetched once per role.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.security import passwords
from tests.conftest import empty_postgres
from tests.policy.canary import CanaryCrawl, seed
from tests.policy.crawl import crawl_all, export_routes, install_recorder, post_exports


class _Keep(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


def _own_database(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TRACKTWO_TEST_DATABASE_URL", "")
    if url:
        empty_postgres(url)
        return url
    path = tmp_path_factory.mktemp("canary") / "canary.db"
    shutil.copyfile(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def canary_crawl(
    template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CanaryCrawl]:
    url = _own_database(template_db, tmp_path_factory)
    settings = Settings(env="test", database_url=url, htmx_source="local", login_limit=5)
    database = Database(settings)
    app = create_app(settings, database)
    records = install_recorder(app)
    logs: list[logging.LogRecord] = []
    handler, root = _Keep(logs), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        with pytest.MonkeyPatch.context() as patch, TestClient(app) as main:
            patch.setattr(passwords, "_hasher", cheap)
            cw = seed(app, settings, database)
            for browser in cw.browsers.values():
                browser.client.portal = main.portal  # one event loop, not one per request
            clients = {role: browser.client for role, browser in cw.browsers.items()}
            fetches, unknown = crawl_all(app, clients, cw.params)
            exports = export_routes(app)
            for role, browser in cw.browsers.items():
                fetches.extend(post_exports(role, browser, exports, cw.params))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        database.dispose()  # nothing holds a connection while the other tests run
    yield CanaryCrawl(app, cw, fetches, unknown, records, logs)
