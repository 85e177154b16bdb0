"""The clerk's 请评价 on its ticket (issue 27): tickets gain `asked_ms`, when the clerk asked
for the visit's rating (RatingAsked), so that hall/ratings.asked reads it by the ticket's key
instead of scanning the last 5000 events of the log. The asks already in the log are projected
here (a projection: rebuilt from the log at any time as well).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from hall.timefmt import ms_of

    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("asked_ms", sa.BigInteger))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT payload FROM events WHERE type = 'RatingAsked' "
                                "ORDER BY pos")).all()
    for (payload,) in rows:  # in log order, as the projection would: the last ask stands
        p = json.loads(payload)
        conn.execute(sa.text("UPDATE tickets SET asked_ms = :at WHERE ticket_id = :ticket"),
                     {"at": ms_of(p["at"]), "ticket": p["ticket_id"]})


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("asked_ms")
