"""sessions per browser: a keyed hash of the browser's entry cookie on live sessions

Revision ID: flood01
Revises: media01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "flood01"
down_revision = "media01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("browser_hash", sa.String(length=64), nullable=False, server_default=""),
    )
    op.create_index("ix_users_browser_hash", "users", ["browser_hash"])


def downgrade() -> None:
    op.drop_index("ix_users_browser_hash", table_name="users")
    op.drop_column("users", "browser_hash")
