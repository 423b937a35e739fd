"""The template layout: sheet 'Return' with the header Ref, Measure, Team, Period, Numerator, Denominator,
Value, Status, Note, one row per measure, month and team; optional sheets 'Benchmarks' and 'Commentary'."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import chain

from openpyxl.utils import get_column_letter

from measures.domain.catalogue import Catalogue
from measures.domain.periods import PERIOD_PATTERN
from measures.returns.candidates import Candidate, ParsedReturn
from measures.returns.cells import (
    BLANK,
    CellError,
    Figure,
    is_percentage,
    number_of,
    period_of_cell,
    status_marker,
    status_of,
    text_of,
)
from measures.returns.interpret import Place, interpret, problem
from measures.returns.report import Issue
from measures.returns.template_columns import PlainRows, plain_rows
from measures.returns.workbook import Sheet

REQUIRED = ("ref", "period")
FIGURE_COLUMNS = ("numerator", "denominator", "value")
KNOWN_COLUMNS = ("ref", "measure", "team", "period", "numerator", "denominator", "value", "status", "note", "synthetic")
HEADER_SEARCH_ROWS = 10


def _normalise(cell: object) -> str:
    return text_of(cell).lower()


def find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """Return (row index, {column name: column index}) of a template header in the sheet's first rows, or None."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        names = {_normalise(cell): column for column, cell in enumerate(row) if _normalise(cell) in KNOWN_COLUMNS}
        if all(name in names for name in REQUIRED) and any(name in names for name in FIGURE_COLUMNS):
            return index, names
    return None


def _address(column: int, row_index: int) -> str:
    return f"{get_column_letter(column + 1)}{row_index + 1}"


def _cell(row: list, column: int | None) -> object:
    if column is None or column >= len(row):
        return None
    return row[column]


def parse_template(
    sheets: list[Sheet],
    catalogue: Catalogue,
    current_period: str = "9999-12",
    earliest_period: str = "0000-01",
    by_columns: bool = True,
) -> ParsedReturn | None:
    """Return what a template-layout workbook holds, or None if no sheet has the template header.

    Months after `current_period` or before `earliest_period` are left for the checks that report them. The rows
    are checked as columns (`template_columns`) and only those that fail a check are read cell by cell; with
    `by_columns` False every row is read cell by cell, which gives the same figures and the same problems."""
    found = None
    for sheet in sorted(sheets, key=lambda s: s.name != "Return"):
        header = find_header(sheet)
        if header:
            found = (sheet, *header)
            break
    if found is None:
        return None
    sheet, header_index, columns = found
    parsed = ParsedReturn(layout="template")
    refs = set(catalogue.refs)
    measures = {m.ref: m for m in catalogue.measures}
    first = header_index + 1
    if by_columns:
        plain = plain_rows(sheet.rows, first, columns, measures, sheet.name, current_period, earliest_period)
    else:
        plain = PlainRows({}, list(range(first, len(sheet.rows))))
    if plain.to_check:
        to_check = iter(plain.to_check)
        checking = next(to_check, None)
        for index in sorted(plain.candidates.keys() | set(plain.to_check)):
            if index == checking:
                checking = next(to_check, None)
                row = sheet.rows[index]
                if not all(cell is None for cell in row):
                    _parse_row(sheet.name, row, index, columns, measures, refs, parsed)
            else:
                parsed.candidates.append(plain.candidates[index])
    else:  # every row passed the column checks: their figures in sheet order
        parsed.candidates.extend(map(plain.candidates.__getitem__, sorted(plain.candidates)))
    parsed.named_months = _named_months(sheet, header_index, columns["period"])
    parsed.issues.extend(_other_return_sheets(sheets, sheet))
    by_name = {s.name.strip().lower(): s for s in sheets}
    if "benchmarks" in by_name:
        _parse_benchmarks(by_name["benchmarks"], refs, parsed)
    if "commentary" in by_name:
        _parse_commentary(by_name["commentary"], refs, parsed)
    return parsed


_PERIOD_TEXT = re.compile(PERIOD_PATTERN)


