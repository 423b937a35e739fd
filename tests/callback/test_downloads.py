"""The table download callbacks, called directly: every text cell is neutralised so that a spreadsheet never runs
it as a formula, numbers stay numbers, and the measure page's own tables download as shown."""

from __future__ import annotations

import base64
import csv
import io
import shutil
import sys

import flask_login
import pandas as pd
import pytest
from dash import no_update
from openpyxl import load_workbook

from dashboard.components.downloads import TABLE_DATA, csv_text, download_csv, download_xlsx, safe_filename, table_data
from dashboard.server.auth import SignedInUser
from measures.accounts.users import User

DANGEROUS = pd.DataFrame(
    {
        "=Label": [
            '=HYPERLINK("http://example.com","click")',
            "+44 1432 260000",
            "-2+3",
            "@SUM(A1:A9)",
            "\tTab",
            "Plain text",
        ],
        "Value": [1.5, -5.0, None, 0.0, 2.25, 236.0],
    }
)


@pytest.fixture
def data():
    return table_data(DANGEROUS, "measure 3.1/../evil", "A sheet: with [bad] chars?")


def _csv_rows(result: dict) -> list[list[str]]:
    return list(csv.reader(io.StringIO(result["content"])))


def test_csv_neutralises_every_text_cell_and_keeps_numbers(data):
    result = download_csv(1, data)
    assert result["filename"] == "measure-3.1-..-evil.csv"
    assert result["base64"] is False
    rows = _csv_rows(result)
    assert rows[0] == ["'=Label", "Value"]
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://example.com","click")',
        "'+44 1432 260000",
        "'-2+3",
        "'@SUM(A1:A9)",
        "'\tTab",
        "Plain text",
    ]
    assert [row[1] for row in rows[1:]] == ["1.5", "-5", "", "0", "2.25", "236"]


def test_excel_neutralises_every_text_cell_and_keeps_numbers(data):
    result = download_xlsx(1, data)
    assert result["filename"] == "measure-3.1-..-evil.xlsx" and result["base64"] is True
    workbook = load_workbook(io.BytesIO(base64.b64decode(result["content"])))
    sheet = workbook.active
    assert sheet.title == "A sheet  with  bad  chars"
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == ["'=Label", "Value"]
    assert cells[1][0] == '\'=HYPERLINK("http://example.com","click")'
    assert [row[0] for row in cells[2:]] == ["'+44 1432 260000", "'-2+3", "'@SUM(A1:A9)", "'\tTab", "Plain text"]
    assert [row[1] for row in cells[1:]] == [1.5, -5, None, 0, 2.25, 236]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere


@pytest.mark.parametrize("n_clicks", [None, 0])
def test_nothing_is_sent_before_a_click(data, n_clicks):
    assert download_csv(n_clicks, data) is no_update
    assert download_xlsx(n_clicks, data) is no_update
    assert download_csv(1, None) is no_update


@pytest.mark.parametrize(
    ("stem", "safe"),
    [("measure-3.1-2023-01", "measure-3.1-2023-01"), ("a b/c\\d", "a-b-c-d"), ("", "table"), ("../..", "..-..")],
)
def test_file_names_are_safe(stem, safe):
    assert safe_filename(stem) == safe


def _stores(component) -> list:
    """Every dcc.Store in a layout tree."""
    found = []
    if type(component).__name__ == "Store":
        found.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found.extend(_stores(child))
    return found


def test_the_measure_pages_tables_download_as_shown(demo_database, database_env, tmp_path):
    shutil.copy(demo_database, tmp_path / "demo.db")  # the app keeps its session key in the database
    database_env(tmp_path / "demo.db")
    from dashboard import create_app
    from dashboard.server.data import engine

    engine.cache_clear()
    try:
        app = create_app()
        measure_page = next(module for name, module in sys.modules.items() if name.endswith("pages.measure"))
        with app.server.test_request_context():  # the page is built for a signed-in viewer, as in the app
            flask_login.login_user(SignedInUser(User(id=1, name="Vera", role="viewer", active=True, session_epoch=1)))
            layout = measure_page.layout(ref="3.1", period="2023-01")
        stores = {store.id["table"]: store.data for store in _stores(layout) if isinstance(store.id, dict)}
        assert set(stores) == {"measure-months-table", "measure-benchmarks-table", "measure-revisions-table"}
        months = _csv_rows(download_csv(1, stores["measure-months-table"]))
        assert months[1] == ["3.1", "2023-01", "236", "304", "77.6", "ok", "", ""]
        assert months[2][:6] == ["3.1", "2022-12", "198", "291", "68", "ok"]
        benchmarks = _csv_rows(download_csv(1, stores["measure-benchmarks-table"]))
        assert benchmarks[0] == ["Comparator", "2019-20", "2020-21", "2021-22", "Synthetic"]
        assert benchmarks[1] == ["England", "", "", "88", ""]
    finally:
        engine.cache_clear()


def test_the_teams_download_holds_each_value_as_the_page_shows_it(app):
    """Assessment Team 1's 3.1 figure for January 2023 is 53/62, stored as 85.48387096774194; the page shows
    85.5%, and so must the download (it held the stored float)."""
    from tests.auth_helpers import client_as
    from tests.rendered import components, rendered, spoken

    tree = rendered(client_as(app, "viewer"), "/teams/3.1", "?period=2023-01")
    store = next(
        c["props"]["data"]
        for c in components(tree)
        if c["props"].get("id") == {"type": TABLE_DATA, "table": "teams-table"}
    )
    rows = {row[store["columns"].index("Team")]: row for row in store["rows"]}
    value = rows["Assessment Team 1"][store["columns"].index("Value")]
    page_row = next(
        spoken(c) for c in components(tree) if c["type"] == "Tr" and spoken(c).startswith("Assessment Team 1")
    )
    assert value == 85.5 and "85.5%" in page_row
    for row in store["rows"]:  # every team's value at the measure's one decimal place, as shown
        shown = row[store["columns"].index("Value")]
        assert shown is None or round(shown, 1) == shown
    assert "85.48" not in csv_text(store)
