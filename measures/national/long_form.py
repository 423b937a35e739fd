"""Reading and checking LAIT's benchmarking data in long form: a CSV with the columns `Short Desc, Data item, Years,
LA and Regions, Values, LA Number, Region`, one figure per row.

Every row is checked against LAIT's data items (`data/national/lait_items.csv`) and DfE's code list
(`data/national/authorities.csv`), and every problem is collected into the report before anything is decided.
Values are kept as published: a number as the float it reads as (LAIT writes "88.600000000000009"; it is never
rounded here), a marker as its status, never as 0.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from measures.domain.national_markers import marker_status
from measures.domain.national_reference import Areas, NationalItem, is_percentage
from measures.domain.national_years import parse_year
from measures.national.report import NationalIssue, NationalReport
from measures.storage.national import NationalFigure

COLUMNS = ("Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region")
MAX_ROWS = 2_000_000  # LAIT's whole data set is 641,070 rows
PERCENT_SLACK = 1000  # beyond -1000 or 1100 a "percentage" is a slip of the keyboard, not a publication
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)  # "١٢" is no figure
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?", re.ASCII)
MARKERS_TEXT = "x, c, z, ., - or blank"


@dataclass(frozen=True)
class _Columns:
    item: int
    year: int
    area: int
    value: int
    la_code: int
    letters: dict[str, str]  # column name -> its letter as a spreadsheet shows it


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _letter(index: int) -> str:
    """The spreadsheet letter of the column at 0-based `index` (0 is A)."""
    return get_column_letter(index + 1)


def decode(data: bytes) -> str | None:
    """Return the text of a CSV file's bytes (UTF-8, with or without its byte-order mark, else Windows-1252 as
    Excel saves it), or None for bytes that are no text at all. Raises nothing."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _header(record: list[str], report: NationalReport, filename: str) -> _Columns | None:
    found = {_fold(name): index for index, name in reversed(list(enumerate(record)))}
    missing = [name for name in COLUMNS if _fold(name) not in found]
    if missing:
        report.add(
            NationalIssue(
                "error",
                "not-long-form",
                f"{filename} is not LAIT's long form: row 1 should name the columns {', '.join(COLUMNS)}; "
                f"{'it lacks ' + ', '.join(missing)}.",
                row=1,
            )
        )
        return None
    return _Columns(
        item=found[_fold("Short Desc")],
        year=found[_fold("Years")],
        area=found[_fold("LA and Regions")],
        value=found[_fold("Values")],
        la_code=found[_fold("LA Number")],
        letters={name: _letter(found[_fold(name)]) for name in COLUMNS},
    )


def _cell(record: list[str], index: int) -> str:
    try:
        return record[index].strip()
    except IndexError:  # a short row: the cells it lacks are blank
        return ""


def read_long_form(
    text: str, filename: str, items: dict[str, NationalItem], areas: Areas, report: NationalReport
) -> list[NationalFigure]:
    """Return the figures of LAIT's long form `text`, each checked; add every problem to `report` (errors refuse
    the file: the figures returned are then not to be written). `filename` names the file in the sentences.

    Raises nothing for anything in the text."""
    reader = csv.reader(io.StringIO(text, newline=""))
    figures: dict[tuple[str, str, int], NationalFigure] = {}
    first_row: dict[tuple[str, str, int], int] = {}
    columns: _Columns | None = None
    row_number = 0
    known_codes: dict[str, tuple[int, str, str] | None] = {}  # LA Number text -> _known_code
    known_years: dict[str, str | None] = {}  # Years text -> its label, None for no known form
    try:
        for record in reader:
            row_number += 1
            if columns is None:
                columns = _header(record, report, filename)
                if columns is None:
                    return []
                continue
            if not any(cell.strip() for cell in record):
                continue
            if row_number > MAX_ROWS:
                report.add(
                    NationalIssue(
                        "error",
                        "too-many-rows",
                        f"{filename} has more than {MAX_ROWS:,} rows, more than any LAIT release: it was not read "
                        "further.",
                        row=row_number,
                    )
                )
                break
            figure = _check_row(record, row_number, columns, items, areas, known_codes, known_years, report)
            if figure is None:
                continue
            key = figure.key
            earlier = figures.get(key)
            if earlier is None:
                figures[key] = figure
                first_row[key] = row_number
            elif earlier.status == figure.status and (
                earlier.value == figure.value or (earlier.value is None and figure.value is None)
            ):
                report.add(
                    NationalIssue(
                        "warning",
                        "duplicate-same",
                        f"Row {row_number} repeats row {first_row[key]} ({figure.item}, {figure.year}, "
                        f"{figure.area}) with the same value: it is kept once.",
                        row=row_number,
                    )
                )
            else:
                report.add(
                    NationalIssue(
                        "error",
                        "duplicate-conflict",
                        f"Row {row_number} gives {figure.item} for {figure.year} and {figure.area} again, with a "
                        f"different value from row {first_row[key]}: say which is right and import again.",
                        row=row_number,
                        column="Values",
                    )
                )
    except csv.Error as error:
        report.add(
            NationalIssue(
                "error",
                "unreadable",
                f"Row {row_number + 1} of {filename} cannot be read as CSV ({error}): nothing after it was read.",
                row=row_number + 1,
            )
        )
    if columns is None:
        report.add(NationalIssue("error", "not-long-form", f"{filename} is empty: it holds no header and no figures."))
    elif not figures and not report.errors:
        report.add(NationalIssue("error", "no-figures", f"{filename} has the long form's header but no figures."))
    return list(figures.values())


