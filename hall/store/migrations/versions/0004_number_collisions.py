"""Tickets that share a number: no longer refused by the store, labelled apart instead.

Two terminals that issued the same number offline (plain numbers of standalone stations that
later join a hub, or any older store) must both keep their ticket: a UNIQUE constraint on
(hall, day, series, number) made the second one stall sync for good. The projection now keeps
both and gives one of them a distinct label (hall/numbering.py); the number stays indexed,
not unique, for that lookup. SQLite cannot drop a table constraint, so the table is rebuilt
(with its rows and every index).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("ticket_id, hall_id, day, series, number, label, service_id, priority, urgent, status, "
           "issuing_terminal, issued_ms, appointment_ms, window, target_window, called_ms, "
           "first_called_ms, started_ms, done_ms, recalls, outcome_window")


def _tickets(name: str, *unique: sa.UniqueConstraint) -> None:
    op.create_table(
        name,
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
        *unique,
    )


def _indexes(*, number_index: bool) -> None:
    op.create_index("ix_tickets_waiting", "tickets", ["urgent", "issued_ms"],
                    sqlite_where=sa.text("status = 'waiting'"))
    op.create_index("ix_tickets_waiting_order", "tickets", ["issued_ms"],
                    sqlite_where=sa.text("status = 'waiting'"))
    op.create_index("ix_tickets_day", "tickets", ["day", "service_id"])
    op.create_index("ix_tickets_window", "tickets", ["window", "status"])
    if number_index:
        op.create_index("ix_tickets_number", "tickets", ["hall_id", "day", "series", "number"])


def _rebuild(*unique: sa.UniqueConstraint, number_index: bool) -> None:
    _tickets("_tickets_0004", *unique)
    op.execute(f"INSERT INTO _tickets_0004 ({COLUMNS}) SELECT {COLUMNS} FROM tickets")
    op.drop_table("tickets")  # its indexes go with it
    op.rename_table("_tickets_0004", "tickets")
    _indexes(number_index=number_index)


def upgrade() -> None:
    _rebuild(number_index=True)


def downgrade() -> None:
    # Only possible while no two tickets share a number (the constraint would refuse them).
    _rebuild(sa.UniqueConstraint("hall_id", "day", "series", "number", name="uq_tickets_number"),
             number_index=False)