def _named_months(sheet: Sheet, header_index: int, period_column: int) -> set[str]:
    """Every month the Period column names below the header, with figures beside it or not (the template comes
    with the month in every row: the return's month even when no figure is filled in)."""
    months = set()
    cells = [row[period_column] if period_column < len(row) else None for row in sheet.rows[header_index + 1 :]]
    # The same few months fill thousands of rows: each text is looked at once. Only text is gathered (a set would
    # take 1, 1.0 and True for one cell, which the reading tells apart).
    texts = {cell for cell in cells if type(cell) is str}
    for cell in chain(texts, (cell for cell in cells if type(cell) is not str)):
        if cell is None:
            continue
        if type(cell) is str and _PERIOD_TEXT.fullmatch(cell):
            months.add(cell)
            continue
        try:
            months.add(period_of_cell(cell))
        except CellError:
            continue
    return months


def _other_return_sheets(sheets: list[Sheet], read: Sheet) -> list[Issue]:
    """A warning for each sheet other than `read` that also has the template's header and rows below it: only one
    sheet is read as the return, and figures elsewhere are never left out without a word."""
    issues = []
    for other in sheets:
        header = find_header(other) if other is not read else None
        if header is None:
            continue
        index, columns = header
        filled = next(
            (
                row_index
                for row_index in range(index + 1, len(other.rows))
                if text_of(_cell(other.rows[row_index], columns["ref"]))
            ),
            None,
        )
        if filled is None:
            continue
        issues.append(
            problem(
                "warning",
                "ignored-cell",
                Place(other.name, _address(columns["ref"], filled)),
                f"this sheet also has the return's header and rows, "
                f"but only sheet ‘{read.name}’ is read as the return, "
                "so nothing on this sheet was imported",
                f"If these rows belong to this return, copy them into sheet ‘{read.name}’ and upload it again.",
            )
        )
    return issues


def _parse_row(sheet: str, row: list, index: int, columns: dict, measures: dict, refs: set, parsed: ParsedReturn):
    def at(name: str) -> object:
        return _cell(row, columns.get(name))

    def address(name: str) -> str:
        return _address(columns[name], index) if name in columns else _address(0, index)

    figures_given = any(at(name) is not None for name in FIGURE_COLUMNS + ("status",))
    ref = text_of(at("ref"))
    place = Place(sheet, address("ref"), ref=ref)
    if not ref:
        if figures_given:
            parsed.issues.append(
                problem(
                    "error",
                    "unknown-ref",
                    place,
                    "this row has figures but no measure ref",
                    "Choose the measure's ref (e.g. 3.1) in column Ref.",
                )
            )
        return
    if ref not in refs:
        parsed.issues.append(
            problem(
                "error",
                "unknown-ref",
                place,
                f"“{ref}” is not a measure ref",
                "Use a ref from the Guidance sheet, for example 3.1.",
            )
        )
        return
    try:
        period = period_of_cell(at("period"))
    except CellError as error:
        if not figures_given and at("period") is None:
            return  # a pre-filled template row left empty
        parsed.issues.append(
            problem(
                "error",
                "bad-period",
                place,
                str(error),
                "Write the month as YYYY-MM (for example 2023-02) or as an Excel date.",
                cell=address("period"),
            )
        )
        return
    team = text_of(at("team"))
    parsed.dated.append(Place(sheet, address("period"), ref=ref, period=period, team=team))
    place = Place(sheet, address("value"), ref=ref, period=period, team=team)
    errors_before = len(parsed.issues)
    try:
        status = status_of(at("status"))
    except CellError as error:
        parsed.issues.append(
            problem(
                "error",
                "unknown-status",
                place,
                str(error),
                "Leave Status blank for a figure, or write TBC, NEW, N/A or SUPPRESSED.",
                cell=address("status"),
            )
        )
        status = "ok"
    numbers = {}
    status_cell = address("status")
    for name in FIGURE_COLUMNS:
        typed = at(name)
        marker = status_marker(typed) if isinstance(typed, str) else None
        if marker is not None:
            # 'n/a' or '*' typed in a figure's own cell: the month is marked, not a figure.
            if status == "ok":
                status, status_cell = marker, address(name)
            continue
        try:
            numbers[name] = number_of(typed)
        except CellError as error:
            parsed.issues.append(
                problem(
                    "error",
                    "not-a-number",
                    place,
                    str(error),
                    f"Enter the {name} as a number, leave it blank, or write n/a (not "
                    "applicable) or * (suppressed) in Status.",
                    cell=address(name),
                )
            )
    if len(parsed.issues) > errors_before:
        return
    measure = measures[ref]
    value = numbers.get("value")
    # A % sign or a percentage format states a percentage (61% is 61, for any measure; a count measure then
    # refuses it). A bare number is a percent measure's value as typed: 0.61 is questioned there, not scaled.
    stated_percent = is_percentage(at("value"))
    figure = Figure(
        numerator=numbers.get("numerator"),
        denominator=numbers.get("denominator"),
        percent=value if stated_percent else None,
        number=None if stated_percent else value,
        status=status,
    )
    if figure == BLANK:
        return
    main_cell = "numerator" if figure.numerator is not None and "numerator" in columns else "value"
    place = Place(sheet, address(main_cell) if main_cell in columns else address("ref"), ref, period, team)
    cells = {name: address(name) for name in FIGURE_COLUMNS if name in columns}
    cells["status"] = status_cell
    if status != "ok":
        place = Place(sheet, status_cell, ref, period, team)  # the month is marked there
    result = interpret(measure, figure, place, note=text_of(at("note")), cells=cells)
    parsed.issues.extend(result.issues)
    if result.row is not None:
        value_row = result.row
        if text_of(at("synthetic")).lower() in ("yes", "y", "true", "1"):
            value_row = replace(value_row, synthetic=True)
        parsed.candidates.append(Candidate(value_row, place))


