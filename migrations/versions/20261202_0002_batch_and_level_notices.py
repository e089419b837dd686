"""batch and level notices; pending proposals listed for staff in groups

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("small_batch", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("level_was", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_column("listed")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_column("level_was")
        batch_op.drop_column("small_batch")
