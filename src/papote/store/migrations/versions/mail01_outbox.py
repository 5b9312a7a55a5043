"""A durable outbox of e-mails (a notice's acknowledgement and decision), tried again
with a growing delay until the mail server takes them, across restarts.

Revision ID: mail01
Revises: staff03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "mail01"
down_revision = "staff03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("notice_id", sa.String(24), nullable=True),
        sa.Column("to_addr", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_try_at", sa.BigInteger(), nullable=False),
        sa.Column("leased_until", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["next_try_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
