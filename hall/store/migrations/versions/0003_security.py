"""Security tables of a terminal: clerk accounts, used code ids, append-only audit triggers.

Stores made before this revision existed may already hold these objects (they were once created
lazily), so the statements use IF NOT EXISTS.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS accounts ("
    " user TEXT PRIMARY KEY, role TEXT NOT NULL, pw_hash TEXT NOT NULL,"
    " active INTEGER NOT NULL DEFAULT 1, failures INTEGER NOT NULL DEFAULT 0,"
    " locked_until_ms INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL,"
    " changed_ms INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS code_seen (jti_hash TEXT PRIMARY KEY, "
    "expires_at INTEGER NOT NULL)",
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE OF event_id, hall_id, "
    "terminal_id, terminal_seq, hlc, type, payload ON events "
    "WHEN OLD.type = 'AuditRecorded' "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON events "
    "WHEN OLD.type = 'AuditRecorded' "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
)


def upgrade() -> None:
    for sql in STATEMENTS:
        op.execute(sql)
    if op.get_bind().dialect.name == "sqlite":
        for sql in SQLITE_TRIGGERS:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_no_update")
    op.execute("DROP TABLE IF EXISTS code_seen")
    op.execute("DROP TABLE IF EXISTS accounts")
