"""The meeting-pack printer's shared state: single-use print tokens, the print slots every server shares, and
the PDFs already made (kept per month, data version and catalogue).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "print_slots",
        sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("holder", sa.String(160), nullable=False),
        sa.Column("work_key", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("holder", name="uq_print_slots_holder"),
    )
    op.create_table(
        "pack_pdfs",
        sa.Column("work_key", sa.String(64), primary_key=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("data_version", sa.String(80), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pack_pdfs")
    op.drop_table("print_slots")
    op.drop_table("print_tokens")
