"""Room for the statuses "na" (not applicable) and "suppressed" (a small number not published) beside ok, tbc
and new: the status columns widen from 8 to 16 characters.

SQLite does not enforce a VARCHAR's length, but the declared type is widened there too (a batch copy of each
table) so that every database's schema is the one `measures.storage.db` declares.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = ("observations", "observation_revisions")


def _widen(to: int, was: int) -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("status", type_=sa.String(to), existing_type=sa.String(was), existing_nullable=False)


def upgrade() -> None:
    _widen(16, 8)


def downgrade() -> None:
    _widen(8, 16)
