"""Each measure's basis (what a month's figure covers: the month, a rolling 12 months or the year to date), and
when and by whom an admin last corrected its polarity in the app, so that `init` keeps that polarity.

`basis` starts empty and `init` fills it from the catalogue file; empty reads as "month". The polarity columns
start empty: no polarity has been corrected in the app yet.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.add_column(sa.Column("basis", sa.String(16)))
        batch.add_column(sa.Column("polarity_edited_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("polarity_edited_by", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.drop_column("polarity_edited_by")
        batch.drop_column("polarity_edited_at")
        batch.drop_column("basis")
