"""Logs: one line per request with method, route template, status and duration, and nothing
else. Requests carry a canary in every field a client controls; the app runs under a real
uvicorn (as `tracktwo serve` does: proxy headers trusted from 127.0.0.1), every logger is
captured at DEBUG, and no canary, client address or body may appear anywhere in the logs."""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlencode

import pytest
import uvicorn
from pydantic import BaseModel

from app.config import Settings
from app.db import Database
from app.main import create_app

CANARIES = {
    field: f"Cnry{field}Q7x"
    for field in (
        "Path",
        "Query",
        "Form",
        "Json",
        "Header",
        "Cookie",
        "Agent",
        "Referer",
        "Auth",
        "Password",
        "Error",
    )
}
CANARY_EMAIL = "cnryemail.q7x@canary.example"
CANARY_IP = "198.51.100.173"
LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD) (\S+) (\d{3}) (\d+\.\d)ms$")


class Echo(BaseModel):
    text: str


@pytest.fixture
def served(settings: Settings, database: Database) -> Iterator[int]:
    """The app under a real uvicorn in a thread; yields the port."""
    app = create_app(replace(settings, log_level="DEBUG"), database)

    async def echo(thing: str, body: Echo) -> dict[str, bool]:
        return {"ok": bool(thing and body.text)}

    async def boom(thing: str) -> None:
        raise RuntimeError(f"failure while handling {thing} {CANARIES['Error']}")

    app.add_api_route("/api/v1/infra-test/echo/{thing}", echo, methods=["POST"])
    app.add_api_route("/infra-test/boom/{thing}", boom, methods=["GET"])

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,  # records propagate to the root logger, where caplog listens
        log_level="debug",
        access_log=False,  # as `tracktwo serve`
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
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    content_type: str | None = None,
    cookie: str = "",
    bearer: bool = False,
    csrf: str = "",
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {
        "User-Agent": f"Mozilla/5.0 {CANARIES['Agent']}",
        "X-Forwarded-For": CANARY_IP,
        "X-Canary": CANARIES["Header"],
        "Referer": f"http://127.0.0.1:{port}/{CANARIES['Referer']}",
        "Accept-Language": "en",
        "Origin": f"http://127.0.0.1:{port}",
        "Cookie": f"tt_session={CANARIES['Cookie']}; tt_lang=en; extra={CANARIES['Cookie']}"
        + (f"; {cookie}" if cookie else ""),
    }
    if content_type:
        headers["Content-Type"] = content_type
    if csrf:
        headers["X-CSRF-Token"] = csrf
    if bearer:
        headers["Authorization"] = f"Bearer {CANARIES['Auth']}"
    try:  # closed even on a time-out: a leaked socket fails a later test (ResourceWarning)
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookie = response.getheader("set-cookie") or ""
    finally:
        conn.close()
    return response.status, text + "\n" + set_cookie


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "tracktwo.request"]


def _uvicorn_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "uvicorn.error" and r.levelno >= logging.ERROR]


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        parts.append(repr(getattr(record, "__dict__", {})))
        if record.exc_info and record.exc_info[1] is not None:
            parts.append("".join(traceback.format_exception(record.exc_info[1])))
    return "\n".join(parts)


