"""how each item's penalty clause ties the fine to correcting, and the clause itself

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("fine_structure", "fine_condition", "penalty_quote")


def upgrade() -> None:
    with op.batch_alter_table("no_penalty_items") as batch:
        batch.add_column(
            sa.Column("fine_structure", sa.String(30), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("fine_condition", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("penalty_quote", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("no_penalty_items") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
