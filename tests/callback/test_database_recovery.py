"""`/healthz` tells the truth about the database, and the app recovers by itself when the database does.

Real faults, no mocks, on the app's own engine (`dashboard.server.data.engine`) through Flask's test client:

- a read-only SQLite file. The tests run as root, for whom `chmod a-w` stops nothing, so the file is made
  immutable with `chattr +i` (ext4 and most Linux file systems): then even root's open for writing fails with
  EPERM, SQLite falls back to opening the file read-only, and writes fail with "attempt to write a readonly
  database", exactly as for an unprivileged server on a read-only file. `chattr -i` makes it writable again.
  Where the file system has no immutable flag the test is skipped, saying so;
- a deleted file, and a file replaced by another (as a restore from a copy, or a mistaken `cp`, does).

PostgreSQL stopped and restarted, and set read-only, is in tests/test_database_health.py.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from measures.accounts import users
from measures.storage import db, reads
from measures.storage import secrets as app_secrets
from tests.auth_helpers import NAMES, PASSWORDS, add_test_users, form_token


def _immutable(path: Path, on: bool) -> None:
    result = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"this file system cannot make a file immutable (chattr: {result.stderr.strip()})")


@pytest.fixture
def database(demo_database, tmp_path, monkeypatch):
    """A private copy of the demo database, with the test users and the session key, that the app will use."""
    path = tmp_path / "app.db"
    shutil.copy(demo_database, path)
    monkeypatch.setenv("MEASURES_DB_URL", f"sqlite:///{path}")
    monkeypatch.delenv("MEASURES_OPEN_VIEWING", raising=False)
    from dashboard.server import data

    data.engine.cache_clear()
    add_test_users(data.engine())
    app_secrets.session_secret(data.engine())
    data.engine().dispose()
    yield path
    subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    data.engine().dispose()
    data.engine.cache_clear()


@pytest.fixture
def collector_held_off():
    """Cyclic garbage collection off for the test: a lock that only the collector would release stays held, as
    it does in a server between collections, whatever the collector's timing (which every import shifts)."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


def _app():
    from dashboard import create_app

    made = create_app()
    made.server.test_client().get("/sign-in")
    return made


def _sign_in(client, role: str = "officer"):
    token = form_token(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"name": NAMES[role], "password": PASSWORDS[role], "csrf_token": token})


def test_healthz_is_ok_with_a_working_database(database):
    response = _app().server.test_client().get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_started_on_a_read_only_file_the_app_recovers_when_it_becomes_writable(database, collector_held_off):
    _immutable(database, True)
    app = _app()  # started while the file is read-only: its pooled connections open read-only
    client = app.server.test_client()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {
        "status": "unavailable",
        "problem": "The database file (or its folder) is read-only, so nothing can be saved.",
    }
    assert str(database) not in health.get_data(as_text=True)  # no file names given away
    assert _sign_in(client).status_code == 503  # signing in records the attempt: a write, refused

    _immutable(database, False)
    assert client.get("/healthz").status_code == 200
    assert _sign_in(client).status_code == 302  # the same server process now writes
    from dashboard.server import data

    assert users.find_user(data.engine(), NAMES["officer"]) is not None


def _descriptors_open_on(path: Path) -> int:
    return sum(1 for fd in os.listdir("/proc/self/fd") if os.path.realpath(f"/proc/self/fd/{fd}") == str(path))


def test_a_write_refused_on_a_read_only_file_leaves_no_lock_behind(tmp_path):
    """The refused write's error is kept, with its traceback and so the failed statement's cursor, as an error
    report or a reference cycle not yet collected keeps it. The connection discarded after it must still be
    closed for real, letting go of its transaction: once the file is writable, another connection (another
    worker) commits at once, without waiting for the garbage collector."""
    path = tmp_path / "locks.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT)"))
        connection.execute(text("INSERT INTO notes (note) VALUES ('one'), ('two'), ('three')"))
    engine.dispose()
    _immutable(path, True)
    kept = []
    try:
        with db.write_transaction(engine) as connection:
            assert len(connection.execute(text("SELECT note FROM notes")).all()) == 3  # the transaction reads
            connection.execute(text("INSERT INTO notes (note) VALUES ('refused')"))
    except OperationalError as error:
        kept.append(error)
    finally:
        _immutable(path, False)
    assert kept and "readonly" in str(kept[0])
    assert _descriptors_open_on(path) == 0  # the discarded connection is really closed

    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO notes (note) VALUES ('written')")
        other.execute("COMMIT")  # needs every other connection's lock gone: "database is locked" otherwise
    finally:
        other.close()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT note FROM notes ORDER BY id")).scalars().all() == [
            "one",
            "two",
            "three",
            "written",
        ]
    engine.dispose()


