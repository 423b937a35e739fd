"""Room for the statuses "na" (not applicable) and "suppressed" (a small number not published) beside ok, tbc
and new: the status columns widen from 8 to 16 characters.

SQLite does not enforce a VARCHAR's length, so only other databases (PostgreSQL) need the change.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = ("observations", "observation_revisions")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _TABLES:
        op.alter_column(table, "status", type_=sa.String(16), existing_type=sa.String(8), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in _TABLES:
        op.alter_column(table, "status", type_=sa.String(8), existing_type=sa.String(16), existing_nullable=False)
