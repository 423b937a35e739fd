"""Page responses rendered once per data version and served to every reader of the same role, by every worker
and server sharing this database.

`page_responses` holds each stored response (its JSON and a gzip copy) under a key naming everything it depends
on; `page_render_claims` lets the first reader of a missing page render it while the others wait for it;
`page_warming` records which data version the background warmer has rendered the common pages for. All three
are working state, not records: never backed up, emptied by a restore.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_responses",
        sa.Column("cache_key", sa.String(64), primary_key=True),
        sa.Column("data_version", sa.String(80), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("reader_class", sa.String(32), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("gzipped", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_page_responses_data_version", "page_responses", ["data_version"])
    op.create_table(
        "page_render_claims",
        sa.Column("cache_key", sa.String(64), primary_key=True),
        sa.Column("data_version", sa.String(80), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "page_warming",
        sa.Column("data_version", sa.String(80), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("page_warming")
    op.drop_table("page_render_claims")
    op.drop_index("ix_page_responses_data_version", table_name="page_responses")
    op.drop_table("page_responses")
