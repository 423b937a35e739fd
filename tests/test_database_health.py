"""`measures.storage.health.check_database` on PostgreSQL with real faults: the server stopped and started again, and
the server set read-only (as a standby, or an administrator's `default_transaction_read_only`, makes it). The
engine is the app's kind (`db.make_engine`), so its pooled connections are the ones that must recover.

A server of its own is started on loopback for this module (tests/postgres.py), because it is stopped here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from measures.storage import db
from measures.storage.health import Health, check_database
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
            False, "The database server is read-only (a standby, or set read-only), so nothing can be saved."
        )
    finally:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SET default_transaction_read_only = off"))
            connection.execute(text("ALTER DATABASE postgres RESET default_transaction_read_only"))
    engine.dispose()
    assert check_database(engine).ok


def test_an_app_started_while_the_server_is_down_answers_and_recovers_by_itself(server, engine, monkeypatch):
    """A machine restarted with the app up before PostgreSQL: the app must start, say so on every page and on
    /healthz, and serve as usual once the server answers. It used to die at start, reading the session key."""
    from dashboard import create_app
    from dashboard.server import data
    from tests.auth_helpers import add_test_users, sign_in

    add_test_users(engine)
    monkeypatch.setenv("MEASURES_DB_URL", server.url)
    monkeypatch.delenv("MEASURES_SECRET_KEY", raising=False)
    data.engine.cache_clear()
    server.halt()
    try:
        app = create_app()
        client = app.server.test_client()
        health = client.get("/healthz")
        assert (health.status_code, health.get_json()["problem"]) == (503, "The database server cannot be reached.")
        for path in ("/", "/sign-in", "/measure/3.1"):
            page = client.get(path)
            text_shown = page.get_data(as_text=True)
            assert page.status_code == 503, (path, text_shown[:300])
            assert "The database server cannot be reached." in text_shown and "Reference:" in text_shown
    finally:
        server.resume()
    assert client.get("/healthz").status_code == 200
    sign_in(client, "viewer")
    assert client.get("/measure/3.1").status_code == 200
    data.engine().dispose()
    data.engine.cache_clear()
