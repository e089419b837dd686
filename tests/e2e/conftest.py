"""Browser harness: the real app under uvicorn, Debian chromium driven by Playwright (sync).

Every test here is marked `browser` and is skipped, with the command that fixes it, when
Playwright or chromium is missing. The server runs in a subprocess on a free loopback port
against a fresh migrated SQLite file (or the PostgreSQL database of
TRACKTWO_TEST_DATABASE_URL), with TRACKTWO_HTMX_SOURCE=local so no CDN is needed.
Screenshots go to screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.config import ROOT, Settings
from app.db import Database
from tests.conftest import empty_postgres
from tests.factories import World, make_world

CHROMIUM = os.environ.get("TRACKTWO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = ROOT / "screenshots"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: .venv/bin/pip install -e '.[dev]'"
    if not Path(CHROMIUM).exists():
        return f"chromium is not at {CHROMIUM}: apt-get install chromium"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = _missing()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    settings: Settings
    database: Database
    log: Path

    def world(self, **kw: Any) -> World:
        """A workshop with staff and invited participants, built through the services."""
        return make_world(self.settings, self.database, **kw)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90  # a loaded CI machine can be slow
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not start:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(template_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real application under uvicorn, on a fresh database."""
    if _missing():
        pytest.skip(_missing() or "")
    workdir = tmp_path_factory.mktemp("e2e")
    if template_db.startswith("postgresql"):
        url = template_db
        empty_postgres(url)
    else:
        path = workdir / "e2e.db"
        shutil.copyfile(template_db, path)
        url = f"sqlite:///{path}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TRACKTWO_ENV": "test",
        "TRACKTWO_DATABASE_URL": url,
        "TRACKTWO_HTMX_SOURCE": "local",
        "TRACKTWO_PUBLIC_BASE_URL": base,
        "TRACKTWO_LOG_LEVEL": "WARNING",
    }
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    settings = Settings(env="test", database_url=url, htmx_source="local", public_base_url=base)
    database = Database(settings)
    try:
        _wait_until_up(base, process, log)
        yield Server(base, settings, database, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        database.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One browser per test module. Sync Playwright keeps an event loop running in this
    thread while it lives, so it must stop before non-browser tests (asyncio.run) run in
    the same worker, and a module that imports these fixtures must not start a second one."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def person(chromium: Any, server: Server) -> Iterator[Callable[[], Any]]:
    """Make a new person: a separate browser context (own cookies), returning its page."""
    contexts: list[Any] = []

    def make() -> Any:
        context = chromium.new_context(base_url=server.url, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """shot(page, "name") saves screenshots/<test>-<name>.png and returns the path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    test = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{test}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
