"""好差评 closed (issue 27): a rating knows its visit, a case is rated again at 出件, 差评整改.

ratings gains the visit it was given for (window, clerk, matter, case), its stage (`visit`, or
`result` at 出件) and the fixed 差评 reasons; one rating per ticket and stage instead of per
ticket. SQLite cannot drop the old unnamed UNIQUE(ticket_id), so the table is made anew and its
rows copied (a projection: its rows are also rebuilt from the log at any time). follow_ups holds
each 差评's follow-up.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_RATINGS = """CREATE TABLE ratings (
    rating_id TEXT NOT NULL PRIMARY KEY,
    ticket_id TEXT NOT NULL,
    grade INTEGER NOT NULL,
    text TEXT,
    follow_up_due TEXT,
    given_ms BIGINT NOT NULL,
    {extra}
)"""
_NEW = """stage TEXT DEFAULT 'visit' NOT NULL,
    window TEXT,
    clerk TEXT,
    service_id TEXT,
    case_id TEXT,
    reasons TEXT,
    CONSTRAINT uq_ratings_ticket_stage UNIQUE (ticket_id, stage)"""
_OLD = "UNIQUE (ticket_id)"
_COLUMNS = "rating_id, ticket_id, grade, text, follow_up_due, given_ms"


def _remake(extra: str) -> None:
    op.execute("ALTER TABLE ratings RENAME TO ratings_old")
    op.execute(_RATINGS.format(extra=extra))
    op.execute(f"INSERT INTO ratings ({_COLUMNS}) SELECT {_COLUMNS} FROM ratings_old")
    op.execute("DROP TABLE ratings_old")


def upgrade() -> None:
    _remake(_NEW)
    op.execute("""CREATE TABLE follow_ups (
    rating_id TEXT NOT NULL PRIMARY KEY,
    follow_up_id TEXT NOT NULL UNIQUE,
    due TEXT NOT NULL,
    assignee TEXT,
    state TEXT NOT NULL,
    action TEXT,
    revisit TEXT,
    note TEXT,
    escalated INTEGER DEFAULT 0 NOT NULL,
    redone INTEGER DEFAULT 0 NOT NULL,
    opened_ms BIGINT NOT NULL,
    closed_ms BIGINT
)""")
    # the 差评 of earlier releases, open, due as they were
    op.execute("INSERT INTO follow_ups (rating_id, follow_up_id, due, state, opened_ms) "
               "SELECT rating_id, rating_id, follow_up_due, 'open', given_ms FROM ratings "
               "WHERE follow_up_due IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP TABLE follow_ups")
    op.execute("DELETE FROM ratings WHERE stage <> 'visit'")
    _remake(_OLD)
