"""argon2id at or above the OWASP parameters, and the `tracktwo create-user` command."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters
from sqlmodel import select

from app import cli
from app.accounts.models import User
from app.security import passwords
from tests.factories import Browser


def test_production_parameters_meet_owasp() -> None:
    hasher = passwords.production_hasher()
    params = hasher._parameters  # the parameters argon2-cffi will write into every hash
    assert params.type is Type.ID
    assert params.parallelism >= 1
    # OWASP Password Storage: m=47104 KiB with t=1, or m=19456 KiB with t=2 (and in between).
    assert (params.memory_cost >= 47_104 and params.time_cost >= 1) or (
        params.memory_cost >= 19_456 and params.time_cost >= 2
    )
    assert params.salt_len >= 16 and params.hash_len >= 32
    assert (passwords.TIME_COST, passwords.MEMORY_COST_KIB) == (
        params.time_cost,
        params.memory_cost,
    )


def test_a_production_hash_is_argon2id_with_those_parameters() -> None:
    hasher = passwords.production_hasher()
    encoded = hasher.hash("correct horse battery staple")
    assert encoded.startswith("$argon2id$v=19$")
    params = extract_parameters(encoded)
    assert params.memory_cost == passwords.MEMORY_COST_KIB
    assert params.time_cost == passwords.TIME_COST
    assert hasher.verify(encoded, "correct horse battery staple")


def test_weaker_hashes_are_upgraded_on_next_sign_in(
    client, settings, database, monkeypatch
) -> None:
    from argon2 import PasswordHasher

    from app.accounts.service import create_user

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", weak)
    with database.transaction() as db:
        user = create_user(
            db, email="old@example.org", display_name="Old", password="correct horse battery staple"
        )
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))
    assert passwords.needs_rehash(user.password_hash)
    Browser(client).login(user)
    with database.session() as db:
        row = db.get(User, user.id)
        assert row and extract_parameters(row.password_hash).memory_cost == 1024


def test_password_rules() -> None:
    assert passwords.password_problem("short") is not None
    assert passwords.password_problem("x" * 300) is not None
    assert passwords.password_problem("a long enough passphrase") is None


def test_create_user_command(settings, database, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setenv("TRACKTWO_NEW_USER_PASSWORD", "correct horse battery staple")
    assert cli.main(["create-user", "Ada@Example.org", "--name", "Ada"]) == 0
    assert "Created staff account ada@example.org" in capsys.readouterr().out
    with database.session() as db:
        (user,) = db.exec(select(User))
    assert user.email == "ada@example.org" and user.display_name == "Ada"
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash
    assert passwords.verify_password(user.password_hash, "correct horse battery staple")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create-user", "not-an-address", "--name", "X"], "valid e-mail"),
        (["create-user", "x@example.org", "--name", "X", "--password", "short"], "at least 12"),
    ],
)
def test_create_user_command_refuses_bad_input(
    settings, database, monkeypatch, capsys, args, message
) -> None:
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setenv("TRACKTWO_NEW_USER_PASSWORD", "correct horse battery staple")
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err
    with database.session() as db:
        assert list(db.exec(select(User))) == []


def test_create_user_command_refuses_a_duplicate(settings, database, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setenv("TRACKTWO_NEW_USER_PASSWORD", "correct horse battery staple")
    assert cli.main(["create-user", "a@example.org", "--name", "A"]) == 0
    assert cli.main(["create-user", "A@example.org", "--name", "B"]) == 2
    assert "already exists" in capsys.readouterr().err
