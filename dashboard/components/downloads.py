"""Download buttons for any table (CSV and Excel) and any chart (PNG and SVG), reusable by every page.

A table's data travels with its buttons in a `dcc.Store`, so the one pair of pattern-matching callbacks here
serves every table on every page and nothing is held on the server between requests. Every text cell is
passed through `measures.returns.export.neutralise` (CSV through `measures.returns.export.write_csv`, which also quotes
it), so no line of text beginning with =, +, -, @ is ever run as a spreadsheet formula.

Usage in a layout::

    table_download_buttons("benchmarks-table", frame, "measure-3.1-benchmarks", "benchmarks")

Charts: `chart_download_buttons(graph_id, filename)` gives PNG and SVG buttons that call plotly's own
image export (`Plotly.downloadImage`) on the graph, the same export as the camera button of the modebar.
"""

from __future__ import annotations

import io
import math
import re
from urllib.parse import urlencode

import pandas as pd
from dash import MATCH, Input, Output, State, callback, clientside_callback, dcc, get_relative_path, html, no_update

from dashboard import ids
from dashboard.server.auth import requires
from dashboard.server.callback_requests import UnusableValue
from measures.accounts import users
from measures.returns.export import neutralise, write_csv

TABLE_BUTTON = "table-download-button"
TABLE_DOWNLOAD = "table-download"
TABLE_DATA = "table-download-data"
CHART_BUTTON = "chart-download-button"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}
# Far more than any table of the dashboard holds (a measure's months, a team's workers, a figure's versions), and
# small enough to write in about a second: the table travels in the browser, so without a limit anyone could send
# millions of cells and keep a worker writing a workbook for minutes.
MAX_DOWNLOAD_CELLS = 100_000
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(stem: str) -> str:
    """Return `stem` with anything but letters, digits, '.', '_' and '-' replaced by '-'."""
    return _UNSAFE_FILENAME.sub("-", stem).strip("-") or "table"


