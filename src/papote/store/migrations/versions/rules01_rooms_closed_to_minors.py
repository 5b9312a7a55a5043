"""rooms closed to possible minors (dating, rooms for older adults, adult rooms)

Revision ID: rules01
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "rules01"
down_revision = "0002"
branch_labels = None
depends_on = None

# the seeded rooms that were already closed to minors in spirit (reference/rooms.yaml)
_CLOSED = ("rencontres", "30-40", "50-plus", "adultes")


def upgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(
            sa.Column("closed_to_minors", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    rooms = sa.table(
        "rooms",
        sa.column("id", sa.String),
        sa.column("adult", sa.Boolean),
        sa.column("closed_to_minors", sa.Boolean),
    )
    op.execute(
        rooms.update()
        .where(sa.or_(rooms.c.id.in_(_CLOSED), rooms.c.adult == sa.true()))
        .values(closed_to_minors=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("closed_to_minors")
