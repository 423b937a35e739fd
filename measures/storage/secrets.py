"""Secrets every app worker and every app server must share: the key that signs session cookies.

Taken from MEASURES_SECRET_KEY when set; otherwise made once, at random, and kept in the database, so that
several gunicorn workers, and several servers behind a load balancer on one PostgreSQL, all agree without
a file to copy between machines.
"""

from __future__ import annotations

import os
import secrets

from sqlalchemy import Engine, insert, select

from measures.storage import db

SECRET_KEY_VARIABLE = "MEASURES_SECRET_KEY"
SESSION_KEY_NAME = "session-key"


def session_secret(engine: Engine) -> str:
    """Return the session-signing key: MEASURES_SECRET_KEY, else the database's (made on first call).

    Raises sqlalchemy errors when the database cannot be reached or has no schema (`init` first).
    """
    configured = os.environ.get(SECRET_KEY_VARIABLE, "").strip()
    if configured:
        return configured
    statement = select(db.app_secrets.c.value).where(db.app_secrets.c.name == SESSION_KEY_NAME)
    with engine.connect() as connection:
        stored = connection.execute(statement).scalar()
    if stored:
        return stored
    with db.write_transaction(engine) as connection:
        # Another worker may have made it between the read above and taking the write lock.
        stored = connection.execute(statement).scalar()
        if stored:
            return stored
        made = secrets.token_urlsafe(48)
        connection.execute(insert(db.app_secrets).values(name=SESSION_KEY_NAME, value=made))
        return made
