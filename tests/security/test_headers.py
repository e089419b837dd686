"""Security headers on every kind of response; CSP admits only the pinned htmx."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.config import HTMX_CDN_URL, HTMX_SRI, HTMX_VERSION, Settings
from app.db import Database
from app.main import create_app
from tests.factories import Browser, make_world


def _csp(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    policy = response.headers["content-security-policy"]
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def _check_common(response, *, page: bool) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    csp = _csp(response)
    policy = headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    if page:
        assert headers["cache-control"] == "no-store"


@pytest.fixture
def signed_in(client, settings, database):  # type: ignore[no-untyped-def]
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    return browser


def test_pages_fragments_json_errors_and_static(client, signed_in) -> None:
    cases = [
        (client.get("/"), True),
        (client.get("/login", follow_redirects=False), True),
        (
            client.get("/account", headers={"HX-Request": "true"}, params={"fragment": "content"}),
            True,
        ),
        (client.get("/api/v1/me"), True),
        (client.get("/healthz"), True),
        (client.get("/no/such/page"), True),
        (client.get("/api/v1/no/such"), True),
        (client.post("/account/tokens", data={"name": "x"}), True),  # 403 CSRF page
        (client.put("/login"), True),  # 405
    ]
    statuses = [r.status_code for r, _ in cases]
    assert statuses == [200, 303, 200, 200, 200, 404, 404, 403, 405]
    for response, page in cases:
        _check_common(response, page=page)
    assert cases[6][0].headers["content-type"].startswith("application/json")
    static = client.get("/static/css/tracktwo.css")
    assert static.status_code == 200
    _check_common(static, page=False)


def test_fragment_is_only_the_block(client, signed_in) -> None:
    response = client.get(
        "/account", headers={"HX-Request": "true"}, params={"fragment": "content"}
    )
    assert "<html" not in response.text
    _check_common(response, page=True)


def test_error_pages_are_not_cached_and_are_html(client) -> None:
    response = client.get("/w/" + "0" * 32 + "/events")
    assert response.status_code in (303, 401, 404)
    missing = client.get("/nothing-here")
    assert missing.headers["content-type"].startswith("text/html")
    assert missing.headers["cache-control"] == "no-store"


def test_too_large_body_has_headers(client) -> None:
    response = client.post(
        "/login",
        content=b"x" * 2_000_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    _check_common(response, page=True)


def test_local_htmx_csp_and_page_agree(client) -> None:
    page = client.get("/login")
    assert _csp(page)["script-src"] == "'self'"
    src = f"/static/vendor/htmx-{HTMX_VERSION}.min.js"
    assert f'<script src="{src}"' in page.text
    assert client.get(src).status_code == 200


def test_cdn_htmx_is_pinned_with_integrity(database_url) -> None:
    settings = Settings(env="test", database_url=database_url, htmx_source="cdn")
    database = Database(settings)
    try:
        with TestClient(create_app(settings, database)) as c:
            page = c.get("/login")
    finally:
        database.dispose()
    assert _csp(page)["script-src"] == f"'self' {HTMX_CDN_URL}"
    assert f"htmx.org@{HTMX_VERSION}/" in HTMX_CDN_URL  # an exact version, not a range
    tag = re.search(r'<script src="https://[^>]+>', page.text)
    assert tag
    assert f'src="{HTMX_CDN_URL}"' in tag.group(0)
    assert f'integrity="{HTMX_SRI}"' in tag.group(0)
    assert HTMX_SRI.startswith("sha384-")
    assert 'crossorigin="anonymous"' in tag.group(0)


def test_htmx_config_disallows_eval(client) -> None:
    page = client.get("/login")
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page.text)
    assert meta
    import json

    config = json.loads(meta.group(1))
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True


def test_no_inline_script_or_style_in_pages(client, signed_in) -> None:
    for url in ("/", "/account", "/login", "/recover"):
        text = client.get(url).text
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), url
        assert " style=" not in text and "<style" not in text, url


def test_hsts_only_behind_https(client, https_client) -> None:
    assert "strict-transport-security" not in client.get("/login").headers
    hsts = https_client.get("/login").headers["strict-transport-security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
    assert max_age >= 31_536_000
    static = https_client.get("/static/css/tracktwo.css")
    assert "strict-transport-security" in static.headers
