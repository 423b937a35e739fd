"""What went wrong with the database, in sentences an operator or officer can act on.

One place maps the errors the database and its driver raise (SQLite, PostgreSQL, Alembic) to a kind of fault, a
sentence saying what happened and one saying what to do. The command line, the error pages and `/healthz` all
use it, so the same fault reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from measures.storage.db import MISSING_FILE, NotSetUp, SchemaTooNew


@dataclass(frozen=True)
class DatabaseFault:
    """A database fault: `kind` (a short name), `what` happened and what to do about it (`advice`)."""

    kind: str
    what: str
    advice: str


# (kind, words any of which in the driver's message mean it, what happened, what to do), checked in order.
_KINDS = (
    (
        "disk-full",
        ("database or disk is full", "no space left on device", "could not extend file", "disk full"),
        "The disk that holds the database is full.",
        "Free some space on that disk (or give it more), then try again.",
    ),
    (
        "missing",
        (MISSING_FILE, "unable to open database file"),
        "The database file is missing: it has been deleted or moved, or its folder cannot be opened.",
        "Put the database file back (or restore the latest backup into a new one), then try again.",
    ),
    (
        "read-only",
        ("readonly database", "read-only", "read only"),
        "The database can be read but not written to.",
        "Make the database writable again (file permissions, a read-only disk, or a standby PostgreSQL server), "
        "then try again.",
    ),
    (
        "locked",
        ("database is locked", "lock timeout", "could not obtain lock"),
        "Another process kept the database busy for too long (an import or a backup, perhaps).",
        "Wait for it to finish, then try again.",
    ),
    (
        "damaged",
        ("file is not a database", "malformed", "not a database"),
        "The database file is damaged or is not a Measures that Matter database.",
        "Restore the latest backup into a new database file (`python -m measures restore`).",
    ),
    (
        "disk-error",
        ("disk i/o error", "input/output error"),
        "The disk that holds the database reported an error.",
        "Check the disk and its free space, then try again.",
    ),
    (
        "unreachable",
        (
            "connection refused",
            "could not connect",
            "connection failed",
            "server closed the connection",
            "terminating connection",
            "timeout expired",
            "shutting down",
            "is the server running",
            "name or service not known",
            "could not translate host name",
            "connection is closed",
            "consuming input failed",
            "no route to host",
        ),
        "The database server cannot be reached.",
        "Check that the database server is running and that MEASURES_DB_URL names it, then try again.",
    ),
)


def _message(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    return str(original if original is not None else error)


def first_line(error: BaseException) -> str:
    """The first line of the driver's message for `error`, without SQLAlchemy's additions."""
    lines = _message(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def describe(error: BaseException) -> DatabaseFault | None:
    """Return the DatabaseFault that `error` is, or None when it is not a database fault (a bug, say)."""
    if isinstance(error, SchemaTooNew):
        return DatabaseFault(
            "newer-schema",
            str(error),
            f"Run the release that made it (one whose migrations include revision "
            f"{error.revision}), or upgrade this installation to it.",
        )
    if isinstance(error, NotSetUp):
        return DatabaseFault(
            "not-set-up",
            str(error),
            "Put the database file back, or set MEASURES_DB_URL to the right database; for a new "
            "installation run `python -m measures init` first.",
        )
    if isinstance(error, CommandError) and "can't locate revision" in str(error).lower():
        return DatabaseFault(
            "newer-schema",
            f"The database was made by a newer release of Measures that Matter ({error}).",
            "Run the release that made it, or upgrade this installation to it.",
        )
    if not isinstance(error, (DBAPIError, DisconnectionError, PoolTimeout, SQLAlchemyError)):
        return None
    message = _message(error).lower()
    for kind, words, what, advice in _KINDS:
        if any(word in message for word in words):
            return DatabaseFault(kind, what, advice)
    if isinstance(error, PoolTimeout):
        return DatabaseFault(
            "busy",
            "Every connection to the database is in use.",
            "Wait a minute and try again; if it keeps happening, allow more connections.",
        )
    if getattr(error, "connection_invalidated", False) or isinstance(error, DisconnectionError):
        return DatabaseFault(
            "unreachable",
            "The connection to the database was lost.",
            "Check that the database server is running, then try again.",
        )
    if isinstance(error, DBAPIError) and type(error).__name__ in ("OperationalError", "InterfaceError"):
        return DatabaseFault(
            "failed",
            f"The database refused the request: {first_line(error)}.",
            "Check the database server and its log, then try again.",
        )
    return None
