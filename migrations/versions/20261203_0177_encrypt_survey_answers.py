"""encrypt the numeric survey answers under the workshop key

survey_response.answers was JSON in the clear: a dump set it against the per-party tallies
(survey_tally, survey_change_tally) to tell a party's answers person by person, and it
outlived archive's key destruction in dead tuples, the WAL and backups. Every value already
stored is padded to one length and encrypted exactly as app.evaluation.service writes new
ones (table, row id, column as associated data). A row of an archived workshop (its key is
gone; archive deletes the rows) is emptied. The column (4000) already holds the ciphertext.

Revision ID: 0177
Revises: 0176
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from app.config import Settings, get_settings
from app.security import crypto, keys

revision: str = "0177"
down_revision: str | Sequence[str] | None = "0176"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE, COLUMN, PADDED = "survey_response", "answers", 1000


def _settings() -> Settings:
    given = context.config.attributes.get("settings")
    return given if isinstance(given, Settings) else get_settings()


def _rewrite(encrypt: bool) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, workshop_id, {COLUMN} FROM {TABLE}")).all()
    if not rows:
        return
    settings = _settings()
    wrapped = conn.execute(sa.text("SELECT workshop_id, wrapped FROM workshop_key")).all()
    data_keys = {wid: keys.unwrap(settings, wid, bytes(w)) for wid, w in wrapped}
    for row_id, workshop_id, value in rows:
        key = data_keys.get(workshop_id)
        if encrypt == crypto.is_encrypted(value):
            continue
        if key is None:
            new = "" if encrypt else "{}"
        elif encrypt:
            new = crypto.encrypt_text(key, TABLE, row_id, COLUMN, value.ljust(PADDED))
        else:
            new = crypto.decrypt_text(key, TABLE, row_id, COLUMN, value).strip()
        conn.execute(
            sa.text(f"UPDATE {TABLE} SET {COLUMN} = :new WHERE id = :row_id"),
            {"new": new, "row_id": row_id},
        )


def upgrade() -> None:
    _rewrite(encrypt=True)


def downgrade() -> None:
    _rewrite(encrypt=False)
