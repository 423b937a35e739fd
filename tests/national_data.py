"""Test databases with national figures and neighbour groups, built in code: from rows a test writes out, or from
the shipped files in `data/national/` read plainly (the long-form CSV with the csv module, the neighbour
workbooks with python-calamine), so a test does not depend on the importer it may be checking."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook
from sqlalchemy import Engine

from measures.domain.national_markers import marker_status
from measures.domain.national_reference import NATIONAL_DATA_DIR
from measures.storage import national
from measures.storage.national import NationalFigure

EXTRACT = NATIONAL_DATA_DIR / "lait_extract.csv"
EDITIONS = {"April 2021": NATIONAL_DATA_DIR / "sn_april_2021.xlsx", "May 2025": NATIONAL_DATA_DIR / "sn_may_2025.xlsx"}


def figure(item: str, year: str, la_code: int, area: str, value: str) -> NationalFigure:
    """One figure as the long form writes it: `value` is the published text, a number or a marker."""
    status = marker_status(value)
    if status is not None:
        return NationalFigure(item, year, la_code, area, None, status=status, marker=value.strip())
    return NationalFigure(item, year, la_code, area, float(value))


def extract_figures(items: Sequence[str] | None = None, path: Path = EXTRACT) -> list[NationalFigure]:
    """Every figure of the shipped extract (of `items` only, when given)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            figure(row["Short Desc"], row["Years"], int(row["LA Number"]), row["LA and Regions"], row["Values"])
            for row in csv.DictReader(handle)
            if items is None or row["Short Desc"] in items
        ]


def workbook_groups(path: Path) -> dict[int, tuple[tuple[int, str], ...]]:
    """Every authority's neighbours, closest first, each (DfE number, closeness band), from a DfE neighbour workbook
    (junk rows, then the header row `LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, ...`)."""
    workbook = CalamineWorkbook.from_path(path)
    rows = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()
    header_at = next(i for i, row in enumerate(rows) if row and str(row[0]).strip() == "LA num")
    header = [str(cell).strip() for cell in rows[header_at]]
    columns = [header.index(f"SN{n}") for n in range(1, 11)]
    groups: dict[int, tuple[tuple[int, str], ...]] = {}
    for row in rows[header_at + 1 :]:
        if not row or not isinstance(row[0], float | int):
            continue
        # A place DfE leaves empty is written "-" or left blank; an authority with no neighbours listed is left out.
        group = tuple((int(row[c]), str(row[c + 1]).strip()) for c in columns if isinstance(row[c], float | int))
        if group:
            groups[int(row[0])] = group
    return groups


def record_groups(engine: Engine, editions: Iterable[str] = tuple(EDITIONS)) -> None:
    """Write the shipped neighbour groups of `editions` ("April 2021", "May 2025")."""
    for name in editions:
        national.record_neighbour_groups(
            engine, name, workbook_groups(EDITIONS[name]), source=EDITIONS[name].name, user="test"
        )


def record_extract(engine: Engine, items: Sequence[str] | None = None) -> None:
    """Write the shipped extract's figures (of `items` only, when given) and both neighbour group editions."""
    national.record_national_figures(engine, extract_figures(items), source=EXTRACT.name, user="test")
    record_groups(engine)
