"""Writing figures out: CSV (the stable export contract) and Excel (the return layout, so it imports back)."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TextIO

import pandas as pd

from measures.catalogue import Catalogue

CSV_COLUMNS = ("ref", "period", "team", "numerator", "denominator", "value", "status")
RETURN_SHEET = "Return"
RETURN_HEADER = ("Ref", "Measure", "Team", "Period", "Numerator", "Denominator", "Value", "Status", "Note")
# Exports add this column so that demonstration figures stay marked as such when a file is imported back.
SYNTHETIC_HEADER = "Synthetic"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: object) -> object:
    """Return text that a spreadsheet will not run as a formula: a leading =, +, -, @ gets a ' prefix.

    Non-text values are returned unchanged.
    """
    if isinstance(text, str) and text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return neutralise(value)


def export_csv(frame: pd.DataFrame, handle: TextIO) -> None:
    """Write figures as CSV with the columns ref,period,team,numerator,denominator,value,status."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in frame[list(CSV_COLUMNS)].itertuples(index=False):
        writer.writerow([_cell(value) for value in record])


def export_xlsx(frame: pd.DataFrame, catalogue: Catalogue, path: str | Path) -> Path:
    """Write figures as an Excel workbook in the return layout (sheet 'Return'), which imports back unchanged.

    Returns the path written. Raises OSError if the file cannot be written.
    """
    from openpyxl import Workbook

    titles = {m.ref: m.title for m in catalogue.measures}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RETURN_SHEET)
    sheet.append([*RETURN_HEADER, SYNTHETIC_HEADER])
    for r in frame.itertuples(index=False):
        sheet.append([
            r.ref,
            neutralise(titles.get(r.ref, "")),
            neutralise(r.team),
            r.period,
            None if pd.isna(r.numerator) else float(r.numerator),
            None if pd.isna(r.denominator) else float(r.denominator),
            None if pd.isna(r.value) else float(r.value),
            r.status.upper() if r.status != "ok" else "",
            neutralise(r.note),
            "yes" if r.synthetic else "",
        ])
    path = Path(path)
    workbook.save(path)
    return path
