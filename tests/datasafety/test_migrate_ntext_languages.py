"""Migration 0180 keeps every negotiating text written in one language (0176's shape) as the
original of the new shape, readable and with its marks, ready for other languages; going down
again keeps the originals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import MetaData, Table, text
from sqlmodel import SQLModel, select

from app.agenda.models import AgendaItem, Meeting
from app.config import Settings
from app.db import Database, make_engine
from app.migrate import alembic_config, upgrade
from app.ntext.models import ParagraphText, TextMark, TextParagraph, TextVersion
from app.security import crypto, keys
from app.workshops.models import Workshop, WorkshopKey

PARAGRAPHS = ["המים יחולקו בין הצדדים.", "ועדה משותפת תחליט."]


def _insert(conn: Any, *rows: SQLModel) -> None:
    """Insert rows as the schema at 0177 has them."""
    for row in rows:
        table = Table(str(row.__tablename__), MetaData(), autoload_with=conn)
        values = {k: v for k, v in row.model_dump().items() if v is not None and k in table.c}
        conn.execute(table.insert().values(**values))


def _seed_at_0177(url: str, settings: Settings) -> dict[str, Any]:
    """A workshop with a published one-language text and a mark, written as 0177 stores it."""
    command.upgrade(alembic_config(url, settings), "0177")
    workshop = Workshop(title="Qarsh", status="live", languages="he,en")
    key = keys.new_workshop_key()
    meeting = Meeting(workshop_id=workshop.id, title="Round two")
    item = AgendaItem(workshop_id=workshop.id, meeting_id=meeting.id, title="Text", kind="text")
    version = TextVersion(workshop_id=workshop.id, item_id=item.id, number=1)
    rows: list[SQLModel] = [
        workshop,
        WorkshopKey(workshop_id=workshop.id, wrapped=keys.wrap(settings, workshop.id, key)),
        meeting,
        item,
        version,
    ]
    ids = []
    for number, plain in enumerate(PARAGRAPHS, start=1):
        paragraph = TextParagraph(
            workshop_id=workshop.id, version_id=version.id, number=number, lang="he", text=""
        )
        paragraph.text = crypto.encrypt_text(key, "ntext_paragraph", paragraph.id, "text", plain)
        rows.append(paragraph)
        ids.append(paragraph.id)
    rows.append(TextMark(workshop_id=workshop.id, paragraph_id=ids[0], value="agree"))
    engine = make_engine(url)
    with engine.begin() as conn:
        _insert(conn, *rows)
        conn.execute(text("UPDATE ntext_version SET published_on = '2026-12-03'"))
    engine.dispose()
    return {"workshop": workshop.id, "paragraphs": ids}


def _originals(database: Database, workshop_id: str) -> list[tuple[str, int, str, str]]:
    with database.session() as db:
        rows = db.exec(select(TextParagraph).where(TextParagraph.workshop_id == workshop_id))
        return sorted((r.id, r.number, r.lang, r.text) for r in rows)


def test_upgrade_keeps_one_language_texts_as_the_original(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ntext.db'}"
    settings = Settings(env="test", database_url=url)
    seeded = _seed_at_0177(url, settings)
    expected = sorted(
        (pid, n, "he", plain)
        for n, (pid, plain) in enumerate(zip(seeded["paragraphs"], PARAGRAPHS, strict=True), 1)
    )

    upgrade(url, settings)

    database = Database(settings)
    try:
        assert _originals(database, seeded["workshop"]) == expected  # nothing lost
        with database.transaction() as db:
            assert list(db.exec(select(ParagraphText))) == []  # no other language yet
            (marked,) = db.exec(select(TextMark))
            assert marked.paragraph_id == seeded["paragraphs"][0]  # marks stay on the paragraph
            db.add(
                ParagraphText(
                    workshop_id=seeded["workshop"],
                    paragraph_id=seeded["paragraphs"][0],
                    lang="en",
                    text="The water is shared.",
                )
            )
        with database.session() as db:
            (added,) = db.exec(select(ParagraphText))
            assert added.text == "The water is shared."  # encrypted and read back
            raw = db.connection().execute(text("SELECT text FROM ntext_paragraph_text"))
            assert crypto.is_encrypted(raw.scalar_one())
    finally:
        database.dispose()

    command.downgrade(alembic_config(url, settings), "0177")
    database = Database(settings)
    try:
        assert _originals(database, seeded["workshop"]) == expected  # the originals stay
    finally:
        database.dispose()
