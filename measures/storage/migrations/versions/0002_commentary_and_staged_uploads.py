"""Commentary by month, and uploads staged between preview and confirmation.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commentary",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(16), sa.ForeignKey("measures.ref"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id")),
    )
    op.create_index("ix_commentary_ref_period", "commentary", ["ref", "period"])
    op.create_table(
        "staged_uploads",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("user_name", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staged_uploads")
    op.drop_index("ix_commentary_ref_period", table_name="commentary")
    op.drop_table("commentary")
