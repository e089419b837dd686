"""Two-step sign-in for staff (issue 19): set-up needs a current code; with it on, the
password alone makes no session; a code counts once; recovery codes work once; the second
step is throttled like sign-in (never a lock); the secret is not stored in clear."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.accounts.models import ApiToken, AuthSession
from app.audit.models import AuditEntry
from app.ids import utcnow
from app.policy import Viewer
from app.security.crypto import DecryptionFailed
from app.two_step import service as two_step
from app.two_step.models import StaffRecoveryCode, StaffTotp
from app.workshops.rotation import rotate_master_key
from tests.factories import PASSWORD, Browser, make_user, make_world
from tests.security.two_step_helpers import (
    client_from,
    code_at,
    enrol,
    sign_in,
    wrong_code,
)


def _fresh(client) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser(client.__class__(client.app))
    browser.get("/login")
    return browser


def test_setup_needs_a_valid_code_and_the_password(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    browser.get("/account")
    browser.post("/account/two-step/start")
    page = browser.get("/account")
    assert "otpauth://totp/Tracktwo:" in page.text and "issuer=Tracktwo" in page.text
    assert 'src="data:image/svg+xml' in page.text  # the QR code
    secret = page.text.split('id="two-step-secret">')[1].split("<")[0].replace(" ", "")
    refused = browser.post(
        "/account/two-step/confirm", {"password": PASSWORD, "code": wrong_code(secret)}
    )
    assert refused.status_code == 422
    refused = browser.post(
        "/account/two-step/confirm", {"password": "not my password", "code": code_at(secret)}
    )
    assert refused.status_code == 422
    with database.session() as db:
        row = db.get(StaffTotp, world.users["organizer"].id)
        assert row is not None and row.confirmed_at is None
        assert not list(db.exec(select(StaffRecoveryCode)))
    ok = browser.post("/account/two-step/confirm", {"password": PASSWORD, "code": code_at(secret)})
    assert ok.status_code == 200 and 'id="recovery-codes"' in ok.text
    with database.session() as db:
        assert len(list(db.exec(select(StaffRecoveryCode)))) == 10
        actions = [e.action for e in db.exec(select(AuditEntry))]
    assert "account.two_step.on" in actions
    assert 'id="recovery-codes"' not in browser.get("/account").text  # shown once


def test_password_alone_never_makes_a_staff_session(client, settings, database) -> None:
    world = make_world(settings, database)
    owner = Browser(client)
    owner.login(world.users["organizer"])
    enrol(owner)
    browser = _fresh(client)
    first = browser.post("/login", {"email": world.users["organizer"].email, "password": PASSWORD})
    assert first.status_code == 200 and 'action="/login/two-step"' in first.text
    assert "tt_session" not in first.cookies
    assert browser.get("/account", follow_redirects=False).status_code == 303  # to sign in
    assert browser.client.get("/api/v1/me").status_code == 401
    with database.session() as db:
        kinds = sorted(r.kind for r in db.exec(select(AuthSession)))
    assert kinds == ["pending", "staff"]  # the owner's own session, and this pending one


def test_wrong_code_refused_and_a_code_counts_once(client, settings, database, caplog) -> None:  # type: ignore[no-untyped-def]
    world = make_world(settings, database)
    user = world.users["organizer"]
    owner = Browser(client)
    owner.login(user)
    secret, _codes = enrol(owner)
    browser = _fresh(client)
    caplog.set_level(logging.INFO, logger="tracktwo")
    typed = wrong_code(secret)
    wrong = sign_in(browser, user, typed)
    assert wrong.status_code == 400 and "tt_session" not in wrong.cookies
    used = code_at(secret, 1)  # the step after the one the set-up used
    right = browser.post("/login/two-step", {"code": used})
    assert right.status_code == 303 and "tt_session" in right.cookies
    other = _fresh(client)
    again = sign_in(other, user, used)
    assert again.status_code == 400 and "tt_session" not in again.cookies
    # the set-up's own code (an earlier step) does not count either
    assert other.post("/login/two-step", {"code": code_at(secret)}).status_code == 400
    logged = [r.getMessage() for r in caplog.records if r.name == "tracktwo.accounts"]
    assert "second step refused: wrong code" in logged
    assert "second step refused: code already used" in logged
    assert not any(typed in m or used in m or secret in m for m in logged)


def test_recovery_code_works_once(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    owner = Browser(client)
    owner.login(user)
    _secret, codes = enrol(owner)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = sign_in(_fresh(client), user, codes[3].lower())
    assert first.status_code == 303
    second = sign_in(_fresh(client), user, codes[3])
    assert second.status_code == 400
    with database.session() as db:
        assert len(list(db.exec(select(StaffRecoveryCode)))) == 9


def test_second_step_throttled_per_account_and_client_never_locked(app, settings, database):  # type: ignore[no-untyped-def]
    world = make_world(settings, database)
    user = world.users["organizer"]
    owner = client_from(app, "10.9.0.1")
    owner.login(user)
    secret, _ = enrol(owner)
    attacker = client_from(app, "10.9.0.2")
    attacker.get("/login")
    sign_in(attacker, user, wrong_code(secret))
    for _ in range(settings.login_limit):
        attacker.post("/login/two-step", {"code": wrong_code(secret)})
    blocked = attacker.post("/login/two-step", {"code": code_at(secret, 1)})
    assert blocked.status_code == 429 and "tt_session" not in blocked.cookies
    elsewhere = client_from(app, "10.9.0.3")
    elsewhere.get("/login")
    assert sign_in(elsewhere, user, code_at(secret, 1)).status_code == 303


def test_next_and_resume_survive_the_second_step(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    owner = Browser(client)
    owner.login(user)
    secret, codes = enrol(owner)
    browser = _fresh(client)
    target = f"/w/{world.workshop.id}/manage"
    done = sign_in(browser, user, code_at(secret, 1), next=target)
    assert done.status_code == 303 and done.headers["location"] == target
    resumed = _fresh(client)
    form = {"resume_action": target + "/settings", "resume.title": "Kept title"}
    page = sign_in(resumed, user, wrong_code(secret), **form)
    assert page.status_code == 400 and 'name="resume.title" value="Kept title"' in page.text
    again = resumed.post("/login/two-step", {"code": codes[0], **form})
    assert again.status_code == 200 and 'action="/w/' in again.text  # "send it again"
    assert 'name="title" value="Kept title"' in again.text


def test_turning_off_needs_password_and_code(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    secret, codes = enrol(browser)
    page = browser.get("/account")
    assert page.status_code == 200
    no_code = browser.post("/account/two-step/disable", {"password": PASSWORD, "code": ""})
    assert no_code.status_code == 422
    no_pw = browser.post("/account/two-step/disable", {"password": "x", "code": code_at(secret, 1)})
    assert no_pw.status_code == 422
    fresh = browser.post(
        "/account/two-step/recovery-codes", {"password": PASSWORD, "code": code_at(secret, 1)}
    )
    assert fresh.status_code == 200 and codes[0] not in fresh.text
    off = browser.post("/account/two-step/disable", {"password": PASSWORD, "code": codes[0]})
    assert off.status_code == 422  # the old recovery codes stopped working
    listed = fresh.text.split('<ul id="recovery-codes">')[1].split("</ul>")[0]
    new_code = listed.split('<code class="secret">')[1].split("<")[0]
    off = browser.post("/account/two-step/disable", {"password": PASSWORD, "code": new_code})
    assert off.status_code == 200
    with database.session() as db:
        assert db.get(StaffTotp, world.users["organizer"].id) is None
        actions = {e.action for e in db.exec(select(AuditEntry))}
    assert {"account.two_step.on", "account.recovery_codes.new", "account.two_step.off"} <= actions
    assert browser.post("/logout").status_code == 303
    browser.get("/login")
    assert browser.login(world.users["organizer"]).status_code == 303  # password alone again


def test_the_secret_is_not_stored_in_clear(client, settings, database) -> None:
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    secret, codes = enrol(browser)
    with database.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM staff_totp"))]
        rows += [tuple(r) for r in conn.execute(text("SELECT * FROM staff_recovery_code"))]
        rows += [tuple(r) for r in conn.execute(text("SELECT * FROM audit_entry"))]
    raw = repr(rows).encode()
    assert rows and secret.encode() not in raw and secret.lower().encode() not in raw
    assert not any(c.encode() in raw or c.replace("-", "").encode() in raw for c in codes)
    url = settings.database_url
    if url.startswith("sqlite:///"):
        data = b"".join(
            p.read_bytes() for p in Path(url.removeprefix("sqlite:///")).parent.glob("*.db*")
        )
        assert secret.encode() not in data


def test_master_key_rotation_reseals_the_secret(settings, database) -> None:
    with database.transaction() as db:
        user = make_user(db)
        viewer = Viewer(kind="staff", user_id=user.id, email=user.email)
        two_step.start(db, settings, viewer=viewer)
        secret = two_step.pending_secret(db, settings, viewer=viewer)
    new = replace(settings, master_key="22" * 32)
    rotate_master_key(database, settings, new)
    with database.session() as db:
        assert two_step.pending_secret(db, new, viewer=viewer) == secret
        with pytest.raises(DecryptionFailed):
            two_step.pending_secret(db, settings, viewer=viewer)


def test_an_expired_pending_sign_in_cannot_be_completed(client, settings, database) -> None:
    world = make_world(settings, database)
    user = world.users["organizer"]
    owner = Browser(client)
    owner.login(user)
    secret, _ = enrol(owner)
    browser = _fresh(client)
    form = {"resume_action": f"/w/{world.workshop.id}/notes", "resume.body": "Kept text"}
    first = browser.post("/login", {"email": user.email, "password": PASSWORD, **form})
    assert first.status_code == 200
    with database.transaction() as db:
        (pending,) = db.exec(select(AuthSession).where(AuthSession.kind == "pending"))
        pending.expires_at = utcnow() - timedelta(seconds=1)  # five minutes went by
        db.add(pending)
    late = browser.post("/login/two-step", {"code": code_at(secret, 1), **form})
    assert late.status_code == 401 and "tt_session" not in late.cookies
    assert "Enter your password again" in late.text and 'action="/login"' in late.text
    assert 'name="resume.body" value="Kept text"' in late.text  # what was typed is still kept
    # the cookie alone, without the password step, never completes
    assert _fresh(client).post("/login/two-step", {"code": code_at(secret, 1)}).status_code == 401


def test_turning_it_on_revokes_every_api_token(client, settings, database) -> None:  # type: ignore[no-untyped-def]
    """Whoever held a stolen session and minted a token loses it when the owner turns two-step
    sign-in on (the owner's own session stays)."""
    world = make_world(settings, database)
    browser = Browser(client)
    browser.login(world.users["organizer"])
    browser.get("/account")
    assert browser.post("/account/tokens", {"name": "minted meanwhile"}).status_code == 200
    enrol(browser)
    with database.session() as db:
        assert list(db.exec(select(ApiToken))) == []
    assert browser.get("/account").status_code == 200
