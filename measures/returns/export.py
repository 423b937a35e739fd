"""Writing figures out: CSV (the stable export contract) and Excel (the return layout, so it imports back).

Every CSV and Excel file the project writes passes its text through `neutralise` and every CSV through
`write_csv`, so no text anyone typed opens as a live spreadsheet formula.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO, TypeVar, overload

import pandas as pd

from measures.domain.catalogue import Catalogue
from measures.storage.output_files import workbook_bytes, write_whole

CSV_COLUMNS = ("ref", "period", "team", "numerator", "denominator", "value", "status")
RETURN_SHEET = "Return"
RETURN_HEADER = ("Ref", "Measure", "Team", "Period", "Numerator", "Denominator", "Value", "Status", "Note")
# Exports add this column so that demonstration figures stay marked as such when a file is imported back.
SYNTHETIC_HEADER = "Synthetic"
# A spreadsheet starts a formula at =, +, - or @ (some also at their full-width forms, which Japanese input
# gives), and may skip spaces, invisible characters and control characters before it; a leading tab or carriage
# return is neutralised whatever follows.
_FORMULA_SIGNS = "=+\\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
_SKIPPED = "\\x00-\\x08\\x0e-\\x1f \u00a0\u1680\u2000-\u200f\u202a-\u202f\u205f-\u206f\u3000\ufeff"
# A line begins at the start of the text and after every line break a spreadsheet or a text reader may honour:
# CR LF, CR, LF, and the other separators str.splitlines knows (VT, FF, FS, GS, RS, NEL, U+2028, U+2029).
# Text after a break is checked as well, because a program that reads a CSV line by line, or opens a cell's
# lines as rows, would otherwise find a formula at the start of the second line.
_LINE_START = re.compile(
    rf"(?:\A|\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])"
    rf"(?=[\t\r]|[{_SKIPPED}]*[{_FORMULA_SIGNS}])"
)


# Control characters an Excel file cannot hold at all (openpyxl refuses them); tab, LF and CR it can.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


_Value = TypeVar("_Value")


@overload
def neutralise(text: str) -> str: ...
@overload
def neutralise(text: _Value) -> _Value: ...
def neutralise(text: object) -> object:
    """Return text that a spreadsheet will not run as a formula, wherever it is opened, and that any
    spreadsheet file can hold.

    The text and every line inside it (after CR, LF, CR LF or another line separator) that begins with =, +, -,
    @ or their full-width forms (after any spaces, invisible or control characters), a tab or a carriage return
    gets a ' in front; then control characters other than tab, LF and CR (which
    no Excel file can hold) become spaces. Non-text values are returned unchanged.
    """
    if not isinstance(text, str):
        return text
    return _UNWRITABLE.sub(" ", _LINE_START.sub(lambda match: match.group(0) + "'", text))


def write_csv(handle: TextIO, rows: Iterable[Sequence[object]]) -> None:
    """Write `rows` to `handle` as CSV that opens safely in any spreadsheet.

    Lines end in CR LF (RFC 4180), every text field is neutralised and quoted, so a line break, separator or
    quote inside it stays inside its cell whichever separator the reader chooses; numbers are written bare and
    None as an empty field. Open `handle` with newline="".
    """
    writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow(["" if value is None else neutralise(value) for value in row])


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float):
        rounded = float(f"{value:.10g}")  # ten significant figures, as the export has always given
        return int(rounded) if rounded.is_integer() else rounded
    return value


def export_csv(frame: pd.DataFrame, handle: TextIO) -> None:
    """Write figures as CSV with the columns ref,period,team,numerator,denominator,value,status.

    The header line is the contract's, unquoted; every text field below it is quoted and neutralised (see
    `write_csv`). Open `handle` with newline="".
    """
    handle.write(",".join(CSV_COLUMNS) + "\r\n")
    write_csv(
        handle, ([_cell(value) for value in record] for record in frame[list(CSV_COLUMNS)].itertuples(index=False))
    )


def export_xlsx(frame: pd.DataFrame, catalogue: Catalogue, path: str | Path) -> Path:
    """Write figures as an Excel workbook in the return layout (sheet 'Return'), which imports back unchanged.

    Returns the path written. Raises OSError if the file cannot be written.
    """
    from openpyxl import Workbook

    titles = {m.ref: m.title for m in catalogue.measures}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RETURN_SHEET)
    sheet.append([*RETURN_HEADER, SYNTHETIC_HEADER])
    # Read each column once as plain Python values (floats are NaN where a figure is missing).
    refs: list[str] = frame["ref"].tolist()
    teams: list[str] = frame["team"].tolist()
    periods: list[str] = frame["period"].tolist()
    numerators: list[float] = frame["numerator"].tolist()
    denominators: list[float] = frame["denominator"].tolist()
    values: list[float] = frame["value"].tolist()
    statuses: list[str] = frame["status"].tolist()
    notes: list[str | None] = frame["note"].tolist()
    synthetic: list[bool] = frame["synthetic"].tolist()
    for ref, team, period, numerator, denominator, value, status, note, is_synthetic in zip(
        refs, teams, periods, numerators, denominators, values, statuses, notes, synthetic, strict=True
    ):
        sheet.append(
            [
                ref,
                neutralise(titles.get(ref, "")),
                neutralise(team),
                period,
                None if pd.isna(numerator) else float(numerator),
                None if pd.isna(denominator) else float(denominator),
                None if pd.isna(value) else float(value),
                status.upper() if status != "ok" else "",
                neutralise(note),
                "yes" if is_synthetic else "",
            ]
        )
    return write_whole(path, workbook_bytes(workbook))
