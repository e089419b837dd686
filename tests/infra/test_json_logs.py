"""TRACKTWO_LOG_FORMAT=json: one JSON object per line with the text lines' fields (time, level,
logger, message; request lines add method, route, status, duration_ms), and, as in text, no
names, bodies, tokens or client addresses: the app runs under a real uvicorn and is sent a
canary in every field a client controls; the handler's real output is read back."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlencode

import pytest
import uvicorn

from app import logs
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.factories import make_world
from tests.infra.test_logging import CANARIES, CANARY_EMAIL, CANARY_IP, _request

PARTICIPANT = "Cnryparticipantq7x Nameson"
NOTE = "Cnrynotebodyq7x"


@pytest.fixture
def json_served(settings: Settings, database: Database) -> Iterator[tuple[int, io.StringIO]]:
    """The app (JSON logs, DEBUG) under uvicorn in a thread; yields the port and the handler's
    output."""
    app = create_app(replace(settings, log_level="DEBUG", log_format="json"), database)
    handler = next(h for h in logging.getLogger("tracktwo").handlers if h.get_name() == "tracktwo")
    output = io.StringIO()
    previous = handler.setStream(output)  # type: ignore[attr-defined]
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port, output
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        handler.setStream(previous)  # type: ignore[attr-defined]
        logs.configure(settings)  # back to text for the tests that follow


def test_json_lines_have_the_fields_and_no_canary(
    json_served: tuple[int, io.StringIO], settings: Settings, database: Database
) -> None:
    port, output = json_served
    world = make_world(settings, database, names=[PARTICIPANT])
    invitation = world.invitations[0]
    query = "?" + urlencode({"q": CANARIES["Query"], "email": CANARY_EMAIL})

    status, page = _request(port, "GET", "/login" + query)
    assert status == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    anon = re.search(r"(tt_csrf=[^;]+)", page)
    assert token and anon
    form_type = "application/x-www-form-urlencoded"
    login = urlencode(
        {"csrf_token": token.group(1), "email": CANARY_EMAIL, "password": CANARIES["Password"]}
    ).encode()
    status, _ = _request(
        port, "POST", "/login", body=login, content_type=form_type, cookie=anon.group(1)
    )
    assert status in {400, 422}
    # A real invitation link (its token in the path), opened: the participant's name is shown.
    status, page = _request(port, "GET", invitation.path() + query)
    assert status == 200
    status, _ = _request(port, "GET", f"/join/{CANARIES['Path']}")
    assert status == 404
    status, _ = _request(
        port,
        "POST",
        "/recover",
        body=urlencode({"csrf_token": token.group(1), "code": NOTE}).encode(),
        content_type=form_type,
        cookie=anon.group(1),
    )
    assert status == 400
    status, _ = _request(port, "GET", "/api/v1/workshops", bearer=True)
    assert status in {401, 403}

    deadline = time.monotonic() + 5  # the last line is written after its response went out
    while output.getvalue().count("tracktwo.request") < 6 and time.monotonic() < deadline:
        time.sleep(0.02)
    text = output.getvalue()
    records = [json.loads(line) for line in text.splitlines()]
    requests = [r for r in records if r["logger"] == "tracktwo.request"]
    assert len(requests) == 6, text
    for record in requests:
        assert {"time", "level", "logger", "message"} <= set(record)
        assert {"method", "route", "status", "duration_ms"} <= set(record)
        assert record["message"].startswith(f"{record['method']} {record['route']} ")
    assert [(r["method"], r["route"], r["status"]) for r in requests][:4] == [
        ("GET", "/login", 200),
        ("POST", "/login", requests[1]["status"]),
        ("GET", "/join/{token}", 200),
        ("GET", "/join/{token}", 404),
    ]

    lowered = text.lower()
    secrets = [
        *CANARIES.values(),
        CANARY_EMAIL,
        PARTICIPANT,
        NOTE,
        invitation.token,
        token.group(1),
        world.workshop.title,
    ]
    leaks = [s for s in secrets if s.lower() in lowered]
    assert not leaks, f"in the JSON logs: {leaks}"
    assert CANARY_IP not in text and "127.0.0.1" not in text, "a client address was logged"


def test_uvicorn_logs_in_the_same_format() -> None:
    config = logs.uvicorn_log_config(Settings(env="test", log_format="json"))
    fmt = config["formatters"]["default"]
    assert fmt["()"] == "pythonjsonlogger.json.JsonFormatter"
    assert fmt["rename_fields"] == {"asctime": "time", "levelname": "level", "name": "logger"}
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    text = logs.uvicorn_log_config(Settings(env="test"))["formatters"]["default"]
    assert text == {"format": logs.TEXT_FORMAT}
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    line = json.loads(logs.formatter(Settings(env="test", log_format="json")).format(record))
    assert line["message"] == "hello x" and line["level"] == "INFO"
    assert line["logger"] == "uvicorn.error" and line["time"]
