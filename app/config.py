"""Settings from the environment, `.env` and a secrets directory (prefix TRACKTWO_); default
secrets are refused outside development."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 (refused outside development)
HTMX_VERSION = "2.0.11"
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"

ROOT = Path(__file__).resolve().parent.parent
RAW_KEY = re.compile(r"[0-9a-fA-F]{64}")
SALT = re.compile(r"[0-9a-f]{32,}")


class SettingsError(RuntimeError):
    """A setting is missing, malformed or unsafe for this environment."""


class _Sources(BaseSettings):
    """Where the raw values come from, first found wins: the process environment, then the
    secrets directory (one file per setting, named like the variable: Docker and Kubernetes
    secrets), then the `.env` file (a deployment's secrets beat a default file baked in).
    Every value stays a string here; `load_settings` converts and checks them, so that a bad
    value gets a message naming its variable."""

    model_config = SettingsConfigDict(env_prefix="TRACKTWO_", extra="ignore")

    env: str | None = None
    database_url: str | None = None
    secret_key: str | None = None
    master_key: str | None = None
    master_key_file: str | None = None
    master_key_salt: str | None = None
    htmx_source: str | None = None
    htmx_version: str | None = None
    htmx_sri: str | None = None
    htmx_cdn_url: str | None = None
    default_k: str | None = None
    staff_idle_minutes: str | None = None
    staff_absolute_hours: str | None = None
    public_base_url: str | None = None
    api_docs: str | None = None
    login_limit: str | None = None
    login_window_seconds: str | None = None
    max_body_bytes: str | None = None
    log_level: str | None = None
    log_format: str | None = None
    host: str | None = None
    port: str | None = None
    workers: str | None = None
    forwarded_allow_ips: str | None = None
    smtp_host: str | None = None
    smtp_port: str | None = None
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_security: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, file_secret_settings, dotenv_settings


def _loopback(host: str) -> bool:
    """Whether an SMTP host is this machine (a local relay: a plain connection stays here)."""
    return host.strip().lower() in {"localhost", "127.0.0.1", "::1", "[::1]"}


def _read_sources() -> dict[str, str]:
    env_file = os.environ.get("TRACKTWO_ENV_FILE", ".env")
    secrets_dir = os.environ.get("TRACKTWO_SECRETS_DIR")
    if secrets_dir and not Path(secrets_dir).is_dir():
        raise SettingsError(f"TRACKTWO_SECRETS_DIR is not a directory: {secrets_dir}")
    try:
        sources = _Sources(
            _env_file=env_file if Path(env_file).is_file() else None,
            _secrets_dir=secrets_dir or None,
        )
    except ValidationError as exc:  # only a malformed .env line can get here
        raise SettingsError(f"unreadable settings: {exc.errors()[0]['msg']}") from None
    return {k: v for k, v in sources.model_dump().items() if v is not None}


class _Raw:
    """The raw values, with the converters that name the variable in their messages."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def text(self, name: str, default: str) -> str:
        return self.values.get(name.lower(), default)

    def integer(self, name: str, default: int) -> int:
        raw = self.text(name, str(default))
        try:
            return int(raw)
        except ValueError as exc:
            raise SettingsError(f"TRACKTWO_{name} must be an integer, not {raw!r}") from exc

    def flag(self, name: str, default: bool) -> bool:
        raw = self.text(name, "1" if default else "0").strip().lower()
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
    master_key_salt: str = ""
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
    log_format: str = "text"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    forwarded_allow_ips: str = "127.0.0.1"
    smtp_host: str = ""  # empty: no e-mail; links are shown to copy instead
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    smtp_security: str = "starttls"  # starttls | tls | none

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

    @property
    def master_key_is_raw(self) -> bool:
        """64 hex digits: the key itself; anything else is a passphrase for the KDF."""
        return bool(RAW_KEY.fullmatch(self.master_key))

    def validate(self) -> Settings:
        if self.env not in {"development", "test", "production"}:
            raise SettingsError("TRACKTWO_ENV must be development, test or production")
        if self.htmx_source not in {"cdn", "local"}:
            raise SettingsError("TRACKTWO_HTMX_SOURCE must be cdn or local")
        if self.log_format not in {"text", "json"}:
            raise SettingsError("TRACKTWO_LOG_FORMAT must be text or json")
        if self.smtp_security not in {"starttls", "tls", "none"}:
            raise SettingsError("TRACKTWO_SMTP_SECURITY must be starttls, tls or none")
        if self.smtp_username and self.smtp_security == "none" and not _loopback(self.smtp_host):
            raise SettingsError(
                "TRACKTWO_SMTP_SECURITY=none would send the SMTP password in the clear to "
                f"{self.smtp_host!r}: use starttls or tls (none is only for a relay on this host)"
            )
        if self.smtp_host and "@" not in self.smtp_from:
            raise SettingsError(
                "TRACKTWO_SMTP_FROM must be the sender's address when TRACKTWO_SMTP_HOST is set"
            )
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
        if self.master_key and not self.master_key_is_raw:
            if not SALT.fullmatch(self.master_key_salt):
                raise SettingsError(
                    "TRACKTWO_MASTER_KEY is a passphrase: set TRACKTWO_MASTER_KEY_SALT to at "
                    "least 32 random hex digits (python3 -c 'import secrets; "
                    "print(secrets.token_hex(16))') and keep it with the passphrase: the key "
                    "is derived from both"
                )
            if not self.is_dev and len(self.master_key) < 16:
                raise SettingsError(
                    "a TRACKTWO_MASTER_KEY passphrase must have at least 16 characters"
                )
        return self


def load_settings() -> Settings:
    """Read the environment, the secrets directory and `.env` into a validated Settings."""
    raw = _Raw(_read_sources())
    env = raw.text("ENV", "development")
    master_key = raw.text("MASTER_KEY", "")
    key_file = raw.text("MASTER_KEY_FILE", "")
    if key_file:
        try:
            master_key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"TRACKTWO_MASTER_KEY_FILE cannot be read: {key_file}") from exc
    return Settings(
        env=env,
        database_url=raw.text("DATABASE_URL", Settings.database_url),
        secret_key=raw.text("SECRET_KEY", DEV_SECRET),
        master_key=master_key,
        master_key_salt=raw.text("MASTER_KEY_SALT", "").strip().lower(),
        htmx_source=raw.text("HTMX_SOURCE", "cdn"),
        htmx_version=raw.text("HTMX_VERSION", HTMX_VERSION),
        htmx_sri=raw.text("HTMX_SRI", HTMX_SRI),
        htmx_cdn_url=raw.text("HTMX_CDN_URL", HTMX_CDN_URL),
        default_k=raw.integer("DEFAULT_K", 5),
        staff_idle_minutes=raw.integer("STAFF_IDLE_MINUTES", 30),
        staff_absolute_hours=raw.integer("STAFF_ABSOLUTE_HOURS", 12),
        public_base_url=raw.text("PUBLIC_BASE_URL", Settings.public_base_url).rstrip("/"),
        api_docs=raw.flag("API_DOCS", env != "production"),
        login_limit=raw.integer("LOGIN_LIMIT", 5),
        login_window_seconds=raw.integer("LOGIN_WINDOW_SECONDS", 900),
        max_body_bytes=raw.integer("MAX_BODY_BYTES", 1_000_000),
        log_level=raw.text("LOG_LEVEL", "INFO"),
        log_format=raw.text("LOG_FORMAT", "text").strip().lower(),
        host=raw.text("HOST", "127.0.0.1"),
        port=raw.integer("PORT", 8000),
        workers=raw.integer("WORKERS", 1),
        forwarded_allow_ips=raw.text("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        smtp_host=raw.text("SMTP_HOST", "").strip(),
        smtp_port=raw.integer("SMTP_PORT", 587),
        smtp_username=raw.text("SMTP_USERNAME", ""),
        smtp_password=raw.text("SMTP_PASSWORD", ""),
        smtp_from=raw.text("SMTP_FROM", "").strip(),
        smtp_security=raw.text("SMTP_SECURITY", "starttls").strip().lower(),
    ).validate()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
