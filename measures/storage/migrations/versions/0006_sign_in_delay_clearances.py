"""Sign-in delays replace the lockout: an admin's clearing of a delay is kept, so every server agrees, and each
attempt records the known browser (device) it came from, if any.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_delay_clearances",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("cleared_by", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_sign_in_delay_clearances_kind_key_at", "sign_in_delay_clearances", ["kind", "key", "at"])
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.add_column(sa.Column("device", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempts") as batch:
        batch.drop_column("device")
    op.drop_index("ix_sign_in_delay_clearances_kind_key_at", table_name="sign_in_delay_clearances")
    op.drop_table("sign_in_delay_clearances")
