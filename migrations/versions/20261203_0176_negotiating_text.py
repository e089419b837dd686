"""the single negotiating text: versions in numbered paragraphs, marks per paragraph and
their party tallies, critiques (proposals of the text item) bound to their paragraph; and
workshops in rounds: a series id and round number, and what a round carries forward

Revision ID: 0176
Revises: 0175
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0176"
down_revision: str | Sequence[str] | None = "0175"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
NO_ROWID = {"sqlite_with_rowid": False}


def upgrade() -> None:
    with op.batch_alter_table("workshop") as batch:
        batch.add_column(sa.Column("series_id", S(length=32), nullable=True))
        batch.add_column(
            sa.Column("round_number", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_index("ix_workshop_series_id", "workshop", ["series_id"])
    op.create_table(
        "round_context",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("previous_title", S(length=200), nullable=False),
        sa.Column("summary", S(), nullable=False),
        sa.Column("open_questions", S(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workshop_id"),
    )
    op.create_table(
        "ntext_version",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("item_id", S(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["agenda_item.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ntext_version_workshop_id", "ntext_version", ["workshop_id"])
    op.create_index("ix_ntext_version_item_id", "ntext_version", ["item_id"])
    op.create_table(
        "ntext_paragraph",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("version_id", S(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("lang", S(length=16), nullable=False),
        sa.Column("text", S(length=21700), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["ntext_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ntext_paragraph_workshop_id", "ntext_paragraph", ["workshop_id"])
    op.create_index("ix_ntext_paragraph_version_id", "ntext_paragraph", ["version_id"])
    op.create_table(
        "ntext_critique",
        sa.Column("proposal_id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("paragraph_id", S(length=32), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["paragraph_id"], ["ntext_paragraph.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("proposal_id"),
        **NO_ROWID,
    )
    op.create_index("ix_ntext_critique_workshop_id", "ntext_critique", ["workshop_id"])
    op.create_index("ix_ntext_critique_paragraph_id", "ntext_critique", ["paragraph_id"])
    op.create_table(
        "ntext_mark",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("paragraph_id", S(length=32), nullable=False),
        sa.Column("author_tag", S(length=64), nullable=True),
        sa.Column("value", S(length=16), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["paragraph_id"], ["ntext_paragraph.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("author_tag"),
        **NO_ROWID,
    )
    op.create_index("ix_ntext_mark_workshop_id", "ntext_mark", ["workshop_id"])
    op.create_index("ix_ntext_mark_paragraph_id", "ntext_mark", ["paragraph_id"])
    op.create_table(
        "ntext_mark_tally",
        sa.Column("paragraph_id", S(length=32), nullable=False),
        sa.Column("party_id", S(length=32), nullable=False),
        sa.Column("value", S(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["paragraph_id"], ["ntext_paragraph.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("paragraph_id", "party_id", "value"),
        **NO_ROWID,
    )


def downgrade() -> None:
    op.drop_table("round_context")
    op.drop_index("ix_workshop_series_id", table_name="workshop")
    with op.batch_alter_table("workshop") as batch:
        batch.drop_column("round_number")
        batch.drop_column("series_id")
    op.drop_table("ntext_mark_tally")
    op.drop_index("ix_ntext_mark_paragraph_id", table_name="ntext_mark")
    op.drop_index("ix_ntext_mark_workshop_id", table_name="ntext_mark")
    op.drop_table("ntext_mark")
    op.drop_index("ix_ntext_critique_paragraph_id", table_name="ntext_critique")
    op.drop_index("ix_ntext_critique_workshop_id", table_name="ntext_critique")
    op.drop_table("ntext_critique")
    op.drop_index("ix_ntext_paragraph_version_id", table_name="ntext_paragraph")
    op.drop_index("ix_ntext_paragraph_workshop_id", table_name="ntext_paragraph")
    op.drop_table("ntext_paragraph")
    op.drop_index("ix_ntext_version_item_id", table_name="ntext_version")
    op.drop_index("ix_ntext_version_workshop_id", table_name="ntext_version")
    op.drop_table("ntext_version")