def test_no_canary_reaches_any_log(served: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    port = served
    query = "?" + urlencode({"q": CANARIES["Query"], "email": CANARY_EMAIL})

    # A page with a path parameter and a query string; it also hands out the CSRF token, so
    # that the posts below are really processed rather than refused at the door.
    status, page = _request(port, "GET", f"/join/{CANARIES['Path']}{query}")
    assert status == 404
    status, page = _request(port, "GET", "/login" + query)
    assert status == 200
    token_match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    anon = re.search(r"(tt_csrf=[^;]+)", page)
    assert token_match and anon
    token, cookie = token_match.group(1), anon.group(1)
    form_type = "application/x-www-form-urlencoded"

    # The same route, posted, with a form body: a claim of an invitation that does not exist.
    form = urlencode({"csrf_token": token, "name": CANARIES["Form"]}).encode()
    status, _ = _request(
        port,
        "POST",
        f"/join/{CANARIES['Path']}{query}",
        body=form,
        content_type=form_type,
        cookie=cookie,
    )
    assert status == 404
    # A sign-in with a canary e-mail and password (checked, and refused).
    login = urlencode(
        {"csrf_token": token, "email": CANARY_EMAIL, "password": CANARIES["Password"]}
    ).encode()
    status, page = _request(
        port, "POST", "/login" + query, body=login, content_type=form_type, cookie=cookie
    )
    assert status in {400, 422}, page[:500]
    assert "do not match" in page
    login_status = str(status)
    # A recovery attempt with a canary code.
    recover = urlencode({"csrf_token": token, "code": CANARIES["Form"]}).encode()
    status, _ = _request(
        port, "POST", "/recover", body=recover, content_type=form_type, cookie=cookie
    )
    assert status == 400
    # A JSON body under /api, with a path parameter and the token in htmx's header.
    json_type = "application/json"
    status, _ = _request(
        port,
        "POST",
        f"/api/v1/infra-test/echo/{CANARIES['Path']}{query}",
        body=json.dumps({"text": CANARIES["Json"]}).encode(),
        content_type=json_type,
        cookie=cookie,
        csrf=token,
    )
    assert status == 200
    # Malformed and invalid JSON, whose error messages might echo the input.
    for body in (
        b'{"text": ' + CANARIES["Json"].encode(),
        json.dumps({"text": [CANARIES["Json"]]}).encode(),
    ):
        status, _ = _request(
            port,
            "POST",
            f"/api/v1/infra-test/echo/{CANARIES['Path']}",
            body=body,
            content_type=json_type,
            cookie=cookie,
            csrf=token,
        )
        assert status == 422
    # A (bad) API token.
    status, _ = _request(
        port,
        "POST",
        f"/api/v1/infra-test/echo/{CANARIES['Path']}",
        body=json.dumps({"text": CANARIES["Json"]}).encode(),
        content_type=json_type,
        bearer=True,
    )
    assert status in {401, 403}
    # An unhandled error whose message holds a canary (uvicorn logs the exception).
    status, page = _request(port, "GET", f"/infra-test/boom/{CANARIES['Path']}{query}")
    assert status == 500
    assert CANARIES["Error"] not in page
    # uvicorn reports the exception after the error page went out: wait for its record.
    deadline = time.monotonic() + 5
    while not _uvicorn_errors(caplog) and time.monotonic() < deadline:
        time.sleep(0.02)

    logged = _everything_logged(caplog)
    leaks = [name for name, canary in CANARIES.items() if canary.lower() in logged.lower()]
    assert not leaks, f"canaries in the logs: {leaks}"
    assert "cnryemail" not in logged.lower()
    assert CANARY_IP not in logged
    assert token not in logged
    assert "127.0.0.1" not in logged.replace(f"127.0.0.1:{port}", ""), "client address logged"

    lines = [r.getMessage() for r in caplog.records if r.name == "tracktwo.request"]
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), f"request lines not in the expected form: {lines}"
    seen = [(m.group(1), m.group(2), m.group(3)) for m in parsed if m]
    echo = "/api/v1/infra-test/echo/{thing}"
    assert seen[:6] == [
        ("GET", "/join/{token}", "404"),
        ("GET", "/login", "200"),
        ("POST", "/join/{token}", "404"),
        ("POST", "/login", login_status),
        ("POST", "/recover", "400"),
        ("POST", echo, "200"),
    ]
    assert seen[6:8] == [("POST", echo, "422")] * 2
    assert seen[8][:2] == ("POST", echo)
    assert seen[9] == ("GET", "/infra-test/boom/{thing}", "500")
    assert len(seen) == 10
    # uvicorn reported the unhandled error: its type and frames, not its message.
    reported = _uvicorn_errors(caplog)
    assert reported, "uvicorn did not report the unhandled exception"
    assert all("RuntimeError" in r.getMessage() for r in reported)


def test_unmatched_paths_are_logged_by_template_only(
    served: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    status, _ = _request(served, "GET", f"/{CANARIES['Path']}/x?{CANARIES['Query']}")
    assert status == 404
    deadline = time.monotonic() + 5  # the line is written once the response has gone out
    while not _request_lines(caplog) and time.monotonic() < deadline:
        time.sleep(0.02)
    lines = _request_lines(caplog)
    assert len(lines) == 1
    assert lines[0].startswith("GET <unmatched> 404 ")
    assert CANARIES["Path"] not in _everything_logged(caplog)