def test_a_deleted_file_is_noticed_not_served_and_not_recreated(database, tmp_path):
    app = _app()
    client = app.server.test_client()
    assert _sign_in(client).status_code == 302
    assert client.get("/healthz").status_code == 200
    kept = tmp_path / "kept.db"
    shutil.copy(database, kept)

    database.unlink()  # open connections could still read the deleted file's pages
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["problem"]) == (
        503,
        "The database file is missing: it has been deleted or moved.",
    )
    page = client.get("/upload")
    assert page.status_code == 503
    assert "The dashboard cannot use its database just now" in page.get_data(as_text=True)
    layout = client.get("/_dash-layout")  # the app's frame, fetched by the browser after the page
    assert layout.status_code == 200 and "The dashboard cannot use its database just now" in layout.get_data(
        as_text=True
    )
    assert not database.exists(), "a deleted database must not be recreated empty"

    shutil.copy(kept, database)  # the operator puts it back: served again without a restart
    assert client.get("/healthz").status_code == 200
    assert client.get("/upload").status_code == 200


def test_a_replaced_file_is_read_as_it_now_is(database, tmp_path):
    from dashboard.server import data

    _app()
    before = reads.latest_period(data.engine())
    replacement = tmp_path / "replacement.db"
    shutil.copy(database, replacement)
    with sqlite3.connect(replacement) as connection:
        connection.execute("DELETE FROM observations WHERE period = ?", (before,))
    connection.close()
    replacement.replace(database)  # a new file (new inode) under the same name

    after = reads.latest_period(data.engine())
    assert after is not None and after < before


def _callback_key(app, *parts: str) -> str:
    matches = [key for key in app.callback_map if all(part in key for part in parts)]
    assert len(matches) == 1, matches
    return matches[0]


def test_confirm_on_a_file_turned_read_only_says_nothing_was_imported(database, tmp_path, caplog):
    """The failure happens inside the callback (the signed-in user is read, the import's write is refused):
    Dash's `on_error` puts the message in the preview, in place of "Ready to import"."""
    import base64

    from dashboard import ids
    from dashboard.server import data
    from tests.auth_helpers import callback
    from tests.returns.builders import template_row, template_workbook

    app = _app()
    client = app.server.test_client()
    assert _sign_in(client).status_code == 302
    workbook = template_workbook(
        tmp_path / "february.xlsx", [template_row("3.1", "2023-02", numerator=250, denominator=310)]
    )
    contents = "data:application/octet-stream;base64," + base64.b64encode(workbook.read_bytes()).decode()
    checked = callback(
        client,
        _callback_key(app, f"{ids.UPLOAD_PREVIEW}.children...", f"{ids.STAGED_TOKEN}.data..."),
        [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        [{"id": ids.UPLOAD, "property": "filename", "value": "february.xlsx"}],
    )
    token = checked.get_json()["response"][ids.STAGED_TOKEN]["data"]
    assert "Ready to import" in json.dumps(checked.get_json())

    _immutable(database, True)
    data.engine().dispose()  # as after a restart: connections open read-only from here on
    caplog.clear()
    response = callback(
        client,
        _callback_key(app, f"{ids.CONFIRM_BUTTON}.disabled@"),
        [{"id": ids.CONFIRM_BUTTON, "property": "n_clicks", "value": 1}],
        [
            {"id": ids.STAGED_TOKEN, "property": "data", "value": token},
            {"id": ids.UPLOAD_REASON, "property": "value", "value": ""},
        ],
    )
    assert response.status_code == 200
    shown = json.dumps(response.get_json()["response"][ids.UPLOAD_PREVIEW]["children"])
    assert "The dashboard cannot use its database just now" in shown
    assert "The database can be read but not written to." in shown
    assert "Nothing was saved" in shown and "Ready to import" not in shown
    reference = re.search(r"Reference: \", \"([0-9A-F]{8})|\"children\": \"([0-9A-F]{8})\"", shown)
    assert reference, shown
    reference = reference.group(1) or reference.group(2)
    lines = [r.getMessage() for r in caplog.records if reference in r.getMessage()]
    assert len(lines) == 1 and "read-only" in lines[0]
    _immutable(database, False)
    assert reads.latest_period(data.engine()) == "2023-01"  # nothing was imported