def _check_row(
    record: list[str],
    row: int,
    columns: _Columns,
    items: dict[str, NationalItem],
    areas: Areas,
    known_codes: dict[str, tuple[int, str, str] | None],
    known_years: dict[str, str | None],
    report: NationalReport,
) -> NationalFigure | None:
    ok = True

    def refuse(code: str, column: str, sentence: str) -> None:
        nonlocal ok
        ok = False
        report.add(
            NationalIssue(
                "error",
                code,
                f"Row {row}, column {columns.letters[column]} ({column}): {sentence}",
                row=row,
                column=column,
            )
        )

    item = _cell(record, columns.item)
    if item not in items:
        refuse(
            "unknown-item",
            "Short Desc",
            f"'{_shown(item)}' is not one of LAIT's data items." if item else "the data item is blank.",
        )
    year_text = _cell(record, columns.year)
    if year_text not in known_years:
        parsed = parse_year(year_text)
        known_years[year_text] = parsed.label if parsed else None
    year = known_years[year_text]  # the label with its spacing made regular: "2024  (Rev)" is "2024 (Rev)"
    if year is None:
        refuse(
            "bad-year",
            "Years",
            f"'{_shown(year_text)}' is not a year in a form LAIT publishes (such as 2024, 2023-24, 2023/24 or "
            "2024 (Rev))."
            if year_text
            else "the year is blank.",
        )
    code_text = _cell(record, columns.la_code)
    area_name = _cell(record, columns.area)
    la_code = 0
    if code_text not in known_codes:
        known_codes[code_text] = _known_code(code_text, areas)
    known = known_codes[code_text]
    if known is None:
        if _WHOLE.fullmatch(code_text):
            refuse("unknown-authority", "LA Number", f"{_shown(code_text)} is not an authority in DfE's code list.")
        else:
            refuse(
                "bad-la-code",
                "LA Number",
                f"'{_shown(code_text)}' is not an authority's DfE number (a whole number such as 884)."
                if code_text
                else "the authority's DfE number is blank.",
            )
    else:
        la_code = known[0]
        if area_name != known[2] and _fold(area_name) != known[1]:
            listed = areas.find(la_code)
            refuse(
                "name-mismatch",
                "LA and Regions",
                f"'{_shown(area_name)}' disagrees with DfE's code list, where {la_code} is "
                f"{listed.name if listed else '?'}.",
            )
    value_text = _cell(record, columns.value)
    value: float | None = None
    status = ""
    marker = ""
    if _NUMBER.fullmatch(value_text):
        value = float(value_text)
        if not math.isfinite(value):
            refuse("not-a-number", "Values", f"'{_shown(value_text)}' is too large to be a published figure.")
        elif item in items and is_percentage(items[item]) and not 0 <= value <= 100:
            # LAIT publishes some percentages past 100 (take-up counted where children live and where they are
            # taught) and some gaps below 0, so only a figure no percentage can be is refused; the rest are named.
            where = f"Row {row}, column {columns.letters['Values']} (Values)"
            if not -PERCENT_SLACK <= value <= 100 + PERCENT_SLACK:
                refuse("out-of-range", "Values", f"'{_shown(value_text)}' cannot be a figure of {item}, a percentage.")
            else:
                report.add(
                    NationalIssue(
                        "warning",
                        "unusual-percentage",
                        f"{where}: {_shown(value_text)} is outside 0 to 100 for {item}, a percentage; it is kept as "
                        "published.",
                        row=row,
                        column="Values",
                    )
                )
    else:
        found = marker_status(value_text)
        if found is None:
            refuse(
                "not-a-number",
                "Values",
                f"'{_shown(value_text)}' is neither a number nor one of LAIT's markers ({MARKERS_TEXT}).",
            )
        else:
            status, marker = found, value_text
    if not ok:
        return None
    return NationalFigure(item, year or "", la_code, area_name, value, status, marker)


def _known_code(text: str, areas: Areas) -> tuple[int, str, str] | None:
    """(DfE number, folded name, name as listed) of the area `text` numbers, or None."""
    if not _WHOLE.fullmatch(text):
        return None
    area = areas.find(int(float(text)))
    return None if area is None else (area.la_code, _fold(area.name), area.name)


def _shown(text: str, limit: int = 60) -> str:
    """A value as typed, cut short for a sentence (the page shows it as text, never as markup)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
