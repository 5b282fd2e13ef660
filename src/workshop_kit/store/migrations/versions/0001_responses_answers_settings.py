"""The responses, their answers, and the settings of the store.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission", sa.String(64), nullable=False),
        sa.Column("kit", sa.String(200), nullable=False),
        sa.Column("deck", sa.String(200), nullable=False),
        sa.Column("card", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_consent", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column("contact_phone", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_responses"),
        sa.UniqueConstraint("submission", name="uq_responses_submission"),
    )
    op.create_index("ix_responses_kit_deck_card", "responses", ["kit", "deck", "card"])
    op.create_index("ix_responses_received_at", "responses", ["received_at"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE",
                                name="fk_answers_response_id_responses"),
    )
    op.create_index("ix_answers_response_id", "answers", ["response_id"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_index("ix_answers_response_id", table_name="answers")
    op.drop_table("answers")
    op.drop_index("ix_responses_received_at", table_name="responses")
    op.drop_index("ix_responses_kit_deck_card", table_name="responses")
    op.drop_table("responses")
