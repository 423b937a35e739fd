"""Whether the database can be read and written now: what `/healthz` answers a load balancer with.

Cheap enough to run every few seconds: a stat of the SQLite file and its folder, one small read and one write
that is rolled back (it never waits for the write lock: an import holding it shows writes are possible); for
PostgreSQL `SELECT 1` and whether the session is read-only (a standby, or `default_transaction_read_only`).
The problem is told in words that reveal no secret: no address, password or file name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from measures.storage.faults import describe

SQLITE_BUSY_TIMEOUT_MS = 30_000  # as `db.make_engine` sets it; restored after the write probe


@dataclass(frozen=True)
class Health:
    """`ok` is True when the database can be read and written; otherwise `problem` says why, in one sentence."""

    ok: bool
    problem: str = ""


def _sqlite_file_problem(path: Path) -> str:
    if not path.exists():
        return "The database file is missing: it has been deleted or moved."
    if not os.access(path, os.R_OK):
        return "The database file cannot be read."
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return "The database file (or its folder) is read-only, so nothing can be saved."
    space = os.statvfs(path.parent)
    if space.f_bavail == 0:
        return "The disk that holds the database is full, so nothing can be saved."
    return ""


def _busy(error: SQLAlchemyError) -> bool:
    return "database is locked" in str(error).lower()


def _probe_sqlite(engine: Engine) -> str:
    with engine.connect() as connection:
        try:
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            connection.execute(text("SELECT version_num FROM alembic_version")).all()
            # A real write, never committed: fails on a read-only connection, file or disk.
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        except SQLAlchemyError as error:
            if not _busy(error):
                raise
        finally:
            connection.rollback()
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            connection.rollback()
    return ""


def _probe_postgresql(engine: Engine) -> str:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        if connection.execute(text("SHOW transaction_read_only")).scalar_one() == "on":
            return "The database server is read-only (a standby, or set read-only), so nothing can be saved."
    return ""


def check_database(engine: Engine) -> Health:
    """Return the Health of `engine`'s database: a read and a rolled-back write (see the module docstring).

    Never raises for a database fault: it becomes the returned problem. Raises other errors (bugs) as they are.
    """
    try:
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            if database and database != ":memory:" and not database.startswith("file:"):
                problem = _sqlite_file_problem(Path(database).resolve())
                if problem:
                    return Health(False, problem)
            problem = _probe_sqlite(engine)
        else:
            problem = _probe_postgresql(engine)
    except SQLAlchemyError as error:
        fault = describe(error)
        return Health(False, fault.what if fault else "The database refused a simple read or write.")
    return Health(not problem, problem)
