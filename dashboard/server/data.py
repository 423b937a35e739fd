"""The dashboard's access to the store. One engine (a connection pool) per process; no data is held
between requests, so several gunicorn workers always agree."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine

from measures.storage.db import make_engine


@cache
def engine() -> Engine:
    """Return this process's engine for MEASURES_DB_URL."""
    return make_engine()
