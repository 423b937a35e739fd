"""Initial schema: areas, measures, uploads, current observations, their revisions, benchmarks.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _value_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(16), sa.ForeignKey("measures.ref"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("team", sa.Text, nullable=False, server_default=""),
        sa.Column("worker", sa.Text, nullable=False, server_default=""),
        sa.Column("numerator", sa.Float),
        sa.Column("denominator", sa.Float),
        sa.Column("value", sa.Float),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("short_title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("outcomes", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "measures",
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("area_number", sa.Integer, sa.ForeignKey("areas.number"), nullable=False),
        sa.Column("sort_area", sa.Integer, nullable=False),
        sa.Column("sort_number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("short_title", sa.Text, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("polarity", sa.String(16), nullable=False),
        sa.Column("good_looks_like", sa.Text, nullable=False, server_default=""),
        sa.Column("counts", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("decimals", sa.Integer, nullable=False, server_default="0"),
        sa.Column("target_kind", sa.String(16)),
        sa.Column("target_low", sa.Float),
        sa.Column("target_high", sa.Float),
        sa.Column("target_tolerance", sa.Float),
        sa.Column("target_text", sa.Text),
        *(
            sa.Column(name, sa.Text, nullable=False, server_default="")
            for name in (
                "target_source",
                "objective",
                "timescale",
                "best_practice",
                "numerator_label",
                "denominator_label",
                "chart",
                "source_note",
                "flags",
            )
        ),
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("filename", sa.Text, nullable=False, server_default=""),
        sa.Column("sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("layout", sa.String(32), nullable=False, server_default=""),
        sa.Column("user_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "observations",
        *_value_columns(),
        sa.UniqueConstraint("ref", "period", "team", "worker", name="uq_observations_ref_period_team_worker"),
    )
    op.create_index("ix_observations_level", "observations", ["team", "worker", "ref", "period"])
    op.create_table(
        "observation_revisions",
        *_value_columns(),
        sa.UniqueConstraint(
            "ref",
            "period",
            "team",
            "worker",
            "version",
            name="uq_observation_revisions_ref_period_team_worker_version",
        ),
    )
    op.create_table(
        "benchmarks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(16), sa.ForeignKey("measures.ref"), nullable=False),
        sa.Column("year", sa.String(7), nullable=False),
        sa.Column("comparator", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id"), nullable=False),
        sa.UniqueConstraint("ref", "year", "comparator", name="uq_benchmarks_ref_year_comparator"),
    )


def downgrade() -> None:
    for table in ("benchmarks", "observation_revisions", "observations", "uploads", "measures", "areas"):
        op.drop_table(table)
