"""Migration 0177 encrypts the survey answers that 0175/0176 stored as JSON in the clear,
reads back as the app writes them, empties those of a workshop whose key is gone, and its
downgrade restores the JSON."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from app.config import Settings
from app.db import Database, make_engine
from app.evaluation.models import Survey, SurveyResponse
from app.migrate import alembic_config, upgrade
from app.security import crypto, keys
from app.workshops.models import Workshop, WorkshopKey
from tests.datasafety.test_migrate_encrypt import _insert
from tests.migrated import database_at

BEFORE = "0176"
ANSWERS = {"item-one": 4, "item-two": 2}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each engine, migrated to the revision before 0177."""
    yield from database_at(request.param, tmp_path, BEFORE)


def _seed(url: str, settings: Settings, *, keyed: bool) -> str:
    """A workshop's survey with two answer sets stored in the clear, as 0175 wrote them."""
    workshop = Workshop(title="Qarsh", status="live" if keyed else "archived")
    survey = Survey(workshop_id=workshop.id)
    rows: list[object] = [workshop, survey]
    if keyed:
        wrapped = keys.wrap(settings, workshop.id, keys.new_workshop_key())
        rows.append(WorkshopKey(workshop_id=workshop.id, wrapped=wrapped))
    for moment in ("pre", "post"):
        rows.append(
            SurveyResponse(
                workshop_id=workshop.id,
                survey_id=survey.id,
                moment=moment,
                pairing_tag=secrets.token_hex(32),
                answers=json.dumps(ANSWERS, sort_keys=True),
            )
        )
    engine = make_engine(url)
    with engine.begin() as conn:
        _insert(conn, *rows)  # type: ignore[arg-type]
    engine.dispose()
    return workshop.id


def _stored(database: Database, workshop_id: str) -> list[str]:
    with database.session() as db:
        sql = "SELECT answers FROM survey_response WHERE workshop_id = :w"
        return list(db.connection().execute(text(sql), {"w": workshop_id}).scalars())


def test_upgrade_encrypts_the_answers_padded_and_they_read_back(old_url: str) -> None:
    settings = Settings(env="test", database_url=old_url)
    live = _seed(old_url, settings, keyed=True)
    gone = _seed(old_url, settings, keyed=False)

    upgrade(old_url, settings)

    database = Database(settings)
    try:
        stored = _stored(database, live)
        assert len(stored) == 2
        assert all(crypto.is_encrypted(v) and "item-one" not in v for v in stored)
        assert len({len(v) for v in stored}) == 1  # padded: one length whatever the answers
        with database.session() as db:
            rows = db.exec(select(SurveyResponse).where(SurveyResponse.workshop_id == live))
            assert [json.loads(r.answers) for r in rows] == [ANSWERS, ANSWERS]
        assert _stored(database, gone) == ["", ""]  # no key: nothing is kept in the clear
    finally:
        database.dispose()


def test_downgrade_restores_the_json(old_url: str) -> None:
    settings = Settings(env="test", database_url=old_url)
    live = _seed(old_url, settings, keyed=True)
    upgrade(old_url, settings)
    command.downgrade(alembic_config(old_url, settings), BEFORE)
    database = Database(settings)
    try:
        assert [json.loads(v) for v in _stored(database, live)] == [ANSWERS, ANSWERS]
    finally:
        database.dispose()
