"""Two app processes on one PostgreSQL: a reveal on A reaches a participant streaming from B."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import ROOT
from tests.factories import PASSWORD, make_world
from tests.room.conftest import accept_rules, add_agenda
from tests.room.helpers import open_round, participant_viewer, submit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.pg,
    pytest.mark.skipif(
        not os.environ.get("TRACKTWO_TEST_DATABASE_URL"),
        reason="needs PostgreSQL: set TRACKTWO_TEST_DATABASE_URL",
    ),
]
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spawn(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = _free_port()
    env = {
        **os.environ,
        "TRACKTWO_ENV": "test",
        "TRACKTWO_DATABASE_URL": url,
        "TRACKTWO_HTMX_SOURCE": "local",
        "TRACKTWO_LOG_LEVEL": "WARNING",
    }
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
    return process, f"http://127.0.0.1:{port}", log


def _wait(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start: " + log.read_text(errors="replace")[-3000:])


@pytest.fixture
def two_instances(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    started = [_spawn(database_url, tmp_path / f"server-{name}.log") for name in "ab"]
    try:
        for process, base, log in started:
            _wait(process, base, log)
        yield started[0][1], started[1][1]
    finally:
        for process, _base, _log in started:
            process.terminate()
        for process, _base, _log in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _token(client: httpx.Client, path: str) -> str:
    match = CSRF_RE.search(client.get(path).text)
    assert match, path
    return match.group(1)


def test_reveal_on_one_process_reaches_a_participant_on_another(
    settings, database, two_instances
) -> None:
    a, b = two_instances
    world = make_world(settings, database, status="live")
    contribution, _plenary, _record = add_agenda(world)
    open_round(world, contribution.id)
    submit(world, participant_viewer(world, 0), "Travel permits for teachers")

    participant = httpx.Client(base_url=b, timeout=10)
    invitation = world.invitations[1]
    token = _token(participant, invitation.path())
    joined = participant.post(invitation.path(), data={"csrf_token": token})
    assert joined.status_code == 303, joined.text
    accept_rules(world, 1)

    facilitator = httpx.Client(base_url=a, timeout=10)
    user = world.users["facilitator"]
    token = _token(facilitator, "/login")
    login = facilitator.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert login.status_code == 303, login.text
    token = _token(facilitator, f"/w/{world.workshop.id}/console")

    lines: queue.Queue[str] = queue.Queue()

    def listen() -> None:
        """Read the stream until the awaited event, then hang up (the server sees it)."""
        try:
            with participant.stream("GET", f"/w/{world.workshop.id}/events", timeout=30) as stream:
                for line in stream.iter_lines():
                    lines.put(line)
                    if line == "data: proposals":
                        return
        except httpx.HTTPError as exc:
            lines.put(f"error: {exc}")

    threading.Thread(target=listen, daemon=True).start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if lines.get(timeout=10) == "event: ready":
            break
    revealed = facilitator.post(
        f"/w/{world.workshop.id}/console/items/{contribution.id}/reveal",
        data={"csrf_token": token, "override_reason": "One proposal, revealed on purpose"},
    )
    assert revealed.status_code == 303, revealed.text
    started = time.monotonic()
    seen: list[str] = []
    while time.monotonic() - started < 2:
        try:
            seen.append(lines.get(timeout=max(0.01, 2 - (time.monotonic() - started))))
        except queue.Empty:
            break
        if seen[-1] == "data: proposals":
            break
    assert "event: changed" in seen and "data: proposals" in seen, seen
    assert time.monotonic() - started < 2
    page = participant.get(f"/w/{world.workshop.id}/room/region/proposals")
    assert "Travel permits for teachers" in page.text
    participant.close()
    facilitator.close()
