"""The app for callback tests: real, over a private copy of the demo database with a viewer, an officer and an
admin (tests/auth_helpers.py), requested through Flask's test client as a browser would."""

from __future__ import annotations

import shutil

import pytest

from tests.auth_helpers import add_test_users


@pytest.fixture
def app(demo_database, tmp_path, monkeypatch):
    """The app over a private copy of the demo database with one user of each role; open viewing is off."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_database, path)
    monkeypatch.setenv("MEASURES_DB_URL", f"sqlite:///{path}")
    monkeypatch.delenv("MEASURES_OPEN_VIEWING", raising=False)
    from dashboard import create_app
    from dashboard.server import data

    data.engine.cache_clear()
    add_test_users(data.engine())
    made = create_app()
    made.server.test_client().get("/sign-in")  # Dash merges the pages' callbacks into its map on a first request
    yield made
    data.engine().dispose()
    data.engine.cache_clear()
