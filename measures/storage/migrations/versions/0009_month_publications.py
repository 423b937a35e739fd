"""The sign-off of each month: `publications`, one row per publication or withdrawal, never overwritten.

A month without a row is a draft, seen by officers and admins only. So that a council upgrading does not suddenly
hide every month from its board, every month the database already holds is marked published as it upgrades.
`uploads.reason` keeps why an upload revised figures of a published month (required then).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UPGRADE_REASON = "published when the database was upgraded to a release with sign-off (it was already on show)"


def upgrade() -> None:
    publications = op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False, server_default=""),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("upload_mark", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_publications_period", "publications", ["period", "id"])
    with op.batch_alter_table("uploads") as batch:
        batch.add_column(sa.Column("reason", sa.Text, nullable=False, server_default=""))
    connection = op.get_bind()
    periods = connection.execute(
        sa.text("SELECT DISTINCT period FROM observations WHERE team = '' AND worker = '' ORDER BY period")
    ).scalars()
    mark = connection.execute(sa.text("SELECT MAX(id) FROM uploads")).scalar() or 0
    now = datetime.now(UTC)
    rows = [
        {
            "period": period,
            "state": "published",
            "at": now,
            "actor": "system",
            "reason": UPGRADE_REASON,
            "upload_mark": mark,
        }
        for period in periods
    ]
    if rows:
        op.bulk_insert(publications, rows)


def downgrade() -> None:
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("reason")
    op.drop_index("ix_publications_period", table_name="publications")
    op.drop_table("publications")
