"""Migration 0150 moves plaintext written under the previous schema to the encrypted form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, text
from sqlmodel import SQLModel, select

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database, make_engine
from app.db_order import TABLES
from app.migrate import alembic_config, upgrade
from app.room.models import Proposal, Reaction, Theme
from app.roster.models import Participant
from app.security import crypto, keys
from app.summary.models import SummaryComment, SummaryDecision, SummaryReview, SummaryTerm
from app.workshops.models import Party, Workshop, WorkshopKey
from tests.migrated import database_at

NAME = "Yevgenia Strelnikova-Haddad"
TEXTS = {
    ("participant", "display_name"): NAME,
    ("participant", "affiliation"): "Institute of Qarsh Border Studies",
    ("proposal", "text"): "Joint patrols on the Qarsh ridge — دوريات مشتركة",
    ("proposal", "hide_reason"): "names Yevgenia",
    ("proposal", "attribution"): NAME,
    ("theme", "name"): "Ridge security",
    ("summary_comment", "body"): "Paragraph two still points at the ministry",
    ("summary_term", "term"): "Qarsh ridge",
    ("summary_decision", "reason"): "kept: a public place name",
    ("summary_review", "release_override"): "released without the third party",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each engine, migrated to revision 0001 only."""
    yield from database_at(request.param, tmp_path, "0001")


def _insert(conn: Any, *rows: SQLModel) -> None:
    """Insert rows as the old schema has them: only the columns the table has at 0001."""
    for row in rows:
        name = str(row.__tablename__)
        old = Table(name, MetaData(), autoload_with=conn)  # the table as 0001 made it
        values = {k: v for k, v in row.model_dump().items() if v is not None and k in old.c}
        conn.execute(old.insert().values(**values))


def _seed_plaintext(url: str, settings: Settings, *, archived: bool) -> dict[str, str]:
    """One row of every encrypted table, written in the clear as the old code did."""
    workshop = Workshop(title="Qarsh", status="archived" if archived else "live")
    party = Party(workshop_id=workshop.id, name="North")
    meeting = Meeting(workshop_id=workshop.id, title="Day 1")
    item = AgendaItem(workshop_id=workshop.id, meeting_id=meeting.id, title="Options")
    review = SummaryReview(
        workshop_id=workshop.id, release_override=TEXTS[("summary_review", "release_override")]
    )
    ids = {"workshop": workshop.id}
    rows: list[SQLModel] = [workshop, party, meeting, item, review]
    if not archived:
        wrapped = keys.wrap(settings, workshop.id, keys.new_workshop_key())
        rows.append(WorkshopKey(workshop_id=workshop.id, wrapped=wrapped))
    person = Participant(
        workshop_id=workshop.id,
        party_id=party.id,
        display_name=TEXTS[("participant", "display_name")],
        affiliation=TEXTS[("participant", "affiliation")],
    )
    theme = Theme(workshop_id=workshop.id, item_id=item.id, name=TEXTS[("theme", "name")])
    proposal = Proposal(
        workshop_id=workshop.id,
        item_id=item.id,
        text=TEXTS[("proposal", "text")],
        hide_reason=TEXTS[("proposal", "hide_reason")],
        attribution=TEXTS[("proposal", "attribution")],
    )
    rows += [
        person,
        theme,
        proposal,
        Reaction(workshop_id=workshop.id, proposal_id=proposal.id, author_tag=None, value="agree"),
        SummaryComment(review_id=review.id, body=TEXTS[("summary_comment", "body")]),
        SummaryTerm(workshop_id=workshop.id, term=TEXTS[("summary_term", "term")]),
        SummaryDecision(
            workshop_id=workshop.id,
            fingerprint="f" * 64,
            action="keep",
            reason=TEXTS[("summary_decision", "reason")],
        ),
    ]
    engine = make_engine(url)
    with engine.begin() as conn:
        _insert(conn, *rows)
    engine.dispose()
    return ids


def _stored(database: Database, workshop_id: str) -> dict[tuple[str, str], str | None]:
    out: dict[tuple[str, str], str | None] = {}
    with database.session() as db:
        conn = db.connection()
        for table, column in TEXTS:
            if table == "summary_comment":
                sql = (
                    "SELECT c.body FROM summary_comment c JOIN summary_review r "
                    "ON r.id = c.review_id WHERE r.workshop_id = :w"
                )
            else:
                sql = f"SELECT {column} FROM {table} WHERE workshop_id = :w"
            out[(table, column)] = conn.execute(text(sql), {"w": workshop_id}).scalar_one()
    return out


def test_upgrade_encrypts_the_old_plaintext_and_it_reads_back(old_url: str) -> None:
    settings = Settings(env="test", database_url=old_url)
    live = _seed_plaintext(old_url, settings, archived=False)["workshop"]
    gone = _seed_plaintext(old_url, settings, archived=True)["workshop"]

    upgrade(old_url, settings)

    database = Database(settings)
    try:
        stored = _stored(database, live)
        for place, plain in TEXTS.items():
            value = stored[place]
            assert crypto.is_encrypted(value), place
            assert plain not in (value or "") and "Qarsh" not in (value or "")
        with database.session() as db:
            conn = db.connection()
            # the rebuilt tables kept every row (no ON DELETE CASCADE fired) ...
            assert conn.execute(text("SELECT count(*) FROM reaction")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM proposal")).scalar() == 2
            if database.is_sqlite:  # ... and have no rowid (no submission order) any more
                for table in TABLES:
                    sql = conn.execute(
                        text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}
                    ).scalar_one()
                    assert "WITHOUT ROWID" in sql, table
        # an archived workshop's key is gone: its old plaintext is emptied, not kept
        assert all(value in ("", None) for value in _stored(database, gone).values())
        with database.session() as db:
            person = db.exec(select(Participant).where(Participant.workshop_id == live)).one()
            proposal = db.exec(select(Proposal).where(Proposal.workshop_id == live)).one()
            theme = db.exec(select(Theme).where(Theme.workshop_id == live)).one()
            review = db.exec(select(SummaryReview).where(SummaryReview.workshop_id == live)).one()
            comment = db.exec(
                select(SummaryComment).where(SummaryComment.review_id == review.id)
            ).one()
            term = db.exec(select(SummaryTerm).where(SummaryTerm.workshop_id == live)).one()
            decision = db.exec(
                select(SummaryDecision).where(SummaryDecision.workshop_id == live)
            ).one()
            read = {
                ("participant", "display_name"): person.display_name,
                ("participant", "affiliation"): person.affiliation,
                ("proposal", "text"): proposal.text,
                ("proposal", "hide_reason"): proposal.hide_reason,
                ("proposal", "attribution"): proposal.attribution,
                ("theme", "name"): theme.name,
                ("summary_comment", "body"): comment.body,
                ("summary_term", "term"): term.term,
                ("summary_decision", "reason"): decision.reason,
                ("summary_review", "release_override"): review.release_override,
            }
            assert read == TEXTS
            # the widened columns take a full-length value in ciphertext (PostgreSQL checks)
            proposal.text = "ж" * 2000
            person.display_name = "ж" * 120
            db.add_all([proposal, person])
            db.commit()
    finally:
        database.dispose()


def test_downgrade_restores_the_plaintext(old_url: str) -> None:
    settings = Settings(env="test", database_url=old_url)
    live = _seed_plaintext(old_url, settings, archived=False)["workshop"]
    upgrade(old_url, settings)
    config = alembic_config(old_url, settings)
    command.downgrade(config, "0001")
    database = Database(settings)
    try:
        assert _stored(database, live) == TEXTS
    finally:
        database.dispose()
