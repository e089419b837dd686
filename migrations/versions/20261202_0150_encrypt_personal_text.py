"""encrypt personal and contributed text under the workshop key

Widens the columns to hold AES-GCM ciphertext (app.security.crypto.encrypted_length of four
UTF-8 bytes per character) and encrypts every plaintext value already stored, exactly as
app.security.at_rest writes new ones (same associated data: table, row id, column). Values of
an archived workshop (whose key is gone) cannot be encrypted: they are emptied instead, which
is what archive now leaves. The master key comes from the Settings passed to
app.migrate.upgrade (else from the environment, like the server's).

Revision ID: 0150
Revises: 0010
Create Date: 2026-12-02 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import context, op

from app.config import Settings, get_settings
from app.security import crypto, keys

revision: str = "0150"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> [(column, plaintext length, ciphertext length, nullable)]
COLUMNS: dict[str, list[tuple[str, int, int, bool]]] = {
    "participant": [("display_name", 120, 700, True), ("affiliation", 200, 1120, True)],
    "proposal": [
        ("text", 2000, 10800, False),
        ("hide_reason", 500, 2720, False),
        ("attribution", 200, 1120, True),
    ],
    "theme": [("name", 120, 700, False)],
    "summary_comment": [("body", 2000, 10800, False)],
    "summary_term": [("term", 200, 1120, False)],
    "summary_decision": [("reason", 500, 2720, False)],
    "summary_review": [("release_override", 500, 2720, False)],
}
# how to find each row's workshop
WORKSHOP = {
    "summary_comment": (
        "SELECT c.id, r.workshop_id FROM summary_comment c "
        "JOIN summary_review r ON r.id = c.review_id"
    )
}


def _settings() -> Settings:
    given = context.config.attributes.get("settings")
    return given if isinstance(given, Settings) else get_settings()


def _resize(table: str, wide: bool) -> None:
    with op.batch_alter_table(table) as batch:
        for column, plain, cipher, nullable in COLUMNS[table]:
            old, new = (plain, cipher) if wide else (cipher, plain)
            batch.alter_column(
                column,
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=old),
                type_=sqlmodel.sql.sqltypes.AutoString(length=new),
                existing_nullable=nullable,
            )


def _keys(conn: sa.Connection) -> dict[str, bytes]:
    settings = _settings()
    rows = conn.execute(sa.text("SELECT workshop_id, wrapped FROM workshop_key")).all()
    return {wid: keys.unwrap(settings, wid, bytes(wrapped)) for wid, wrapped in rows}


def _rows(conn: sa.Connection, table: str) -> list[tuple[str, str, dict[str, str | None]]]:
    columns = [c for c, *_ in COLUMNS[table]]
    owner_sql = WORKSHOP.get(table, f"SELECT id, workshop_id FROM {table}")
    owners = dict(conn.execute(sa.text(owner_sql)).all())
    listed = ", ".join(columns)
    out = []
    for row in conn.execute(sa.text(f"SELECT id, {listed} FROM {table}")).all():
        out.append((row[0], owners[row[0]], dict(zip(columns, row[1:], strict=True))))
    return out


def _rewrite(conn: sa.Connection, encrypt: bool) -> None:
    data_keys = _keys(conn)
    for table in COLUMNS:
        for row_id, workshop_id, values in _rows(conn, table):
            key = data_keys.get(workshop_id)
            changes: dict[str, str] = {}
            for column, value in values.items():
                if value is None:
                    continue
                if encrypt and not crypto.is_encrypted(value):
                    changes[column] = (
                        ""
                        if key is None
                        else crypto.encrypt_text(key, table, row_id, column, value)
                    )
                elif not encrypt and crypto.is_encrypted(value):
                    changes[column] = (
                        ""
                        if key is None
                        else crypto.decrypt_text(key, table, row_id, column, value)
                    )
            if changes:
                sets = ", ".join(f"{c} = :{c}" for c in changes)
                conn.execute(
                    sa.text(f"UPDATE {table} SET {sets} WHERE id = :row_id"),
                    {**changes, "row_id": row_id},
                )


def upgrade() -> None:
    for table in COLUMNS:
        _resize(table, wide=True)
    _rewrite(op.get_bind(), encrypt=True)


def downgrade() -> None:
    _rewrite(op.get_bind(), encrypt=False)
    for table in COLUMNS:
        _resize(table, wide=False)
