"""`measures.health.check_database` on PostgreSQL with real faults: the server stopped and started again, and
the server set read-only (as a standby, or an administrator's `default_transaction_read_only`, makes it). The
engine is the app's kind (`db.make_engine`), so its pooled connections are the ones that must recover.

A server of its own is started on loopback for this module (tests/postgres.py), because it is stopped here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from measures import db
from measures.health import Health, check_database
from tests.postgres import TemporaryPostgres


@pytest.fixture(scope="module")
def server():
    started = TemporaryPostgres()
    url = started.start()
    started.url = url
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def engine(server):
    engine = db.make_engine(server.url)
    db.upgrade_schema(engine)
    yield engine
    engine.dispose()


def test_a_stopped_server_is_unhealthy_and_recovers_when_it_starts(server, engine):
    assert check_database(engine) == Health(True)
    server.halt()
    try:
        assert check_database(engine) == Health(False, "The database server cannot be reached.")
    finally:
        server.resume()
    assert check_database(engine) == Health(True)  # the same engine: its dead connections were replaced


def test_a_read_only_server_is_unhealthy(server, engine):
    """Read-only as a standby is for every session: `default_transaction_read_only` set on the database (taken
    by each new session; set synchronously, unlike a configuration reload)."""
    assert check_database(engine).ok
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ALTER DATABASE postgres SET default_transaction_read_only = on"))
    try:
        engine.dispose()  # the sessions from now on are read-only
        assert check_database(engine) == Health(
            False, "The database server is read-only (a standby, or set read-only), so nothing can be saved.")
    finally:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SET default_transaction_read_only = off"))
            connection.execute(text("ALTER DATABASE postgres RESET default_transaction_read_only"))
    engine.dispose()
    assert check_database(engine).ok
