"""Cancelled bookings keep their row; the per-user listing gets its index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-16
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_bookings_user_id_start_at_id", ["user_id", "start_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index("ix_bookings_user_id_start_at_id")
        batch.drop_column("cancelled_at")
