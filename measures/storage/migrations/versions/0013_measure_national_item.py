"""Each measure's national comparator: the code of the LAIT data item it is compared with (`national_item`, "" for
none) and the note that says where the item's definition differs, or why there is no national comparator
(`national_note`).

The columns start empty; `init` fills them from the catalogue file.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.add_column(sa.Column("national_item", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("national_note", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("measures") as batch:
        batch.drop_column("national_note")
        batch.drop_column("national_item")
