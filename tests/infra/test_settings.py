"""Settings: defaults for development; production refuses the default secret and no master key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.config import DEV_SECRET, SettingsError, load_settings

STRONG = "x" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TRACKTWO_"):
            monkeypatch.delenv(name)


def test_development_accepts_the_defaults() -> None:
    settings = load_settings()
    assert settings.env == "development"
    assert settings.secret_key == DEV_SECRET
    assert settings.master_key == ""
    assert settings.api_docs is True
    assert settings.default_k == 5
    assert settings.htmx_source == "cdn"
    assert settings.is_sqlite


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKTWO_ENV", "production")
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", "k" * 64)
    with pytest.raises(SettingsError, match="TRACKTWO_SECRET_KEY"):
        load_settings()
    monkeypatch.setenv("TRACKTWO_SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match="TRACKTWO_SECRET_KEY"):
        load_settings()


def test_production_refuses_a_missing_master_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKTWO_ENV", "production")
    monkeypatch.setenv("TRACKTWO_SECRET_KEY", STRONG)
    with pytest.raises(SettingsError, match="TRACKTWO_MASTER_KEY"):
        load_settings()


def test_production_with_secret_and_master_key_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key_file = tmp_path / "master.key"
    key_file.write_text("ab" * 32 + "\n", encoding="utf-8")
    monkeypatch.setenv("TRACKTWO_ENV", "production")
    monkeypatch.setenv("TRACKTWO_SECRET_KEY", STRONG)
    monkeypatch.setenv("TRACKTWO_MASTER_KEY_FILE", str(key_file))
    settings = load_settings()
    assert settings.master_key == "ab" * 32
    assert settings.api_docs is False, "API docs are off in production by default"
    assert STRONG not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ENV", "staging", "TRACKTWO_ENV"),
        ("HTMX_SOURCE", "unpkg", "TRACKTWO_HTMX_SOURCE"),
        ("DEFAULT_K", "2", "below 3"),
        ("DEFAULT_K", "five", "integer"),
        ("API_DOCS", "maybe", "true or false"),
    ],
)
def test_malformed_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"TRACKTWO_{name}", value)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_local_htmx_is_served_from_this_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKTWO_HTMX_SOURCE", "local")
    settings = load_settings()
    assert settings.htmx_url == f"/static/vendor/htmx-{settings.htmx_version}.min.js"
    root = Path(__file__).resolve().parents[2]
    assert (root / settings.htmx_url.lstrip("/")).is_file()
