"""Sync bookkeeping of a terminal: state (cursor, outbox mark, status), rejected events, conflicts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_rejected",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("terminal_seq", sa.BigInteger, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("rejected_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("ticket_id", sa.Text),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("detected_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("event_id", "kind", name="uq_sync_conflicts_event"),
    )


def downgrade() -> None:
    for table in ("sync_conflicts", "sync_rejected", "sync_state"):
        op.drop_table(table)
