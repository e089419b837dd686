"""sign-offs, comments and the release record the fingerprint of the draft; a kept name or
affiliation records who kept it and who approved it

Revision ID: 0170
Revises: 0153
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0170"
down_revision: str | Sequence[str] | None = "0153"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FP = sqlmodel.sql.sqltypes.AutoString(length=64)
ID = sqlmodel.sql.sqltypes.AutoString(length=32)


def upgrade() -> None:
    for table in ("summary_signoff", "summary_comment"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("fingerprint", FP, nullable=False, server_default=""))
    with op.batch_alter_table("summary_review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("released_fingerprint", FP, nullable=False, server_default="")
        )
    with op.batch_alter_table("summary_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_by", ID, nullable=True))
        batch_op.add_column(sa.Column("approved_by", ID, nullable=True))
    # Tallies from before carry no fingerprint: they count for no current draft.
    op.drop_table("summary_signoff_tally")
    _create_tally(with_fingerprint=True)


def downgrade() -> None:
    op.drop_table("summary_signoff_tally")
    _create_tally(with_fingerprint=False)
    with op.batch_alter_table("summary_review", schema=None) as batch_op:
        batch_op.drop_column("released_fingerprint")
    with op.batch_alter_table("summary_decision", schema=None) as batch_op:
        batch_op.drop_column("approved_by")
        batch_op.drop_column("kept_by")
    for table in ("summary_comment", "summary_signoff"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("fingerprint")


def _create_tally(*, with_fingerprint: bool) -> None:
    key = ["review_id", "fingerprint", "party_id"] if with_fingerprint else ["review_id", "party_id"]
    columns = [
        sa.Column("review_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("party_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    ]
    if with_fingerprint:
        columns.insert(1, sa.Column("fingerprint", FP, nullable=False))
    op.create_table(
        "summary_signoff_tally",
        *columns,
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["summary_review.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*key),
        sqlite_with_rowid=False,  # contribution tables keep no submission order (app/db_order.py)
    )
