"""Users and roles, sign-in attempts (for lockout), the audit log, the shared session secret, and who last
edited a measure's targets in the app.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("session_epoch", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False, server_default=""),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name_key", sa.String(80), nullable=False),
        sa.Column("remote_addr", sa.String(64), nullable=False, server_default=""),
        sa.Column("succeeded", sa.Boolean, nullable=False),
    )
    op.create_index("ix_sign_in_attempts_name_key_at", "sign_in_attempts", ["name_key", "at"])
    op.create_index("ix_sign_in_attempts_remote_addr_at", "sign_in_attempts", ["remote_addr", "at"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    with op.batch_alter_table("measures") as batch:
        batch.add_column(sa.Column("edited_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("edited_by", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.drop_column("edited_by")
        batch.drop_column("edited_at")
    op.drop_table("app_secrets")
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_sign_in_attempts_remote_addr_at", table_name="sign_in_attempts")
    op.drop_index("ix_sign_in_attempts_name_key_at", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.drop_table("users")
