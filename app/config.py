"""Settings from the environment (prefix TRACKTWO_); default secrets are refused outside dev."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEV_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 (refused outside development)
HTMX_VERSION = "2.0.11"
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """A setting is missing, malformed or unsafe for this environment."""


def _env(name: str, default: str) -> str:
    return os.environ.get(f"TRACKTWO_{name}", default)


def _int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"TRACKTWO_{name} must be an integer, not {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"TRACKTWO_{name} must be true or false, not {raw!r}")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'tracktwo.db'}"
    secret_key: str = field(default=DEV_SECRET, repr=False)
    master_key: str = field(default="", repr=False)
    htmx_source: str = "cdn"
    htmx_version: str = HTMX_VERSION
    htmx_sri: str = HTMX_SRI
    htmx_cdn_url: str = HTMX_CDN_URL
    default_k: int = 5
    staff_idle_minutes: int = 30  # ASVS L2
    staff_absolute_hours: int = 12
    public_base_url: str = "http://127.0.0.1:8000"
    api_docs: bool = True
    login_limit: int = 5
    login_window_seconds: int = 900
    max_body_bytes: int = 1_000_000
    log_level: str = "INFO"

    @property
    def is_dev(self) -> bool:
        return self.env in {"development", "test"}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def https(self) -> bool:
        return self.public_base_url.startswith("https://")

    @property
    def htmx_url(self) -> str:
        if self.htmx_source == "local":
            return f"/static/vendor/htmx-{self.htmx_version}.min.js"
        return self.htmx_cdn_url

    def validate(self) -> Settings:
        if self.env not in {"development", "test", "production"}:
            raise SettingsError("TRACKTWO_ENV must be development, test or production")
        if self.htmx_source not in {"cdn", "local"}:
            raise SettingsError("TRACKTWO_HTMX_SOURCE must be cdn or local")
        if self.default_k < 3:
            raise SettingsError("TRACKTWO_DEFAULT_K can never be below 3")
        if not self.is_dev:
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise SettingsError(
                    "TRACKTWO_SECRET_KEY must be set to a random value of at least 32 "
                    "characters outside development"
                )
            if not self.master_key:
                raise SettingsError(
                    "TRACKTWO_MASTER_KEY (or TRACKTWO_MASTER_KEY_FILE) must be set outside "
                    "development"
                )
        return self


def _master_key() -> str:
    path = os.environ.get("TRACKTWO_MASTER_KEY_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return _env("MASTER_KEY", "")


def load_settings() -> Settings:
    """Read the environment into a validated Settings."""
    env = _env("ENV", "development")
    return Settings(
        env=env,
        database_url=_env("DATABASE_URL", Settings.database_url),
        secret_key=_env("SECRET_KEY", DEV_SECRET),
        master_key=_master_key(),
        htmx_source=_env("HTMX_SOURCE", "cdn"),
        htmx_version=_env("HTMX_VERSION", HTMX_VERSION),
        htmx_sri=_env("HTMX_SRI", HTMX_SRI),
        htmx_cdn_url=_env("HTMX_CDN_URL", HTMX_CDN_URL),
        default_k=_int("DEFAULT_K", 5),
        staff_idle_minutes=_int("STAFF_IDLE_MINUTES", 30),
        staff_absolute_hours=_int("STAFF_ABSOLUTE_HOURS", 12),
        public_base_url=_env("PUBLIC_BASE_URL", Settings.public_base_url).rstrip("/"),
        api_docs=_bool("API_DOCS", env != "production"),
        login_limit=_int("LOGIN_LIMIT", 5),
        login_window_seconds=_int("LOGIN_WINDOW_SECONDS", 900),
        max_body_bytes=_int("MAX_BODY_BYTES", 1_000_000),
        log_level=_env("LOG_LEVEL", "INFO"),
    ).validate()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
