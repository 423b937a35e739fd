"""National figures from DfE's Local Authority Interactive Tool and the statistical neighbour groups, both kept
append-only: a newer value or group is a new version beside the earlier.

Both tables start empty; `python -m measures benchmarks import` and `demo` fill them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_figures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item", sa.String(80), nullable=False),
        sa.Column("year", sa.String(40), nullable=False),
        sa.Column("la_code", sa.Integer, nullable=False),
        sa.Column("area", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("marker", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
        sa.UniqueConstraint("item", "year", "la_code", "version"),
    )
    op.create_table(
        "neighbour_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("edition", sa.String(7), nullable=False),
        sa.Column("edition_name", sa.Text, nullable=False),
        sa.Column("la_code", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("neighbour", sa.Integer, nullable=False),
        sa.Column("band", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
        sa.UniqueConstraint("edition", "la_code", "version", "position"),
    )


def downgrade() -> None:
    op.drop_table("neighbour_groups")
    op.drop_table("national_figures")
