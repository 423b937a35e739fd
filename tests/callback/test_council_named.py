"""The app names the council from the council file in force, in the Dash header and in the server's own pages,
and counts the improvement areas from the catalogue."""

from __future__ import annotations

import shutil

import pytest

from measures.domain.council import DEFAULT_COUNCIL_PATH
from tests.auth_helpers import add_test_users, client_as


@pytest.fixture
def other_council_app(demo_database, tmp_path, monkeypatch):
    """The demo app with a council file naming another council."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_database, path)
    council_file = tmp_path / "council.toml"
    shipped = DEFAULT_COUNCIL_PATH.read_text(encoding="utf-8")
    assert "la_code = 884" in shipped
    council_file.write_text(shipped.replace("la_code = 884", "la_code = 857"), encoding="utf-8")  # Rutland
    monkeypatch.setenv("MEASURES_DB_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MEASURES_COUNCIL_FILE", str(council_file))
    monkeypatch.delenv("MEASURES_OPEN_VIEWING", raising=False)
    from dashboard import create_app
    from dashboard.server import data

    data.engine.cache_clear()
    add_test_users(data.engine())
    made = create_app()
    made.server.test_client().get("/sign-in")
    yield made
    data.engine().dispose()
    data.engine.cache_clear()


def test_the_header_and_footer_come_from_the_council_file_and_the_catalogue(other_council_app):
    client = client_as(other_council_app, "viewer")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Rutland Children and Families" in layout
    assert "Herefordshire" not in layout
    assert "Improvement plan: ten improvement areas; measures 1.1 to 10.7." in layout


def test_the_sign_in_page_names_the_council_from_the_file(other_council_app):
    page = other_council_app.server.test_client().get("/sign-in").get_data(as_text=True)
    assert "Rutland Children and Families" in page
    assert "Herefordshire" not in page


def test_the_measure_page_compares_the_council_in_force(other_council_app):
    from tests.rendered import rendered, text

    page = " ".join(text(rendered(client_as(other_council_app, "viewer"), "/measure/3.1", "?period=2023-01")).split())
    assert "How Rutland compares" in page
