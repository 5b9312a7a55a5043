"""images: media, their variants, hash lists; media info and veil on messages

Revision ID: media01
Revises: staff02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "media01"
down_revision = "staff02"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("explicit", sa.Boolean(), nullable=False),
        sa.Column("nudity_score", sa.Float(), nullable=False),
        sa.Column("nudity_labels", sa.JSON(), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("pdq", sa.String(length=64), nullable=False),
        sa.Column("pdq_quality", sa.Integer(), nullable=False),
        sa.Column("md5", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_media_created", "media", ["created_at"])
    op.create_table(
        "media_blobs",
        sa.Column("media_id", sa.String(length=32), nullable=False),
        sa.Column("variant", sa.String(length=8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("media_id", "variant"),
    )
    op.create_table(
        "hash_lists",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "hash_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_hash_entries", "hash_entries", ["list_name", "kind", "value"], unique=True)
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("media_info", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("veiled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_messages_media", "messages", ["media_id"])


def downgrade() -> None:
    op.drop_index("ix_messages_media", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("veiled")
        batch.drop_column("media_info")
    op.drop_index("ux_hash_entries", table_name="hash_entries")
    op.drop_table("hash_entries")
    op.drop_table("hash_lists")
    op.drop_table("media_blobs")
    op.drop_index("ix_media_created", table_name="media")
    op.drop_table("media")
