"""proposal tags numbered per author: a participant finds their own proposals by their tags

A new workshop tags its proposals HMAC(key, secret | "proposal-seq" | workshop | n)
(app/security/keys.py), so "mine" is a lookup of the author's first tags instead of an HMAC
per pending row. Tags already stored bind the row id and cannot be renumbered without the
participants' secrets: a workshop that has proposals keeps the old per-id tags ("legacy").
Withdrawn proposals leave their tag in proposal_tombstone, so a numbering has no hole; the
unique index on proposal.author_tag makes two racing submissions take different numbers.

Revision ID: 0178
Revises: 0177
Create Date: 2026-12-04 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0178"
down_revision: str | Sequence[str] | None = "0177"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
NO_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(
            sa.Column("proposal_tags", S(length=16), nullable=False, server_default="sequence")
        )
    op.execute(
        "UPDATE workshop SET proposal_tags = 'legacy' "
        "WHERE id IN (SELECT workshop_id FROM proposal)"
    )
    op.create_table(
        "proposal_tombstone",
        sa.Column("author_tag", S(length=64), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("author_tag"),
        **NO_ROWID,
    )
    op.create_index("ix_proposal_tombstone_workshop_id", "proposal_tombstone", ["workshop_id"])
    op.create_index("ix_proposal_author_tag", "proposal", ["author_tag"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_proposal_author_tag", table_name="proposal")
    op.drop_index("ix_proposal_tombstone_workshop_id", table_name="proposal_tombstone")
    op.drop_table("proposal_tombstone")
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("proposal_tags")
