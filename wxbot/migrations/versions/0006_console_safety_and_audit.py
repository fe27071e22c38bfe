"""staff session versions (a password change ends the other sessions) and the audit log

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=40), nullable=False),
        sa.Column("record_label", sa.String(length=200), nullable=False),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log") as batch:
        for column in ("day", "actor", "table_name", "record_id"):
            batch.create_index(f"ix_audit_log_{column}", [column], unique=False)


def downgrade() -> None:
    op.drop_table("audit_log")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("session_version")
