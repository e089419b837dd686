"""The operator's command line: `python -m app` is `tracktwo`; `users list | deactivate |
reset-password` act on the configured database and end the account's sessions."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from app import cli, config
from app.accounts.models import AuthSession, User
from app.accounts.service import authenticate
from app.config import Settings
from app.db import Database
from app.errors import Invalid
from tests.factories import PASSWORD, Browser, make_user
from tests.security.two_step_helpers import enrol

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "a brand new long password"


@pytest.fixture
def run(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[object]:
    """cli.main on the test database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("TRACKTWO_ENV", "test")
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", settings.database_url)

    def call(*argv: str) -> tuple[int, str, str]:
        config.get_settings.cache_clear()
        try:
            code = cli.main(list(argv))
        finally:
            config.get_settings.cache_clear()
        out = capsys.readouterr()
        return code, out.out, out.err

    yield call


def test_python_dash_m_app_is_the_same_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: tracktwo")
    for command in ("serve", "migrate", "users", "rotate-master-key", "create-user"):
        assert command in done.stdout


def test_users_list(database: Database, run) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as db:
        make_user(db, email="b@example.org", name="Bea")
        make_user(db, email="a@example.org", name="Ada")
    code, out, _ = run("users", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["a@example.org", "active"],
        ["b@example.org", "active"],
    ]


def _sessions(database: Database, user_id: str) -> int:
    with database.session() as db:
        return len(list(db.exec(select(AuthSession).where(AuthSession.user_id == user_id))))


def test_deactivate_stops_sign_in_and_ends_sessions(  # type: ignore[no-untyped-def]
    settings: Settings, database: Database, client, run
) -> None:
    with database.transaction() as db:
        user = make_user(db, email="leaving@example.org")
    browser = Browser(client)
    browser.login(user)
    assert browser.get("/account").status_code == 200
    assert _sessions(database, user.id) == 1

    code, out, _ = run("users", "deactivate", "Leaving@Example.org")
    assert code == 0 and "Deactivated leaving@example.org" in out
    assert _sessions(database, user.id) == 0
    assert browser.get("/account", follow_redirects=False).status_code != 200
    with database.transaction() as db, pytest.raises(Invalid):
        authenticate(db, settings, email=user.email, password=PASSWORD, client="test")
    code, out, _ = run("users", "list")
    assert "leaving@example.org\tdeactivated" in out


def test_reset_password(  # type: ignore[no-untyped-def]
    settings: Settings, database: Database, client, run
) -> None:
    with database.transaction() as db:
        user = make_user(db, email="forgot@example.org")
    Browser(client).login(user)
    code, out, _ = run("users", "reset-password", user.email, "--password", NEW_PASSWORD)
    assert code == 0 and "New password set for forgot@example.org" in out
    assert _sessions(database, user.id) == 0
    with database.transaction() as db:
        assert authenticate(db, settings, email=user.email, password=NEW_PASSWORD, client="t")
    with database.transaction() as db, pytest.raises(Invalid):
        authenticate(db, settings, email=user.email, password=PASSWORD, client="t")


def test_bad_input_is_a_clear_error(database: Database, run) -> None:  # type: ignore[no-untyped-def]
    with database.transaction() as db:
        make_user(db, email="someone@example.org")
    code, _, err = run("users", "deactivate", "nobody@example.org")
    assert code == 2 and "No staff account has this e-mail address." in err
    code, _, err = run("users", "reset-password", "someone@example.org", "--password", "short")
    assert code == 2 and err.startswith("error: ")
    with database.session() as db:
        assert db.exec(select(User).where(User.email == "someone@example.org")).one().is_active


def test_reset_two_step_turns_it_off_and_ends_sessions(  # type: ignore[no-untyped-def]
    settings: Settings, database: Database, client, run
) -> None:
    with database.transaction() as db:
        user = make_user(db, email="lost-phone@example.org")
    browser = Browser(client)
    browser.login(user)
    enrol(browser)
    code, out, _ = run("users", "reset-two-step", "Lost-Phone@example.org")
    assert code == 0 and "Two-step sign-in turned off for lost-phone@example.org" in out
    assert _sessions(database, user.id) == 0
    fresh = Browser(client.__class__(client.app))
    fresh.get("/login")
    assert fresh.login(user).status_code == 303  # the password alone again
    code, _, err = run("users", "reset-two-step", "nobody@example.org")
    assert code == 2 and "No staff account" in err
