"""Each measure's plain source (the documents it comes from, named for a reader), beside the officers' working
note (`source_note`), so that pages can show readers the one and officers both.

The column starts empty; `init` fills it from the catalogue file.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.add_column(sa.Column("source", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.drop_column("source")
