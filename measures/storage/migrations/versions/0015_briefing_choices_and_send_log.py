"""The monthly briefing by email: each user's address and whether they want the briefing, and the send log.

`briefing_deliveries` holds one row per briefing to send (a month, a recipient, why: the month's publication, a
test or a resend); `briefing_attempts` one row per attempt to send it, with what the mail server said. Both are
histories: rows are added, never updated, so a briefing with no successful attempt is still there to resend after
a restart.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("wants_briefing", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "briefing_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("user_name", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_briefing_deliveries_period", "briefing_deliveries", ["period", "id"])
    op.create_table(
        "briefing_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("delivery_id", sa.Integer, sa.ForeignKey("briefing_deliveries.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.Boolean, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.UniqueConstraint("delivery_id", "number"),
    )


def downgrade() -> None:
    op.drop_table("briefing_attempts")
    op.drop_index("ix_briefing_deliveries_period", table_name="briefing_deliveries")
    op.drop_table("briefing_deliveries")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("wants_briefing")
        batch.drop_column("email")
