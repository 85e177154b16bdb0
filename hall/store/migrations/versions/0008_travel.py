"""Cases that travel (issue 24): a part decided in another hall, a part that came from one.

case_steps gains the hall that decides the part (NULL: this one) and when its news was last
heard from there; cases gain the hall and case number they came from (a part that travelled
here), and how the materials of a case that travelled went there (EMS with its tracking
number, or electronic copies) and when they arrived.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_steps") as batch:
        batch.add_column(sa.Column("hall", sa.Text))
        batch.add_column(sa.Column("heard_ms", sa.BigInteger))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("origin_hall", sa.Text))
        batch.add_column(sa.Column("origin_case", sa.Text))
        batch.add_column(sa.Column("materials_via", sa.Text))
        batch.add_column(sa.Column("materials_tracking", sa.Text))
        batch.add_column(sa.Column("materials_sent_ms", sa.BigInteger))
        batch.add_column(sa.Column("materials_arrived_ms", sa.BigInteger))


def downgrade() -> None:
    with op.batch_alter_table("case_steps") as batch:
        batch.drop_column("heard_ms")
        batch.drop_column("hall")
    with op.batch_alter_table("cases") as batch:
        for column in ("materials_arrived_ms", "materials_sent_ms", "materials_tracking",
                       "materials_via"):
            batch.drop_column(column)
        batch.drop_column("origin_case")
        batch.drop_column("origin_hall")
