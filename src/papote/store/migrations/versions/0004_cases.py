"""Moderation at work: cases and their log, sanctions, appeals, notices, browsers and
entry signals, outbox, connection log, legal holds, evidence packages, room states.

Revision ID: staff02
Revises: staff01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "staff02"
down_revision = "staff01"
branch_labels = None
depends_on = None

_TS = sa.BigInteger()


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("subject_kind", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("subject_user_id", sa.String(24), nullable=True),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("target_at", _TS, nullable=False),
        sa.Column("claimed_by", sa.String(40), nullable=True),
        sa.Column("claimed_at", _TS, nullable=True),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("decided_by", sa.String(40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_cases_queue", "cases", ["state", "severity", "opened_at"])
    op.create_index("ix_cases_subject", "cases", ["subject_kind", "subject_id", "state"])
    op.create_index("ix_cases_user", "cases", ["subject_user_id"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("ts", _TS, nullable=False),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])
    op.create_table(
        "sanctions",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("case_id", sa.String(24), nullable=True),
        sa.Column("user_id", sa.String(24), nullable=True),
        sa.Column("room_id", sa.String(40), nullable=True),
        sa.Column("message_id", sa.String(16), nullable=True),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("until", _TS, nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("sor", sa.JSON(), nullable=False),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(40), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.Column("revoked_by", sa.String(40), nullable=True),
    )
    op.create_index("ix_sanctions_user", "sanctions", ["user_id", "created_at"])
    op.create_index("ix_sanctions_created", "sanctions", ["created_at"])
    op.create_table(
        "session_browsers",
        sa.Column("user_id", sa.String(24), primary_key=True),
        sa.Column("browser_key", sa.String(64), nullable=False),
        sa.Column("device_key", sa.String(64), nullable=False),
        sa.Column("prefix_key", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_session_browsers_browser", "session_browsers", ["browser_key"])
    op.create_table(
        "entry_signals",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("until", _TS, nullable=False),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("sanction_id", sa.String(24), nullable=False),
        sa.Column("case_id", sa.String(24), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("decided_by", sa.String(40), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
    )
    op.create_index("ix_appeals_sanction", "appeals", ["sanction_id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("url_or_id", sa.String(500), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("trusted_flagger", sa.String(60), nullable=True),
        sa.Column("case_id", sa.String(24), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_at", _TS, nullable=True),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("frame", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_outbox_user", "outbox", ["user_id"])
    op.create_table(
        "connection_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ts", _TS, nullable=False),
        sa.Column("prefix_key", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
    )
    op.create_index("ix_connection_log_ts", "connection_log", ["ts"])
    op.create_table(
        "legal_holds",
        sa.Column("message_id", sa.String(16), primary_key=True),
        sa.Column("case_id", sa.String(24), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "evidence_packages",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("case_id", sa.String(24), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "room_states",
        sa.Column("room_id", sa.String(40), primary_key=True),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("slow_s", sa.Integer(), nullable=False),
        sa.Column("until", _TS, nullable=True),
        sa.Column("sanction_id", sa.String(24), nullable=False),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("case_id", sa.String(24), nullable=True))
        batch.add_column(sa.Column("weight", sa.Float(), nullable=False, server_default="1.0"))
        batch.create_index("ix_reports_reporter", ["reporter_id"])
        batch.create_index("ix_reports_case", ["case_id"])


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_index("ix_reports_case")
        batch.drop_index("ix_reports_reporter")
        batch.drop_column("weight")
        batch.drop_column("case_id")
    for table in (
        "room_states",
        "evidence_packages",
        "legal_holds",
        "connection_log",
        "outbox",
        "notices",
        "appeals",
        "entry_signals",
        "session_browsers",
        "sanctions",
        "case_events",
        "cases",
    ):
        op.drop_table(table)
