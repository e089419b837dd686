"""/api/docs renders in Chromium with the network cut: every request that leaves the test
server is refused (and recorded), and Swagger UI still shows the API, with no console error
and no Content-Security-Policy violation."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_offline(server, chromium, shot) -> None:  # type: ignore[no-untyped-def]
    context = chromium.new_context(base_url=server.url, locale="en-GB")
    outside: list[str] = []
    problems: list[str] = []

    def cut(route: Any) -> None:
        if route.request.url.startswith(server.url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", cut)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.goto("/api/docs")
        page.wait_for_selector(".swagger-ui .info .title")
        assert "Tracktwo" in page.inner_text(".swagger-ui .info .title")
        page.wait_for_selector(".opblock")
        operations = page.locator(".opblock").count()
        assert operations >= 10, f"only {operations} operations shown"
        assert page.locator(".opblock-tag").count() >= 2
        shot(page, "api-docs")
    finally:
        context.close()
    assert outside == [], f"the docs page reached outside the server: {outside}"
    assert problems == [], f"console errors, CSP violations or failed loads: {problems}"
