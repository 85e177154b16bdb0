"""The hot path (issue 14): fewer b-trees written per ticket, one index for the call.

The tickets table becomes WITHOUT ROWID (its rows live in the ticket_id b-tree: one b-tree less
than a rowid table with its primary-key index). Its five indexes become three, each serving a
query of the hot path:

- ix_tickets_waiting: the waiting tickets by (urgent, issued_ms, ticket_id), covering what the
  call filters on (day, service, target window, appointment time): the one call-next query;
- ix_tickets_at_window: the ticket a window holds, only while called or served;
- ix_tickets_number: (day, series, number, hall_id), which also serves every query of one day.

Dropped: ix_tickets_waiting_order (merged into ix_tickets_waiting), ix_tickets_day (the number
index starts with the day), ix_tickets_window (replaced by the partial ix_tickets_at_window).
SQLite cannot turn a table WITHOUT ROWID in place, so the table is rebuilt with its rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ("ticket_id, hall_id, day, series, number, label, service_id, priority, urgent, status, "
           "issuing_terminal, issued_ms, appointment_ms, window, target_window, called_ms, "
           "first_called_ms, started_ms, done_ms, recalls, outcome_window, served_by")


def _tickets(name: str, *, with_rowid: bool) -> None:
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
        sa.Column("served_by", sa.Text),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild(*, with_rowid: bool) -> None:
    _tickets("_tickets_0006", with_rowid=with_rowid)
    op.execute(f"INSERT INTO _tickets_0006 ({COLUMNS}) SELECT {COLUMNS} FROM tickets")
    op.drop_table("tickets")  # its indexes go with it
    op.rename_table("_tickets_0006", "tickets")


def upgrade() -> None:
    _rebuild(with_rowid=False)
    op.create_index("ix_tickets_waiting", "tickets",
                    ["urgent", "issued_ms", "ticket_id", "day", "service_id", "target_window",
                     "appointment_ms"], sqlite_where=sa.text("status = 'waiting'"))
    op.create_index("ix_tickets_at_window", "tickets", ["window"],
                    sqlite_where=sa.text("status IN ('called', 'serving')"))
    op.create_index("ix_tickets_number", "tickets", ["day", "series", "number", "hall_id"])


def downgrade() -> None:
    _rebuild(with_rowid=True)
    op.create_index("ix_tickets_waiting", "tickets", ["urgent", "issued_ms"],
                    sqlite_where=sa.text("status = 'waiting'"))
    op.create_index("ix_tickets_waiting_order", "tickets", ["issued_ms"],
                    sqlite_where=sa.text("status = 'waiting'"))
    op.create_index("ix_tickets_day", "tickets", ["day", "service_id"])
    op.create_index("ix_tickets_window", "tickets", ["window", "status"])
    op.create_index("ix_tickets_number", "tickets", ["hall_id", "day", "series", "number"])
