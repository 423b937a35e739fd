"""The improvement plan and what changed when: the plan's actions and their monthly BRAG ratings, events drawn on a
measure's SPC chart, the months where a measure's process changed (or its limits are fixed), and each target a
measure has had with the month it applied from. Every table is a history: rows are added, never updated.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("area_number", sa.Integer, sa.ForeignKey("areas.number"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lead", sa.Text, nullable=False),
        sa.Column("deadline", sa.String(7), nullable=False),
        sa.Column("deadline_text", sa.Text, nullable=False),
        sa.Column("measure_refs", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.UniqueConstraint("number", "version"),
    )
    op.create_table(
        "action_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("brag", sa.String(16), nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id")),
        sa.UniqueConstraint("number", "period", "version"),
    )
    op.create_index("ix_action_ratings_period", "action_ratings", ["period"])
    op.create_table(
        "chart_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_key", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ref", sa.String(16), sa.ForeignKey("measures.ref"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("event_key", "version"),
    )
    op.create_index("ix_chart_events_ref", "chart_events", ["ref"])
    op.create_table(
        "spc_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("change_key", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ref", sa.String(16), sa.ForeignKey("measures.ref"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("period_end", sa.String(7)),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("change_key", "version"),
    )
    op.create_index("ix_spc_changes_ref", "spc_changes", ["ref"])
    op.create_table(
        "target_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(16), sa.ForeignKey("measures.ref"), nullable=False),
        sa.Column("effective_from", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
        sa.Column("tolerance", sa.Float),
        sa.Column("text", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_target_history_ref", "target_history", ["ref", "effective_from"])


def downgrade() -> None:
    op.drop_index("ix_target_history_ref", "target_history")
    op.drop_table("target_history")
    op.drop_index("ix_spc_changes_ref", "spc_changes")
    op.drop_table("spc_changes")
    op.drop_index("ix_chart_events_ref", "chart_events")
    op.drop_table("chart_events")
    op.drop_index("ix_action_ratings_period", "action_ratings")
    op.drop_table("action_ratings")
    op.drop_table("plan_actions")
