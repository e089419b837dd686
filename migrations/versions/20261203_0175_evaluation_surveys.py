"""attitude surveys: statements and questions, answers paired by a tag (no participant, party or time),
per-party tallies and published results; the transfer log (survives archive)

Revision ID: 0175
Revises: 0174
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0175"
down_revision: str | Sequence[str] | None = "0174"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "survey",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("pre_state", S(length=16), nullable=False),
        sa.Column("post_state", S(length=16), nullable=False),
        sa.Column("follow_up_state", S(length=16), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workshop_id"),
    )
    op.create_table(
        "survey_item",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("survey_id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("prompt", S(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", S(length=8), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_survey_item_survey_id", "survey_item", ["survey_id"])
    op.create_index("ix_survey_item_workshop_id", "survey_item", ["workshop_id"])
    op.create_table(
        "survey_text",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("item_id", S(length=32), nullable=False),
        sa.Column("moment", S(length=16), nullable=False),
        sa.Column("text", S(length=10800), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["survey_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_survey_text_item_id", "survey_text", ["item_id"])
    op.create_index("ix_survey_text_workshop_id", "survey_text", ["workshop_id"])
    op.create_table(
        "survey_response",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("survey_id", S(length=32), nullable=False),
        sa.Column("moment", S(length=16), nullable=False),
        sa.Column("pairing_tag", S(length=64), nullable=False),
        sa.Column("answers", S(length=4000), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "moment", "pairing_tag"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_survey_response_survey_id", "survey_response", ["survey_id"])
    op.create_index("ix_survey_response_workshop_id", "survey_response", ["workshop_id"])
    for name, column in (("survey_tally", "moment"), ("survey_change_tally", "span")):
        value = "value" if column == "moment" else "delta"
        op.create_table(
            name,
            sa.Column("item_id", S(length=32), nullable=False),
            sa.Column("party_id", S(length=32), nullable=False),
            sa.Column(column, S(length=16), nullable=False),
            sa.Column(value, sa.Integer(), nullable=False),
            sa.Column("workshop_id", S(length=32), nullable=False),
            sa.Column("count", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["item_id"], ["survey_item.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["party_id"], ["party.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("item_id", "party_id", column, value),
            sqlite_with_rowid=False,
        )
        op.create_index(f"ix_{name}_workshop_id", name, ["workshop_id"])
    op.create_table(
        "survey_results",
        sa.Column("survey_id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("payload", S(), nullable=False),
        sa.Column("counts", S(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id"),
    )
    op.create_index("ix_survey_results_workshop_id", "survey_results", ["workshop_id"])
    op.create_table(
        "transfer_entry",
        sa.Column("id", S(length=32), nullable=False),
        sa.Column("workshop_id", S(length=32), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("item_title", S(length=300), nullable=False),
        sa.Column("destination", S(length=300), nullable=False),
        sa.Column("briefed_on", sa.Date(), nullable=False),
        sa.Column("by_user_id", S(length=32), nullable=True),
        sa.Column("outcome", S(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["by_user_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transfer_entry_workshop_id", "transfer_entry", ["workshop_id"])


def downgrade() -> None:
    op.drop_index("ix_transfer_entry_workshop_id", table_name="transfer_entry")
    op.drop_table("transfer_entry")
    op.drop_index("ix_survey_results_workshop_id", table_name="survey_results")
    op.drop_table("survey_results")
    for name in ("survey_change_tally", "survey_tally"):
        op.drop_index(f"ix_{name}_workshop_id", table_name=name)
        op.drop_table(name)
    op.drop_index("ix_survey_response_workshop_id", table_name="survey_response")
    op.drop_index("ix_survey_response_survey_id", table_name="survey_response")
    op.drop_table("survey_response")
    op.drop_index("ix_survey_text_workshop_id", table_name="survey_text")
    op.drop_index("ix_survey_text_item_id", table_name="survey_text")
    op.drop_table("survey_text")
    op.drop_index("ix_survey_item_workshop_id", table_name="survey_item")
    op.drop_index("ix_survey_item_survey_id", table_name="survey_item")
    op.drop_table("survey_item")
    op.drop_table("survey")
