"""Queue indexes (keyset paging worst first, open count per queue, closed cases newest
first), notices by case, the e-mail delivery of a notice's decision, and the state of a
message before the decision that took it (so that undoing gives back only that).

Revision ID: staff03
Revises: flood01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "staff03"
down_revision = "flood01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The open queue is read in (severity, opened_at, id) order, a page at a time after a
    # cursor: the id makes the order total, so the index alone answers each page.
    op.drop_index("ix_cases_queue", table_name="cases")
    op.create_index("ix_cases_queue", "cases", ["state", "severity", "opened_at", "id"])
    # The open count of a queue (child-safety categories hidden) from the index alone.
    op.create_index("ix_cases_state_category", "cases", ["state", "category"])
    op.create_index("ix_cases_closed", "cases", ["state", "closed_at"])
    op.create_index("ix_notices_case", "notices", ["case_id"])
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("emailed_at", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("email_attempts", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("sanctions") as batch:
        batch.add_column(sa.Column("message_state_before", sa.String(12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sanctions") as batch:
        batch.drop_column("message_state_before")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("email_attempts")
        batch.drop_column("emailed_at")
    op.drop_index("ix_notices_case", table_name="notices")
    op.drop_index("ix_cases_closed", table_name="cases")
    op.drop_index("ix_cases_state_category", table_name="cases")
    op.drop_index("ix_cases_queue", table_name="cases")
    op.create_index("ix_cases_queue", "cases", ["state", "severity", "opened_at"])
