from __future__ import annotations


def test_healthz_and_readyz(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text


def test_landing_page_renders(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Tracktwo" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_unknown_page_is_404_page(client) -> None:
    page = client.get("/nope")
    assert page.status_code == 404
    assert "Not found" in page.text
