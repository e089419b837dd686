"""sign-offs of a negotiating text's version in force: one per author tag with the version's
fingerprint, and their tally per text item, fingerprint and party (the only place a party
meets a sign-off)

Revision ID: 0179
Revises: 0178
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0179"
down_revision: str | Sequence[str] | None = "0178"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
NO_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    op.create_table(
        "ntext_signoff",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("item_id", S(length=32), nullable=False),
        sa.Column("author_tag", S(length=64), nullable=False),
        sa.Column("fingerprint", S(length=64), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_item.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("author_tag"),
        **NO_ROWID,
    )
    op.create_index("ix_ntext_signoff_workshop_id", "ntext_signoff", ["workshop_id"])
    op.create_index("ix_ntext_signoff_item_id", "ntext_signoff", ["item_id"])
    op.create_table(
        "ntext_signoff_tally",
        sa.Column("item_id", S(length=32), nullable=False),
        sa.Column("fingerprint", S(length=64), nullable=False),
        sa.Column("party_id", S(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "fingerprint", "party_id"),
        **NO_ROWID,
    )


def downgrade() -> None:
    op.drop_table("ntext_signoff_tally")
    op.drop_index("ix_ntext_signoff_item_id", table_name="ntext_signoff")
    op.drop_index("ix_ntext_signoff_workshop_id", table_name="ntext_signoff")
    op.drop_table("ntext_signoff")
