"""training phrases staff add from the conversations, and where an unanswered question came from

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_phrases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(60), nullable=False, index=True),
        sa.Column("source_event", sa.Integer(), nullable=True, index=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("updated_by", sa.String(80), nullable=False, server_default="seed"),
    )
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("source_event", sa.Integer(), nullable=True))
        batch.create_index("ix_unanswered_questions_source_event", ["source_event"])


def downgrade() -> None:
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.drop_index("ix_unanswered_questions_source_event")
        batch.drop_column("source_event")
    op.drop_table("training_phrases")
