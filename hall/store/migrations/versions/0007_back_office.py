"""The back office (issue 23): a part's life, department accounts.

case_steps gains when its department signed for it (签收), when a 补正 was asked (the clock stops
until the window hands it in), its sealed note (the reasons of 不予许可 or what to correct) and
the catalog materials a 补正 asks for; an index serves each department's 待审批 list. Accounts
gain the department an account acts for (role `department`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = "status IN ('pending', 'received', 'corrected')"


def upgrade() -> None:
    with op.batch_alter_table("case_steps") as batch:
        batch.add_column(sa.Column("received_ms", sa.BigInteger))
        batch.add_column(sa.Column("correction_ms", sa.BigInteger))
        batch.add_column(sa.Column("note", sa.Text))
        batch.add_column(sa.Column("bring", sa.Text))
    op.create_index("ix_case_steps_open", "case_steps", ["department", "due"],
                    sqlite_where=sa.text(OPEN))
    op.execute("ALTER TABLE accounts ADD COLUMN department TEXT")


def downgrade() -> None:
    op.drop_index("ix_case_steps_open", "case_steps")
    with op.batch_alter_table("case_steps") as batch:
        for column in ("bring", "note", "correction_ms", "received_ms"):
            batch.drop_column(column)
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("department")
