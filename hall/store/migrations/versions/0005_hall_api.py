"""The hall API: case steps per department, help requests, appointments, who served a ticket.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("promised", sa.Text))  # 承诺时限: YYYY-MM-DD
        batch.add_column(sa.Column("assisted", sa.Integer, nullable=False,
                                   server_default=sa.text("0")))  # 帮办代办
        batch.add_column(sa.Column("delivery_tracking", sa.Text))  # EMS number, by mail
        batch.add_column(sa.Column("accepted_by", sa.Text))
        batch.add_column(sa.Column("note", sa.Text))  # sealed free text
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("served_by", sa.Text))  # the account that called it
    op.create_table(
        "case_steps",
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("matter", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("due", sa.Text),
        sa.Column("decided_ms", sa.BigInteger),
        sa.PrimaryKeyConstraint("case_id", "step"),
    )
    op.create_table(
        "help_requests",
        sa.Column("request_id", sa.Text, primary_key=True),
        sa.Column("terminal_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ticket_id", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("requested_ms", sa.BigInteger, nullable=False),
        sa.Column("answered_by", sa.Text),
        sa.Column("answered_ms", sa.BigInteger),
    )
    op.create_table(
        "appointments",
        sa.Column("appointment_id", sa.Text, primary_key=True),
        sa.Column("service_id", sa.Text, nullable=False),
        sa.Column("slot_ms", sa.BigInteger, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("holder_key", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("ticket_id", sa.Text),
    )
    op.create_index("ix_appointments_holder", "appointments", ["holder_key", "day"])


def downgrade() -> None:
    op.drop_index("ix_appointments_holder", "appointments")
    for table in ("appointments", "help_requests", "case_steps"):
        op.drop_table(table)
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("served_by")
    with op.batch_alter_table("cases") as batch:
        for column in ("note", "accepted_by", "delivery_tracking", "assisted", "promised"):
            batch.drop_column(column)
