"""Covering indexes for the reads a page's first render spends its time in, and assessments stored per data version.

`ix_observations_level` now carries the figures of the service-level rows every page reads, so they come from the
index alone; the note is left out (a long note could exceed the size of a PostgreSQL index entry) and the few noted
figures are found by `ix_observations_noted`, an index of the noted rows only. `stored_assessments` keeps each
assessment made for a data version, read by every page and every worker; working state, never backed up, emptied by
a restore.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

LEVEL = ["team", "worker", "ref", "period"]
FIGURES = ["status", "synthetic", "numerator", "denominator", "value"]
NOTED = sa.text("note != ''")


def upgrade() -> None:
    op.drop_index("ix_observations_level", table_name="observations")
    op.create_index("ix_observations_level", "observations", LEVEL + FIGURES)
    op.create_index("ix_observations_noted", "observations", LEVEL, sqlite_where=NOTED, postgresql_where=NOTED)
    op.create_table(
        "stored_assessments",
        sa.Column("cache_key", sa.String(64), primary_key=True),
        sa.Column("data_version", sa.String(80), nullable=False),
        sa.Column("ref", sa.String(16), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_stored_assessments_data_version", "stored_assessments", ["data_version"])


def downgrade() -> None:
    op.drop_index("ix_stored_assessments_data_version", table_name="stored_assessments")
    op.drop_table("stored_assessments")
    op.drop_index("ix_observations_noted", table_name="observations")
    op.drop_index("ix_observations_level", table_name="observations")
    op.create_index("ix_observations_level", "observations", LEVEL)
