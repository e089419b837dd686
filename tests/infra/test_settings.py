"""Settings: defaults for development; production refuses the default secret and no master key."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from app import config
from app.config import DEV_SECRET, SettingsError, load_settings

STRONG = "x" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("TRACKTWO_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout


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
        ("LOG_FORMAT", "xml", "TRACKTWO_LOG_FORMAT"),
        ("MASTER_KEY", "a passphrase without salt", "TRACKTWO_MASTER_KEY_SALT"),
        ("SECRETS_DIR", "/nonexistent/tracktwo-secrets", "not a directory"),
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


def test_dotenv_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "# comment\nTRACKTWO_DEFAULT_K=7\nTRACKTWO_LOG_FORMAT=json\n"
        "TRACKTWO_PUBLIC_BASE_URL=https://dotenv.example/\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.default_k == 7
    assert settings.log_format == "json"
    assert settings.public_base_url == "https://dotenv.example"
    monkeypatch.setenv("TRACKTWO_DEFAULT_K", "9")
    assert load_settings().default_k == 9, "the environment overrides .env"
    other = tmp_path / "elsewhere.env"
    other.write_text("TRACKTWO_DEFAULT_K=11\n", encoding="utf-8")
    monkeypatch.delenv("TRACKTWO_DEFAULT_K")
    monkeypatch.setenv("TRACKTWO_ENV_FILE", str(other))
    assert load_settings().default_k == 11


def test_dotenv_values_are_checked_like_the_environment(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TRACKTWO_DEFAULT_K=2\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="below 3"):
        load_settings()


def test_production_from_a_secrets_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One file per setting, named like the variable, as Docker and Kubernetes mount them."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "TRACKTWO_SECRET_KEY").write_text(STRONG + "\n", encoding="utf-8")
    (secrets / "TRACKTWO_MASTER_KEY").write_text("a long master passphrase\n", encoding="utf-8")
    (secrets / "TRACKTWO_MASTER_KEY_SALT").write_text("ab" * 16, encoding="utf-8")
    monkeypatch.setenv("TRACKTWO_ENV", "production")
    monkeypatch.setenv("TRACKTWO_SECRETS_DIR", str(secrets))
    settings = load_settings()
    assert settings.secret_key == STRONG
    assert settings.master_key == "a long master passphrase"
    assert settings.master_key_salt == "ab" * 16
    assert not settings.master_key_is_raw
    # the environment still wins over a secret file, and a secret file over .env
    (tmp_path / ".env").write_text(f"TRACKTWO_SECRET_KEY={'d' * 40}\n", encoding="utf-8")
    assert load_settings().secret_key == STRONG
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", "cd" * 32)
    assert load_settings().master_key == "cd" * 32


def test_production_refuses_the_default_secret_from_any_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        f"TRACKTWO_ENV=production\nTRACKTWO_SECRET_KEY={DEV_SECRET}\n"
        f"TRACKTWO_MASTER_KEY={'ab' * 32}\n",
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match="TRACKTWO_SECRET_KEY"):
        load_settings()
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "TRACKTWO_SECRET_KEY").write_text(DEV_SECRET, encoding="utf-8")
    monkeypatch.setenv("TRACKTWO_SECRETS_DIR", str(secrets))
    (tmp_path / ".env").write_text(
        f"TRACKTWO_ENV=production\nTRACKTWO_MASTER_KEY={'ab' * 32}\n", encoding="utf-8"
    )
    with pytest.raises(SettingsError, match="TRACKTWO_SECRET_KEY"):
        load_settings()


def test_a_short_passphrase_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKTWO_ENV", "production")
    monkeypatch.setenv("TRACKTWO_SECRET_KEY", STRONG)
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", "short pass")
    monkeypatch.setenv("TRACKTWO_MASTER_KEY_SALT", "ab" * 16)
    with pytest.raises(SettingsError, match="16 characters"):
        load_settings()


def test_env_example_documents_every_setting() -> None:
    """.env.example names every variable that load_settings reads, and no other."""
    root = Path(__file__).resolve().parents[2]
    example = (root / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?(TRACKTWO_[A-Z_]+)=", example, flags=re.M))
    read = {f"TRACKTWO_{name.upper()}" for name in config._Sources.model_fields}
    read |= {"TRACKTWO_ENV_FILE", "TRACKTWO_SECRETS_DIR"}
    assert read <= documented, f"undocumented in .env.example: {sorted(read - documented)}"


@pytest.mark.parametrize(
    ("host", "refused"),
    [("mail.example.org", True), ("localhost", False), ("127.0.0.1", False)],
)
def test_an_smtp_password_is_never_sent_in_the_clear(
    monkeypatch: pytest.MonkeyPatch, host: str, refused: bool
) -> None:
    for name, value in {
        "SMTP_HOST": host,
        "SMTP_FROM": "tracktwo@example.org",
        "SMTP_USERNAME": "tracktwo",
        "SMTP_PASSWORD": "relay password",
        "SMTP_SECURITY": "none",
    }.items():
        monkeypatch.setenv(f"TRACKTWO_{name}", value)
    if refused:
        with pytest.raises(SettingsError, match="in the clear"):
            load_settings()
    else:
        assert load_settings().smtp_security == "none"
    monkeypatch.setenv("TRACKTWO_SMTP_SECURITY", "starttls")
    assert load_settings().smtp_host == host
