"""Figures stored by the first release can be corrected again, and cached views are keyed on a data generation
that a restore never rewinds.

The first release wrote the version in force to `observation_revisions` as well as to `observations`; later
releases keep only superseded versions there, and a correction of such a figure failed on the revisions'
unique constraint. `measures.storage.consistency.repair_revisions` removes those repeats (and renumbers any version in
force that is not above its revisions). The new one-row table `data_generation` holds the key of cached views.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import secrets

import sqlalchemy as sa
from alembic import op

from measures.storage.consistency import repair_revisions

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    repair_revisions(op.get_bind())
    generation = op.create_table(
        "data_generation",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("counter", sa.Integer, nullable=False),
    )
    op.bulk_insert(generation, [{"id": 1, "generation": secrets.token_hex(16), "counter": 1}])


def downgrade() -> None:
    # The repaired revisions are what every later release expects; only the new table goes.
    op.drop_table("data_generation")
