"""Which fault a database error is, from the messages SQLite, psycopg and Alembic really give (copied from
their failures); the command line, error pages and /healthz all rely on this one mapping."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.util import CommandError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from measures.storage.db import MISSING_FILE, SchemaTooNew
from measures.storage.faults import describe, first_line


def _wrapped(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("database or disk is full", "disk-full"),
        ('could not extend file "base/5/16384": No space left on device', "disk-full"),
        ("attempt to write a readonly database", "read-only"),
        ("cannot execute INSERT in a read-only transaction", "read-only"),
        (f"{MISSING_FILE} (/srv/measures.db); it is not recreated empty", "missing"),
        ("unable to open database file", "missing"),
        ("database is locked", "locked"),
        ("file is not a database", "damaged"),
        ("database disk image is malformed", "damaged"),
        ("disk I/O error", "disk-error"),
        ('connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused', "unreachable"),
        ("terminating connection due to administrator command", "unreachable"),
        ("some other refusal", "failed"),
    ],
)
def test_each_driver_message_is_its_fault(message, kind):
    assert describe(_wrapped(message)).kind == kind


def test_a_newer_schema_names_the_revision_to_run():
    fault = describe(SchemaTooNew("9999", "0003"))
    assert fault.kind == "newer-schema"
    assert "schema revision 9999" in fault.what and "up to 0003" in fault.what
    assert "revision 9999" in fault.advice
    assert describe(CommandError("Can't locate revision identified by '9999'")).kind == "newer-schema"


def test_a_pool_with_no_free_connection_is_busy():
    assert describe(PoolTimeout("QueuePool limit of size 5 overflow 10 reached")).kind == "busy"


def test_errors_that_are_not_database_faults_are_left_alone():
    assert describe(ValueError("a bug")) is None
    assert describe(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))) is None
    assert describe(CommandError("Multiple head revisions are present")) is None


def test_the_first_line_is_the_drivers_own():
    error = _wrapped("database or disk is full")
    assert first_line(error) == "database or disk is full"
