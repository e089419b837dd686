"""contribution tables without rowid on SQLite (no submission order at rest)

Rebuilds the contribution tables as WITHOUT ROWID tables keyed by their random ids
(app/db_order.py), so that the file's order follows the random key, not the order of
submission. The copy keeps every row, index and foreign key (env.py turns foreign keys off
while tables are rebuilt). PostgreSQL has no rowid: nothing to do there.

Revision ID: 0151
Revises: 0150
Create Date: 2026-12-02 01:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0151"
down_revision: str | Sequence[str] | None = "0150"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# parents before children, as in app/db_order.py
TABLES = (
    "proposal",
    "reaction",
    "reaction_tally",
    "note",
    "summary_comment",
    "summary_signoff",
    "summary_signoff_tally",
)


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