def _header_columns(sheet: Sheet, wanted: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        names = {_normalise(cell): column for column, cell in enumerate(row)}
        if all(name in names for name in wanted):
            return index, names
    return None


def _parse_benchmarks(sheet: Sheet, refs: set, parsed: ParsedReturn) -> None:
    header = _header_columns(sheet, ("ref", "year", "comparator", "value"))
    if header is None:
        return
    start, columns = header
    for index in range(start + 1, len(sheet.rows)):
        row = sheet.rows[index]
        if all(cell is None for cell in row):
            continue
        ref, year = text_of(_cell(row, columns["ref"])), text_of(_cell(row, columns["year"]))
        comparator = text_of(_cell(row, columns["comparator"]))
        place = Place(sheet.name, _address(columns["value"], index), ref=ref)
        if ref not in refs:
            parsed.issues.append(
                problem(
                    "error",
                    "unknown-ref",
                    place,
                    f"“{ref}” is not a measure ref",
                    "Use a ref from the Guidance sheet.",
                    cell=_address(columns["ref"], index),
                )
            )
            continue
        try:
            value = number_of(_cell(row, columns["value"]))
        except CellError as error:
            parsed.issues.append(
                problem("error", "not-a-number", place, str(error), "Enter the benchmark as a number.")
            )
            continue
        if value is None or not year or not comparator:
            parsed.issues.append(
                problem(
                    "warning",
                    "ignored-cell",
                    place,
                    "a benchmark needs a year, a comparator and a value",
                    "The row was left out.",
                )
            )
            continue
        parsed.benchmarks.append(
            {
                "ref": ref,
                "year": year,
                "comparator": comparator,
                "value": value,
                "source": f"Uploaded return, sheet ‘{sheet.name}’ row {index + 1}",
            }
        )


def _parse_commentary(sheet: Sheet, refs: set, parsed: ParsedReturn) -> None:
    header = _header_columns(sheet, ("ref", "period", "text"))
    if header is None:
        return
    start, columns = header
    for index in range(start + 1, len(sheet.rows)):
        row = sheet.rows[index]
        text = text_of(_cell(row, columns["text"]))
        if not text:
            continue
        ref = text_of(_cell(row, columns["ref"]))
        place = Place(sheet.name, _address(columns["text"], index), ref=ref)
        if ref not in refs:
            parsed.issues.append(
                problem(
                    "error",
                    "unknown-ref",
                    place,
                    f"“{ref}” is not a measure ref",
                    "Use a ref from the Guidance sheet.",
                    cell=_address(columns["ref"], index),
                )
            )
            continue
        try:
            period = period_of_cell(_cell(row, columns["period"]))
        except CellError as error:
            parsed.issues.append(
                problem(
                    "error",
                    "bad-period",
                    place,
                    str(error),
                    "Write the month as YYYY-MM.",
                    cell=_address(columns["period"], index),
                )
            )
            continue
        parsed.commentary.append({"ref": ref, "period": period, "text": text})
