"""The first tables: meta, the event log, and the queue, case and rating projections.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("pos", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Text, nullable=False, unique=True),
        sa.Column("hall_id", sa.Text, nullable=False),
        sa.Column("terminal_id", sa.Text, nullable=False),
        sa.Column("terminal_seq", sa.BigInteger, nullable=False),
        sa.Column("hlc", sa.BigInteger, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.UniqueConstraint("terminal_id", "terminal_seq", name="uq_events_terminal_seq"),
    )
    op.create_index("ix_events_hlc", "events", ["hlc"])
    op.create_table(
        "tickets",
        sa.Column("ticket_id", sa.Text, primary_key=True),
        sa.Column("hall_id", sa.Text, nullable=False),
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("service_id", sa.Text, nullable=False),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("urgent", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("issuing_terminal", sa.Text, nullable=False),
        sa.Column("issued_ms", sa.BigInteger, nullable=False),
        sa.Column("appointment_ms", sa.BigInteger),
        sa.Column("window", sa.Text),
        sa.Column("target_window", sa.Text),
        sa.Column("called_ms", sa.BigInteger),
        sa.Column("first_called_ms", sa.BigInteger),
        sa.Column("started_ms", sa.BigInteger),
        sa.Column("done_ms", sa.BigInteger),
        sa.Column("recalls", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("outcome_window", sa.Text),
        sa.UniqueConstraint("hall_id", "day", "series", "number", name="uq_tickets_number"),
    )
    op.create_index(
        "ix_tickets_waiting",
        "tickets",
        ["urgent", "issued_ms"],
        sqlite_where=sa.text("status = 'waiting'"),
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index(
        "ix_tickets_waiting_order",
        "tickets",
        ["issued_ms"],
        sqlite_where=sa.text("status = 'waiting'"),
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index("ix_tickets_day", "tickets", ["day", "service_id"])
    op.create_index("ix_tickets_window", "tickets", ["window", "status"])
    op.create_table(
        "number_counters",
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("next", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "series"),
    )
    op.create_table(
        "number_leases",
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("series", sa.Text, nullable=False),
        sa.Column("first", sa.Integer, nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.Column("next", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("day", "series", "first"),
    )
    op.create_table(
        "windows",
        sa.Column("window", sa.Text, primary_key=True),
        sa.Column("services", sa.Text, nullable=False),
        sa.Column("regular_streak", sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.Text, primary_key=True),
        sa.Column("case_number", sa.Text, nullable=False, unique=True),
        sa.Column("service_id", sa.Text, nullable=False),
        sa.Column("ticket_id", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("applicant_masked", sa.Text, nullable=False),
        sa.Column("applicant_key", sa.Text, nullable=False),
        sa.Column("reasons", sa.Text),
        sa.Column("accepted_ms", sa.BigInteger, nullable=False),
        sa.Column("completed_ms", sa.BigInteger),
        sa.Column("delivered_ms", sa.BigInteger),
        sa.Column("delivery_channel", sa.Text),
    )
    op.create_index("ix_cases_applicant", "cases", ["applicant_key"])
    op.create_table(
        "case_materials",
        sa.Column("case_id", sa.Text, nullable=False),
        sa.Column("material", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("promise", sa.Text),
        sa.Column("due", sa.Text),
        sa.Column("licence", sa.Text),
        sa.Column("supplied_ms", sa.BigInteger),
        sa.PrimaryKeyConstraint("case_id", "material"),
    )
    op.create_table(
        "ratings",
        sa.Column("rating_id", sa.Text, primary_key=True),
        sa.Column("ticket_id", sa.Text, nullable=False, unique=True),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("follow_up_due", sa.Text),
        sa.Column("given_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "ratings", "case_materials", "cases", "windows", "number_leases",
        "number_counters", "tickets", "events", "meta",
    ):
        op.drop_table(table)