def _json_cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # counts read as 236, not 236.0
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def safe_sheet_name(name: str) -> str:
    """Return `name` as Excel allows a sheet to be called: without [ ] : * ? / \\ or control characters, not
    starting or ending with an apostrophe, at most 31 characters ('Data' when nothing is left)."""
    return (re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", name).strip().strip("'").strip() or "Data")[:31]


def table_data(frame: pd.DataFrame, filename: str, sheet: str = "Data") -> dict:
    """Return the JSON-safe payload the download callbacks read: filename stem, sheet name, columns, rows."""
    return {
        "filename": safe_filename(filename),
        "sheet": safe_sheet_name(sheet),
        "columns": [str(column) for column in frame.columns],
        "rows": [[_json_cell(value) for value in row] for row in frame.itertuples(index=False, name=None)],
    }


def table_download_buttons(table_id: str, frame: pd.DataFrame, filename: str, label: str) -> html.Div:
    """Return 'Download as CSV' and 'Download as Excel' buttons for the table `table_id`.

    `frame` holds the table's data as it should be downloaded (numbers as numbers), `filename` the file name
    without extension, `label` what the table is, for the buttons' accessible names ("Download <label> as
    CSV"). The buttons work through the callbacks of this module; nothing else need be registered.
    """
    buttons = [
        html.Button(
            ["Download as ", FORMAT_NAMES[fmt], html.Span(f" ({label})", className="visually-hidden")],
            id={"type": TABLE_BUTTON, "table": table_id, "format": fmt},
            className="button button-secondary button-small",
            type="button",
            n_clicks=0,
        )
        for fmt in ("csv", "xlsx")
    ]
    return html.Div(
        [
            *buttons,
            dcc.Download(id={"type": TABLE_DOWNLOAD, "table": table_id, "format": "csv"}),
            dcc.Download(id={"type": TABLE_DOWNLOAD, "table": table_id, "format": "xlsx"}),
            dcc.Store(id={"type": TABLE_DATA, "table": table_id}, data=table_data(frame, filename, label)),
        ],
        className="download-buttons",
    )


def _xlsx_cell(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # no spreadsheet cell holds NaN or infinity
    return neutralise(value)


def csv_text(data: dict) -> str:
    """Return the table payload (see `table_data`) as CSV text, header first, every text cell neutralised and
    quoted."""
    handle = io.StringIO(newline="")
    write_csv(handle, [[str(column) for column in data.get("columns", [])], *data.get("rows", [])])
    return handle.getvalue()


def xlsx_bytes(data: dict) -> bytes:
    """Return the table payload (see `table_data`) as an Excel workbook, every text cell neutralised."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_sheet_name(str(data.get("sheet") or "Data")))
    sheet.append([neutralise(str(column)) for column in data.get("columns", [])])
    for row in data.get("rows", []):
        sheet.append([_xlsx_cell(value) for value in row])
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def _check_payload(data) -> None:
    """Raise UnusableValue unless `data` has the shape `table_data` gives (the table travels in the browser) and
    at most MAX_DOWNLOAD_CELLS cells."""
    rows = data.get("rows", []) if isinstance(data, dict) else None
    columns = data.get("columns", []) if isinstance(data, dict) else None
    scalar = (type(None), bool, int, float, str)
    if (
        isinstance(columns, list)
        and isinstance(rows, list)
        and all(isinstance(r, list) for r in rows)
        and len(columns) + sum(len(row) for row in rows) > MAX_DOWNLOAD_CELLS
    ):
        raise UnusableValue(
            f"The table to download holds more than {MAX_DOWNLOAD_CELLS:,} cells, more than any table "
            "of the dashboard: reload the page and try again."
        )
    if (
        not isinstance(columns, list)
        or not isinstance(rows, list)
        or not all(isinstance(r, list) for r in rows)
        or not all(isinstance(cell, scalar) for row in [columns, *rows] for cell in row)
        or not isinstance(data.get("filename", ""), str)
        or not isinstance(data.get("sheet", ""), str)
    ):
        raise UnusableValue("The table to download did not arrive as the page sends it: reload the page and try again.")


@callback(
    Output({"type": TABLE_DOWNLOAD, "table": MATCH, "format": "csv"}, "data"),
    Input({"type": TABLE_BUTTON, "table": MATCH, "format": "csv"}, "n_clicks"),
    State({"type": TABLE_DATA, "table": MATCH}, "data"),
    prevent_initial_call=True,
)
@requires(users.VIEW_SERVICE)
def download_csv(n_clicks: int | None, data: dict | None):
    """Send the table as a CSV file when its CSV button is pressed."""
    if not n_clicks or not data:
        return no_update
    _check_payload(data)
    return dcc.send_string(csv_text(data), f"{safe_filename(data.get('filename', 'table'))}.csv", type="text/csv")


@callback(
    Output({"type": TABLE_DOWNLOAD, "table": MATCH, "format": "xlsx"}, "data"),
    Input({"type": TABLE_BUTTON, "table": MATCH, "format": "xlsx"}, "n_clicks"),
    State({"type": TABLE_DATA, "table": MATCH}, "data"),
    prevent_initial_call=True,
)
@requires(users.VIEW_SERVICE)
def download_xlsx(n_clicks: int | None, data: dict | None):
    """Send the table as an Excel workbook when its Excel button is pressed."""
    if not n_clicks or not data:
        return no_update
    _check_payload(data)
    return dcc.send_bytes(xlsx_bytes(data), f"{safe_filename(data.get('filename', 'table'))}.xlsx", type=XLSX_TYPE)


def chart_download_buttons(graph_id: str, filename: str, label: str = "chart") -> html.Div:
    """Return 'Download chart as PNG' and 'as SVG' buttons for the dcc.Graph `graph_id`, using plotly's own
    image export (the modebar camera gives PNG too)."""
    return html.Div(
        [
            html.Button(
                [f"Download {label} as ", fmt.upper()],
                id={"type": CHART_BUTTON, "graph": graph_id, "format": fmt, "filename": safe_filename(filename)},
                className="button button-secondary button-small",
                type="button",
                n_clicks=0,
            )
            for fmt in ("png", "svg")
        ],
        className="download-buttons",
    )


# Plotly.downloadImage runs in the browser: the server never renders images.
_CHART_DOWNLOAD_JS = """
function(n_clicks, id) {
    if (!n_clicks || !id) { return window.dash_clientside.no_update; }
    var holder = document.getElementById(id.graph);
    var graph = holder && (holder.classList.contains('js-plotly-plot') ? holder
                                                                         : holder.querySelector('.js-plotly-plot'));
    if (graph && window.Plotly) {
        var scale = id.format === 'png' ? 2 : 1;
        window.Plotly.downloadImage(graph, {format: id.format, filename: id.filename, width: 1400, height: 640,
                                            scale: scale});
    }
    return window.dash_clientside.no_update;
}
"""

clientside_callback(
    _CHART_DOWNLOAD_JS,
    Output({"type": CHART_BUTTON, "graph": MATCH, "format": MATCH, "filename": MATCH}, "title"),
    Input({"type": CHART_BUTTON, "graph": MATCH, "format": MATCH, "filename": MATCH}, "n_clicks"),
    State({"type": CHART_BUTTON, "graph": MATCH, "format": MATCH, "filename": MATCH}, "id"),
    prevent_initial_call=True,
)


def month_download_links(period: str | None) -> html.Span:
    """Return the links to the whole month as an Excel workbook and as CSV (`/pack.xlsx`, `/pack.csv`), for the
    pack's controls beside its PDF link."""

    def href(path: str) -> str:
        address = get_relative_path(path)
        return f"{address}?{urlencode({'period': period})}" if period else address

    return html.Span(
        [
            html.A(
                [
                    "Download Excel",
                    html.Span(" (the whole month: headline, every area, the plan)", className="visually-hidden"),
                ],
                href=href("/pack.xlsx"),
                id=ids.PACK_XLSX_LINK,
                className="button button-secondary pack-download-link",
            ),
            html.A(
                ["Download CSV", html.Span(" (every measure of the month)", className="visually-hidden")],
                href=href("/pack.csv"),
                id=ids.PACK_CSV_LINK,
                className="button button-secondary pack-download-link",
            ),
        ],
        className="pack-month-downloads",
    )
