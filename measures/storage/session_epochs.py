"""The session epoch new users start at, kept in `app_secrets` beside the session key."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from measures.storage import db

# Kept beside the session key in `app_secrets` (never backed up, kept by a restore): the session epoch new users
# start at. A restore sets it above every epoch held before, because a user added afterwards may be given the id
# of someone whose session cookie, `id:epoch`, is still out there.
SESSION_FLOOR_NAME = "session-epoch-floor"


def starting_epoch(connection: Connection) -> int:
    """Return the session epoch a user added now starts at (at least 1). Raises sqlalchemy errors."""
    stored = connection.execute(
        select(db.app_secrets.c.value).where(db.app_secrets.c.name == SESSION_FLOOR_NAME)
    ).scalar()
    return max(1, int(stored or 0))


def raise_session_floor(connection: Connection, epoch: int) -> None:
    """Make every user added from now on start at session epoch `epoch` or above, inside the caller's write
    transaction (a restore calls it with an epoch above every one held before). Raises sqlalchemy errors."""
    floor = max(epoch, starting_epoch(connection))
    connection.execute(db.app_secrets.delete().where(db.app_secrets.c.name == SESSION_FLOOR_NAME))
    connection.execute(insert(db.app_secrets).values(name=SESSION_FLOOR_NAME, value=str(floor)))
