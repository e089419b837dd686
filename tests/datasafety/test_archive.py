"""Archiving crypto-shreds a workshop: keys, author tags and roster personal data are gone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from app.accounts.models import AuthSession
from app.audit.models import AuditEntry
from app.config import Settings
from app.db import Database
from app.errors import Conflict, Invalid, NotFound
from app.ids import utcnow
from app.models import metadata
from app.notes.models import Note
from app.ntext.models import MarkTally, TextMark, TextSignoff, TextSignoffTally
from app.room.models import Proposal, Reaction, ReactionTally, SpeakingRequest
from app.roster.models import Participant, RulesAcceptance
from app.summary.models import SummarySignoff, SummarySignoffTally
from app.workshops import archive as archiving
from app.workshops import service as workshops
from app.workshops.models import Workshop, WorkshopKey
from tests.datasafety.seed import Seeded, seed
from tests.factories import make_world


def _archive(s: Seeded, title: str | None = None, role: str = "organizer") -> Workshop:
    viewer = s.world.viewer(role)
    with s.world.database.transaction() as db:
        workshop = workshops.get(db, s.workshop_id, viewer=viewer)
        return archiving.archive(
            db,
            s.world.settings,
            viewer=viewer,
            workshop=workshop,
            confirm_title=s.world.workshop.title if title is None else title,
        )


def _count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    return int(db.exec(select(func.count()).select_from(model).where(*where)).one())


def test_archive_destroys_keys_tags_and_roster_data(settings: Settings, database: Database) -> None:
    s = seed(settings, database)
    wid = s.workshop_id
    with database.session() as db:
        assert _count(db, Reaction, col(Reaction.author_tag).is_not(None)) == 9
        assert _count(db, TextMark, col(TextMark.author_tag).is_not(None)) == 6
        assert _count(db, SpeakingRequest, col(SpeakingRequest.workshop_id) == wid) == 2
        assert _count(db, SummarySignoff) == 3
        assert _count(db, TextSignoff, col(TextSignoff.workshop_id) == wid) == 3
        assert _count(db, Note, col(Note.workshop_id) == wid) == 4
    archived = _archive(s)
    assert archived.status == "archived"
    assert archived.archived_at is not None
    with database.session() as db:
        assert db.get(WorkshopKey, wid) is None
        assert _count(db, Proposal, col(Proposal.workshop_id) == wid) == 6  # 3 are critiques
        assert _count(db, Proposal, col(Proposal.author_tag).is_not(None)) == 0
        assert _count(db, Proposal, col(Proposal.idempotency_key).is_not(None)) == 0
        assert _count(db, Reaction, col(Reaction.workshop_id) == wid) == 9  # the record stays
        assert _count(db, Reaction, col(Reaction.author_tag).is_not(None)) == 0
        assert _count(db, ReactionTally) > 0
        assert _count(db, TextMark, col(TextMark.workshop_id) == wid) == 6
        assert _count(db, TextMark, col(TextMark.author_tag).is_not(None)) == 0
        assert _count(db, MarkTally) > 0
        assert _count(db, Note, col(Note.workshop_id) == wid) == 0
        assert _count(db, SummarySignoff) == 0
        assert _count(db, SummarySignoffTally) > 0
        assert _count(db, TextSignoff) == 0  # no tag left to find
        assert _count(db, TextSignoffTally) > 0  # the counts stay
        assert _count(db, SpeakingRequest, col(SpeakingRequest.workshop_id) == wid) == 0
        assert _count(db, RulesAcceptance) == 0
        assert _count(db, AuthSession, col(AuthSession.participant_id).is_not(None)) == 0
        people = list(db.exec(select(Participant).where(Participant.workshop_id == wid)))
        assert len(people) == 4
        for p in people:
            assert (p.display_name, p.affiliation, p.invitation_hash, p.recovery_hash) == (
                None,
                None,
                None,
                None,
            )
            assert p.party_id is not None  # counts per party remain
        actions = [
            (e.action, e.actor_label)
            for e in db.exec(select(AuditEntry).where(AuditEntry.workshop_id == wid))
        ]
        organizer = s.world.users["organizer"].email
        assert ("workshop.archive", organizer) in actions
        assert ("workshop.shred", organizer) in actions
        workshop = db.get(Workshop, wid)
        assert workshop is not None
        with pytest.raises(Conflict):
            workshops.data_key(db, settings, workshop)


def test_every_author_tag_column_is_shredded() -> None:
    """A new table with an author tag must be added to archive.shred (this test says so)."""
    tagged = {t.name for t in metadata.sorted_tables if "author_tag" in t.c}
    assert tagged == {
        "proposal",
        "proposal_tombstone",
        "reaction",
        "note",
        "summary_signoff",
        "ntext_mark",
        "ntext_signoff",
    }
    personal = {t.name for t in metadata.sorted_tables if "participant_id" in t.c}
    assert personal == {"rules_acceptance", "auth_session", "speaking_request"}


@pytest.mark.parametrize(
    "typed", ["", "dialogue on the sarel basin", "Dialogue on the Sarel Basin", "Dialogue"]
)
def test_archive_refuses_a_wrong_title(settings: Settings, database: Database, typed: str) -> None:
    world = make_world(settings, database, title="Dialogue on the Sarel basin", status="closed")
    viewer = world.viewer("organizer")
    with database.transaction() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=viewer)
        with pytest.raises(Invalid) as refused:
            archiving.archive(db, settings, viewer=viewer, workshop=workshop, confirm_title=typed)
        assert refused.value.field == "confirm_title"
    with database.session() as db:
        assert db.get(WorkshopKey, world.workshop.id) is not None
        assert db.get(Workshop, world.workshop.id).status == "closed"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ["facilitator", "rapporteur", "observer"])
def test_only_the_organizer_archives(settings: Settings, database: Database, role: str) -> None:
    world = make_world(settings, database, status="closed")
    viewer = world.viewer(role)
    with database.transaction() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=viewer)
        with pytest.raises(NotFound):
            archiving.archive(
                db, settings, viewer=viewer, workshop=workshop, confirm_title=workshop.title
            )
    with database.session() as db:
        assert db.get(WorkshopKey, world.workshop.id) is not None


def test_a_live_workshop_must_be_closed_first(settings: Settings, database: Database) -> None:
    world = make_world(settings, database, status="live")
    viewer = world.viewer("organizer")
    with database.transaction() as db:
        workshop = workshops.get(db, world.workshop.id, viewer=viewer)
        with pytest.raises(Conflict):
            archiving.archive(
                db, settings, viewer=viewer, workshop=workshop, confirm_title=workshop.title
            )


def test_retention_archives_only_what_is_due(settings: Settings, database: Database) -> None:
    due = make_world(settings, database, title="Due", status="closed")
    fresh = make_world(settings, database, title="Fresh", status="closed")
    kept = make_world(settings, database, title="No retention", status="closed")
    live = make_world(settings, database, title="Live", status="live")
    now = utcnow()
    with database.transaction() as db:
        for world, days, closed in (
            (due, 30, now - timedelta(days=31)),
            (fresh, 30, now - timedelta(days=29)),
            (kept, None, now - timedelta(days=400)),
            (live, 1, None),
        ):
            workshop = db.get(Workshop, world.workshop.id)
            assert workshop is not None
            workshop.archive_after_days = days
            workshop.closed_at = closed
            db.add(workshop)
    assert archiving.archive_due(database, settings, now=now) == [due.workshop.id]
    with database.session() as db:
        statuses = {
            w.title: w.status
            for w in db.exec(select(Workshop))
            if w.title in {"Due", "Fresh", "No retention", "Live"}
        }
        assert statuses == {
            "Due": "archived",
            "Fresh": "closed",
            "No retention": "closed",
            "Live": "live",
        }
        assert db.get(WorkshopKey, due.workshop.id) is None
        assert db.get(WorkshopKey, fresh.workshop.id) is not None
        entries = list(db.exec(select(AuditEntry).where(AuditEntry.workshop_id == due.workshop.id)))
        labels = {(e.action, e.actor_label, e.actor_user_id) for e in entries}
        assert ("workshop.archive", "retention", None) in labels
        assert ("workshop.shred", "retention", None) in labels
        names = [
            p.display_name
            for p in db.exec(select(Participant).where(Participant.workshop_id == due.workshop.id))
        ]
        assert names and set(names) == {None}
    assert archiving.archive_due(database, settings, now=now) == []  # nothing twice


def test_cli_archive_due(
    settings: Settings,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app import cli, config

    world = make_world(settings, database, status="closed")
    with database.transaction() as db:
        workshop = db.get(Workshop, world.workshop.id)
        assert workshop is not None
        workshop.archive_after_days = 1
        workshop.closed_at = utcnow() - timedelta(days=2)
        db.add(workshop)
    monkeypatch.setenv("TRACKTWO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRACKTWO_ENV", "test")
    config.get_settings.cache_clear()
    try:
        assert cli.main(["archive-due"]) == 0
    finally:
        config.get_settings.cache_clear()
    assert world.workshop.id in capsys.readouterr().out
    with database.session() as db:
        assert db.get(Workshop, world.workshop.id).status == "archived"  # type: ignore[union-attr]


def test_the_archive_page_shreds_through_http(
    settings: Settings, database: Database, client: Any
) -> None:
    from tests.factories import Browser

    s = seed(settings, database)
    browser = Browser(client)
    browser.login(s.world.users["organizer"])
    url = f"/w/{s.workshop_id}/manage/archive"
    browser.get(url)
    refused = browser.post(url, {"confirm_title": "not the title"})
    assert refused.status_code == 409  # not the title (Inconsistent)
    with database.session() as db:
        assert db.get(WorkshopKey, s.workshop_id) is not None
    browser.get(url)
    done = browser.post(url, {"confirm_title": s.world.workshop.title})
    assert done.status_code == 303, done.text[:500]
    with database.session() as db:
        assert db.get(WorkshopKey, s.workshop_id) is None
        assert db.get(Workshop, s.workshop_id).status == "archived"  # type: ignore[union-attr]
        assert _count(db, Participant, col(Participant.display_name).is_not(None)) == 0
    if database.is_sqlite:
        wal = Path(settings.database_url.split("///", 1)[1] + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
