"""Each measure's SPC settings (run lengths, minimum points, rule switches), kept with the catalogue so that the
catalogue read back from the database carries the settings in force.

The columns start empty; `init` fills them from the catalogue file. Empty reads as the built-in defaults.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.add_column(sa.Column("spc_shift_length", sa.Integer))
        batch.add_column(sa.Column("spc_trend_length", sa.Integer))
        batch.add_column(sa.Column("spc_minimum_points", sa.Integer))
        batch.add_column(sa.Column("spc_two_of_three", sa.Boolean))
        batch.add_column(sa.Column("spc_exclude_moving_range_outliers", sa.Boolean))


def downgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.drop_column("spc_exclude_moving_range_outliers")
        batch.drop_column("spc_two_of_three")
        batch.drop_column("spc_minimum_points")
        batch.drop_column("spc_trend_length")
        batch.drop_column("spc_shift_length")
