"""The free-text answers the facilitator approved for the live screen.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approved_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name="fk_approved_answers_answer_id_answers",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_approved_answers"),
        sa.UniqueConstraint("answer_id", name="uq_approved_answers_answer_id"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("approved_answers")
