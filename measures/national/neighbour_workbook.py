"""Reading and checking DfE's statistical neighbour workbooks (`sn_may_2025.xlsx`): each authority's ten closest
neighbours, SN1 (closest) to SN10, each with its closeness band (the SNP column after it).

The groups start below a few rows of notes: the header row is found by its cells (`LA num`, `SN1` ... `SN10`), not
by its place. The groups end at the first blank row; what follows (the "Old SNs:" of authorities that no longer
exist) is not part of the edition and is reported as not read. Every code is checked against DfE's code list.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from measures.domain.national_reference import Areas
from measures.national.report import NationalIssue, NationalReport
from measures.national.workbook_process import Cell, Sheets

HEADER_SEARCH_ROWS = 50
NEIGHBOURS = 10
_NO_NEIGHBOUR = {"", "-", "."}
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")


def _fold(value: Cell) -> str:
    return " ".join(str(value if value is not None else "").split()).casefold()


def _letter(index: int) -> str:
    """The spreadsheet letter of the column at 0-based `index` (0 is A)."""
    return get_column_letter(index + 1)


def _code(value: Cell) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else None
    text = str(value or "").strip()
    return int(float(text)) if _WHOLE.fullmatch(text) else None


def _text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value if value is not None else "").split())


def _find_header(rows: list[list[Cell]]) -> tuple[int, int, int | None, list[tuple[int, int | None]]] | None:
    """(header row index, LA num column, LA Name column or None, [(SNk column, SNP column or None)])."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        folded = [_fold(cell) for cell in row]
        if "la num" not in folded and "la number" not in folded:
            continue
        positions = []
        for k in range(1, NEIGHBOURS + 1):
            if f"sn{k}" not in folded:
                break
            column = folded.index(f"sn{k}")
            band = column + 1 if column + 1 < len(folded) and folded[column + 1] == "snp" else None
            positions.append((column, band))
        if len(positions) != NEIGHBOURS:
            continue
        code_column = folded.index("la num") if "la num" in folded else folded.index("la number")
        name_column = folded.index("la name") if "la name" in folded else None
        return index, code_column, name_column, positions
    return None


def read_neighbour_groups(
    sheets: Sheets, filename: str, areas: Areas, report: NationalReport
) -> dict[int, list[tuple[int, str]]]:
    """Return each authority's neighbours, closest first, as (DfE number, closeness band), from the first sheet with
    a neighbour header; add every problem to `report` (errors refuse the file). Raises nothing for any cell."""
    for sheet, rows in sheets:
        header = _find_header(rows)
        if header is not None:
            return _read_groups(sheet, rows, header, areas, report)
    if any(_looks_like_long_form(rows) for _, rows in sheets):
        sentence = (
            f"{filename} holds LAIT's long form in a workbook: save it as CSV (UTF-8) and import that file, so that "
            "every figure is read exactly as published."
        )
    else:
        sentence = (
            f"{filename} is not a statistical neighbour workbook: no sheet has a row naming LA num and SN1 to SN10 "
            f"in its first {HEADER_SEARCH_ROWS} rows."
        )
    report.add(NationalIssue("error", "no-header", sentence))
    return {}


def _looks_like_long_form(rows: list[list[Cell]]) -> bool:
    return any(
        {"short desc", "la number", "values"} <= {_fold(cell) for cell in row} for row in rows[:HEADER_SEARCH_ROWS]
    )


def _read_groups(
    sheet: str,
    rows: list[list[Cell]],
    header: tuple[int, int, int | None, list[tuple[int, int | None]]],
    areas: Areas,
    report: NationalReport,
) -> dict[int, list[tuple[int, str]]]:
    header_index, code_column, name_column, positions = header
    groups: dict[int, list[tuple[int, str]]] = {}
    first_row: dict[int, int] = {}

    def cell(row: list[Cell], column: int | None) -> Cell:
        return row[column] if column is not None and column < len(row) else None

    def refuse(code: str, row_number: int, column: int | None, sentence: str) -> None:
        where = f"Sheet {sheet}, row {row_number}" + (
            f", cell {_letter(column)}{row_number}" if column is not None else ""
        )
        report.add(
            NationalIssue(
                "error",
                code,
                f"{where}: {sentence}",
                sheet=sheet,
                row=row_number,
                column=_column_name(rows, header_index, column),
            )
        )

    end = len(rows)
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        row_number = index + 1
        if all(_text(value) == "" for value in row):
            end = index
            break
        code = _code(cell(row, code_column))
        if code is None:
            refuse(
                "bad-la-code",
                row_number,
                code_column,
                f"'{_text(cell(row, code_column))}' is not an authority's DfE number.",
            )
            continue
        area = areas.find(code)
        if area is None or area.kind != "authority":
            refuse("unknown-authority", row_number, code_column, f"{code} is not an authority in DfE's code list.")
            continue
        if name_column is not None and _fold(cell(row, name_column)) != _fold(area.name):
            refuse(
                "name-mismatch",
                row_number,
                name_column,
                f"'{_text(cell(row, name_column))}' disagrees with DfE's code list, where {code} is {area.name}.",
            )
        places: list[tuple[int, str]] = []
        missing: list[str] = []
        bad = False
        for k, (column, band_column) in enumerate(positions, start=1):
            value = cell(row, column)
            if _text(value) in _NO_NEIGHBOUR:
                missing.append(f"SN{k}")
                continue
            neighbour = _code(value)
            if neighbour is None:
                refuse("bad-la-code", row_number, column, f"SN{k} '{_text(value)}' is not an authority's DfE number.")
                bad = True
            elif (found := areas.find(neighbour)) is None or found.kind != "authority":
                refuse(
                    "unknown-authority",
                    row_number,
                    column,
                    f"SN{k} {neighbour} is not an authority in DfE's code list.",
                )
                bad = True
            elif neighbour == code or neighbour in [p for p, _ in places]:
                refuse(
                    "incomplete-group",
                    row_number,
                    column,
                    f"SN{k} {neighbour} is {area.name} itself or is listed twice.",
                )
                bad = True
            else:
                places.append((neighbour, _text(cell(row, band_column))))
        if len(missing) == NEIGHBOURS:
            report.add(
                NationalIssue(
                    "warning",
                    "no-group",
                    f"Sheet {sheet}, row {row_number}: {area.name} has no neighbours in this edition; it is left out.",
                    sheet=sheet,
                    row=row_number,
                )
            )
            continue
        if missing:
            refuse("incomplete-group", row_number, None, f"{area.name}'s group lacks {', '.join(missing)}.")
            continue
        if bad:
            continue
        if code in groups:
            refuse(
                "duplicate-conflict",
                row_number,
                code_column,
                f"{area.name} is listed again (first on row {first_row[code]}).",
            )
            continue
        groups[code] = places
        first_row[code] = row_number
    left = [index + 1 for index in range(end, len(rows)) if any(_text(value) for value in rows[index])]
    if left:
        report.add(
            NationalIssue(
                "warning",
                "rows-not-read",
                f"Sheet {sheet}: the {len(left)} rows after the blank row {end + 1} (rows {left[0]} to {left[-1]}) "
                "are not part of the groups and were not read.",
                sheet=sheet,
                row=left[0],
            )
        )
    if not groups and not report.errors:
        report.add(
            NationalIssue("error", "no-figures", f"Sheet {sheet} has the neighbour header but no groups.", sheet=sheet)
        )
    return groups


def _column_name(rows: list[list[Cell]], header_index: int, column: int | None) -> str:
    if column is None or column >= len(rows[header_index]):
        return ""
    return _text(rows[header_index][column])
