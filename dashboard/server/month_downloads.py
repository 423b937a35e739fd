"""The whole month to download, beside the meeting pack's PDF: `/pack.xlsx?period=YYYY-MM` (an Excel workbook: the
headline, a sheet per improvement area, the improvement plan) and `/pack.csv?period=YYYY-MM` (every measure in one
table), built by `measures.views.month_export`.

The request gate lets through whoever may read the pack; each reader then gets the months they may see
(`access.visible_months`): a viewer, or anyone under open viewing, the published months only, and a draft month is
answered as a month with no figures is. An officer or admin may download a draft month, and the file says DRAFT
in its name, its titles and every row. Every text cell is made safe for a spreadsheet (`neutralise`, `write_csv`),
so a title or commentary that begins with = + - @ is text, never a formula.
"""

from __future__ import annotations

import io
import re

from flask import Flask, Response, request

from dashboard.server import access
from dashboard.server.data import engine
from measures.domain.periods import is_period, long_label, make_period, parse_period
from measures.returns.export import neutralise, write_csv
from measures.storage.output_files import workbook_bytes
from measures.views.month_export import ExportTable, MonthExport, build_month_export

XLSX_PATH = "/pack.xlsx"
CSV_PATH = "/pack.csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDEST_COLUMN = 60  # characters: long text (an action, commentary) wraps within this width


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def _sheet(workbook, table: ExportTable) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    sheet = workbook.create_sheet(table.name)
    for line in table.title:
        sheet.append([neutralise(line)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append([neutralise(column) for column in table.columns])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(table.rows):
        sheet.append([neutralise(value) for value in row])
        if index < len(table.row_decimals):
            _number_formats(sheet[sheet.max_row], table.row_decimals[index])
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    if table.rows:  # a spreadsheet table: its header row is announced by screen readers and each column filters
        last = sheet.cell(row=sheet.max_row, column=len(table.columns)).coordinate
        named = Table(displayName=re.sub(r"\W", "_", table.name), ref=f"A{header}:{last}")
        named.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        sheet.add_table(named)
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(column), *(len(str(row[index - 1] or "")) for row in table.rows)])
        letter = sheet.cell(row=header, column=index).column_letter
        sheet.column_dimensions[letter].width = min(max(longest, 6) + 2, _WIDEST_COLUMN)
    for row in sheet.iter_rows(min_row=header + 1):
        for cell in row:
            if isinstance(cell.value, str) and len(cell.value) > _WIDEST_COLUMN:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number_formats(cells, decimals: int) -> None:
    """Show the row's numbers as the page does: thousands separated, and a figure with decimal places with all of
    them (68.0, not 68). Counts are whole numbers (ints) and keep none."""
    for cell in cells:
        if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
            continue
        places = decimals if isinstance(cell.value, float) else 0
        cell.number_format = "#,##0" + ("." + "0" * places if places > 0 else "")


def workbook_of(export: MonthExport) -> bytes:
    """Return the month as an Excel workbook: the headline, a sheet per area and the plan, each with its title
    lines above a table whose header row stays in view; every text cell neutralised."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a new workbook comes with an empty sheet
    workbook.properties.title = export.headline.title[0]
    for table in export.tables:
        _sheet(workbook, table)
    return workbook_bytes(workbook)


def csv_of(export: MonthExport) -> str:
    """Return every measure of the month as CSV: one header row, then one row per measure naming its area and
    the month's publication ('DRAFT: not published' for a draft); every text field neutralised and quoted."""
    table = export.measures
    handle = io.StringIO(newline="")
    write_csv(handle, [table.columns, *table.rows])
    return handle.getvalue()


def _download(kind: str) -> Response:
    requested = request.args.get("period", "").strip()
    if requested and not is_period(requested):
        return _plain("The period must be a month in the form YYYY-MM, for example 2023-01.", 400)
    period = make_period(*parse_period(requested)) if requested else None
    export = build_month_export(engine(), period, access.visible_months())
    if export is None:
        month = long_label(period) if period else "any month"
        return _plain(f"There are no figures for {month}, so there is nothing to download.", 404)
    if kind == "xlsx":
        data, mimetype = workbook_of(export), XLSX_TYPE
    else:
        data, mimetype = ("\ufeff" + csv_of(export)).encode("utf-8"), "text/csv"  # the mark tells Excel it is UTF-8
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}.{kind}"',
            "Cache-Control": "no-store",
        },
    )


def month_xlsx() -> Response:
    """The `/pack.xlsx` view: the month as an Excel workbook, for whoever may see it."""
    return _download("xlsx")


def month_csv() -> Response:
    """The `/pack.csv` view: every measure of the month as CSV, for whoever may see it."""
    return _download("csv")


def register_month_download_routes(server: Flask) -> None:
    """Add the `/pack.xlsx` and `/pack.csv` routes to the Dash app's Flask server."""
    server.add_url_rule(XLSX_PATH, endpoint="month_xlsx", view_func=month_xlsx, methods=["GET"])
    server.add_url_rule(CSV_PATH, endpoint="month_csv", view_func=month_csv, methods=["GET"])
