"""a negotiating text in several languages: each paragraph keeps its version's original (its
text and language, as before) and may have its text in each other workshop language, aligned
by number, so marks and critiques stay on the paragraph

A version written under 0176 is one language only: its paragraphs are already the original of
the new shape (their text, still encrypted with the paragraph's table, row and column as
associated data, and their language are kept as they are), with no other language yet.
Downgrading drops the other languages and keeps every original.

Revision ID: 0180
Revises: 0179
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0180"
down_revision: str | Sequence[str] | None = "0179"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "ntext_paragraph_text",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("paragraph_id", S(length=32), nullable=False),
        sa.Column("lang", S(length=16), nullable=False),
        sa.Column("text", S(length=21700), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["paragraph_id"], ["ntext_paragraph.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("paragraph_id", "lang", name="uq_ntext_paragraph_text"),
    )
    op.create_index("ix_ntext_paragraph_text_workshop_id", "ntext_paragraph_text", ["workshop_id"])
    op.create_index(
        "ix_ntext_paragraph_text_paragraph_id", "ntext_paragraph_text", ["paragraph_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_ntext_paragraph_text_paragraph_id", table_name="ntext_paragraph_text")
    op.drop_index("ix_ntext_paragraph_text_workshop_id", table_name="ntext_paragraph_text")
    op.drop_table("ntext_paragraph_text")
