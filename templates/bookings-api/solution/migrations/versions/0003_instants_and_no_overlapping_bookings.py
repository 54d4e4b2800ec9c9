"""Times become instants (timestamptz); PostgreSQL refuses overlapping live bookings.

The prototype stored wall-clock times without an offset, all meant as UTC. The exclusion
constraint needs btree_gist (for `room_id WITH =` in a GiST index): a trusted extension
since PostgreSQL 13, so the database's owner may create it without being a superuser. The
constraint's index also serves the overlap lookups, so the room's btree index goes.

If live bookings already overlap (the prototype allowed it), the upgrade stops on the
constraint: cancel the later bookings of each clash, then run it again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMES = ("start_at", "end_at", "created_at", "cancelled_at")
# [start, end) of two live bookings of one room may not share an instant.
NO_OVERLAP = """
    ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap
    EXCLUDE USING gist (room_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
    WHERE (cancelled_at IS NULL)
"""


def upgrade() -> None:
    for column in TIMES:
        op.alter_column(
            "bookings",
            column,
            type_=sa.DateTime(timezone=True),
            postgresql_using=f"{column} AT TIME ZONE 'UTC'",
        )
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(NO_OVERLAP)
    op.drop_index("ix_bookings_room_id_start_at", table_name="bookings")


def downgrade() -> None:
    # btree_gist stays: an extension belongs to the whole database, not to this schema.
    op.create_index("ix_bookings_room_id_start_at", "bookings", ["room_id", "start_at"])
    op.drop_constraint("ex_bookings_no_overlap", "bookings")
    for column in TIMES:
        op.alter_column(
            "bookings",
            column,
            type_=sa.DateTime(),
            postgresql_using=f"{column} AT TIME ZONE 'UTC'",
        )
