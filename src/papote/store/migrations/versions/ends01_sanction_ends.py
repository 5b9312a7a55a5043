"""When a temporary sanction's end was told to the person (``sanctions.ended_at``), so
that one node tells it once; an index on ``until`` for the sweep that finds the ends.

Revision ID: ends01
Revises: mail01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ends01"
down_revision = "mail01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sanctions", sa.Column("ended_at", sa.BigInteger(), nullable=True))
    op.create_index("ix_sanctions_until", "sanctions", ["until"])


def downgrade() -> None:
    op.drop_index("ix_sanctions_until", table_name="sanctions")
    op.drop_column("sanctions", "ended_at")
