"""The committee layout: the Measures that Matter table as officers keep it in Excel.

A title row; a header row holding Ref, Measure, good looks like, Progress, chart link and one column per
month (Excel dates or text such as 'Dec-22'), repeated on each printed page; area heading rows ('3' and
the area's text, often merged); measure rows whose cells read '42/108 39%', '198 (291)' with '69.0%' on the
row below, '627 out of 987 63.5%', '10 48%', '59%', '17.2', 'TBC', 'NEW MEASURE' or nothing.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from measures.domain.catalogue import Catalogue
from measures.returns.candidates import Candidate, ParsedReturn
from measures.returns.cells import BLANK, CellError, combine, parse_figure, period_of_header, text_of
from measures.returns.interpret import Place, interpret, problem
from measures.returns.report import Issue
from measures.returns.workbook import Sheet

_MEASURE_REF = re.compile(r"^\d{1,2}\.\d{1,2}$")
_AREA_REF = re.compile(r"^\d{1,2}$")


_DESCRIPTIVE_COLUMNS = ("good looks like", "chart link")


class _Header:
    def __init__(self, row: list):
        self.ref = self.measure = self.progress = None
        self.months: dict[int, str] = {}
        self.unreadable: dict[int, str] = {}  # column -> why its header is not a month
        self.others: dict[int, str] = {}  # column -> a header that is neither a month nor a known column
        self.unread_columns: set[int] = set()  # columns of `others` found holding figures (reported once)
        self.row_index = 0  # where the header row is, once it is taken as the sheet's header
        for column, cell in enumerate(row):
            name = text_of(cell).lower()
            if name == "ref":
                self.ref = column
            elif name == "measure":
                self.measure = column
            elif name == "progress":
                self.progress = column
            elif name and name not in _DESCRIPTIVE_COLUMNS:
                try:
                    period = period_of_header(cell)
                except CellError as error:
                    self.unreadable[column] = str(error)
                    continue
                if period is not None:
                    self.months[column] = period
                else:
                    self.others[column] = text_of(cell)

    @property
    def names_columns(self) -> bool:
        """The row has the Ref and Measure headings."""
        return self.ref is not None and self.measure is not None

    @property
    def ref_column(self) -> int:
        """The Ref column of a row that names its columns (see `names_columns`)."""
        if self.ref is None:
            raise ValueError("this row has no Ref heading")
        return self.ref

    @property
    def valid(self) -> bool:
        """A header row: Ref, Measure and month columns, even if some month headers cannot be read."""
        return self.names_columns and bool(self.months or self.unreadable)

    def without_months(self, sheet: str, index: int) -> Issue:
        """The error for a row with Ref and Measure but no column headed by a month, naming its cells."""
        cells = [f"{_address(column, index)} (“{text}”)" for column, text in list(self.others.items())[:6]]
        found = f"; its other headings are {', '.join(cells)}" if cells else ""
        return problem(
            "error",
            "no-header",
            Place(sheet, _address(self.ref_column, index)),
            f"this row has the headings Ref and Measure but no column headed by a month{found}",
            "In the committee table, head each month's column with its month: an Excel date, Dec-22, Jan 2023 or "
            "01/01/2023 (day first). The template's header needs Ref and Period.",
            cell=_address(next(iter(self.others), self.ref_column), index),
        )

    def unread_figures(self, sheet: str, index: int, row: list) -> list[Issue]:
        """A warning, once per column, when a measure row has figures under a heading that is not a month."""
        issues = []
        for column, text in self.others.items():
            if column in self.unread_columns or column in (self.ref, self.measure, self.progress):
                continue
            try:
                figure = parse_figure(_cell(row, column))
            except CellError:
                continue  # words, such as a comment: not a figure left behind
            if figure == BLANK:
                continue
            self.unread_columns.add(column)
            issues.append(
                problem(
                    "warning",
                    "ignored-cell",
                    Place(sheet, _address(column, self.row_index)),
                    f"the column headed “{text}” holds figures (such as cell {_address(column, index)}) but its "
                    "heading is not a month, so nothing in it was imported",
                    "If it is a month, write its heading as an Excel date, Dec-22, Jan 2023 or 01/01/2023.",
                )
            )
        return issues

    def problems(self, sheet: str, index: int) -> list:
        """An error for each month header that cannot be read, naming its cell."""
        return [
            problem(
                "error",
                "bad-period",
                Place(sheet, _address(column, index)),
                why,
                "Write the month as an Excel date, as Dec-22 or Jan 2023, or as 01/01/2023 (day first).",
            )
            for column, why in self.unreadable.items()
        ]


def _cell(row: list, column: int | None) -> object:
    return row[column] if column is not None and column < len(row) else None


def _address(column: int, row_index: int) -> str:
    return f"{get_column_letter(column + 1)}{row_index + 1}"


def _is_continuation(row: list, header: _Header) -> bool:
    """A row under a measure row with no ref or title of its own, carrying the percentages."""
    if text_of(_cell(row, header.ref)) or text_of(_cell(row, header.measure)):
        return False
    return any(_cell(row, column) is not None for column in header.months)


def parse_committee(sheets: list[Sheet], catalogue: Catalogue) -> ParsedReturn | None:
    """Return what a committee-layout workbook holds, or None if no sheet has its header."""
    parsed = ParsedReturn(layout="committee")
    found_header = False
    without_months: Issue | None = None
    measures = {m.ref: m for m in catalogue.measures}
    for sheet in sheets:
        header: _Header | None = None
        rows = sheet.rows
        index = 0
        while index < len(rows):
            row = rows[index]
            candidate_header = _Header(row)
            if candidate_header.valid:
                header, found_header = candidate_header, True
                header.row_index = index
                parsed.issues.extend(candidate_header.problems(sheet.name, index))
                index += 1
                continue
            if candidate_header.names_columns and without_months is None:
                without_months = candidate_header.without_months(sheet.name, index)
            if header is None:
                index += 1
                continue
            ref = text_of(_cell(row, header.ref))
            continuation = None
            if index + 1 < len(rows) and _is_continuation(rows[index + 1], header):
                continuation = rows[index + 1]
            if _MEASURE_REF.match(ref):
                _parse_measure_row(sheet.name, row, continuation, index, header, measures, parsed)
                parsed.issues.extend(header.unread_figures(sheet.name, index, row))
                index += 2 if continuation is not None else 1
                continue
            if ref and not _AREA_REF.match(ref) and any(_cell(row, c) is not None for c in header.months):
                parsed.issues.append(
                    problem(
                        "error",
                        "unknown-ref",
                        Place(sheet.name, _address(header.ref_column, index), ref=ref),
                        f"“{ref}” is not a measure ref",
                        "Use the refs of the published table, 1.1 to 10.7.",
                    )
                )
            index += 1
    if not found_header and without_months is not None:
        # A header the importer cannot read: say where it is, rather than that there is none.
        return ParsedReturn(layout="committee", issues=[without_months])
    return parsed if found_header else None


def _unreadable(place: Place, error: CellError, cell: str):
    return problem(
        "error",
        "not-a-number",
        place,
        str(error),
        "Write a count, counts such as 42/108, a percentage such as 39%, TBC, NEW MEASURE, n/a or * (suppressed), "
        "or leave it blank.",
        cell=cell,
    )


def _parse_measure_row(sheet, row, continuation, index, header, measures, parsed) -> None:
    ref = text_of(_cell(row, header.ref))
    measure = measures.get(ref)
    if measure is None:
        parsed.issues.append(
            problem(
                "error",
                "unknown-ref",
                Place(sheet, _address(header.ref, index), ref=ref),
                f"“{ref}” is not a measure ref",
                "Use the refs of the published table, 1.1 to 10.7.",
            )
        )
        return
    periods = []
    for column, period in header.months.items():
        main_cell = _cell(row, column)
        below = _cell(continuation, column) if continuation is not None else None
        place = Place(sheet, _address(column, index), ref=ref, period=period)
        if main_cell is not None or below is not None:
            parsed.dated.append(place)
        try:
            main = parse_figure(main_cell)
        except CellError as error:
            parsed.issues.append(_unreadable(place, error, place.cell))
            continue
        try:
            continued = parse_figure(below)
        except CellError as error:
            parsed.issues.append(_unreadable(place, error, _address(column, index + 1)))
            continue
        figure = combine(main, continued)
        if figure == BLANK:
            continue
        periods.append(period)
        below_cell = _address(column, index + 1)
        cells = {
            "value": below_cell if continued != BLANK and main.percent is None else place.cell,
            "status": below_cell if main.status == "ok" and continued.status != "ok" else place.cell,
        }
        result = interpret(measure, figure, place, cells=cells)
        parsed.issues.extend(result.issues)
        if result.row is not None:
            parsed.candidates.append(Candidate(result.row, place))
    progress = text_of(_cell(row, header.progress))
    if progress:
        parsed.progress[ref] = (progress, sheet, _address(header.progress, index), list(header.months.values()))
