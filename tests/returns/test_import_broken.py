"""Broken returns are refused whole: the right error code, pointing at the right cell, in a plain sentence,
and the database byte-for-byte as it was."""

from __future__ import annotations

import datetime
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from measures.returns import ERROR_CODES, import_return
from measures.storage import reads
from tests.returns import builders
from tests.returns.builders import COMMITTEE_SHEET, PAGE, TODAY, area, describe, issues_with, measure, template_row

RETURN = "Return"
FEBRUARY = "2023-02"


@dataclass(frozen=True)
class Where:
    """Where an error must point. `cells` are the acceptable cells (None: not checked), as are ref and period."""

    sheet: str | None = None
    cells: frozenset[str] | None = None
    ref: str | None = None
    period: str | None = None


def at(sheet: str, *cells: str, ref: str | None = None, period: str | None = None) -> Where:
    return Where(sheet, frozenset(cells), ref, period)


# ---------------------------------------------------------------------------------------------
# Template cases: a valid February return (rows 2-7) with one thing broken.


def base_rows() -> list[dict]:
    return [
        template_row("1.1", FEBRUARY, 45, 110),  # row 2
        template_row("2.1", FEBRUARY, value=61),  # row 3
        template_row("2.3", FEBRUARY, value=11),  # row 4
        template_row("3.1", FEBRUARY, 236, 304),  # row 5
        template_row("4.1", FEBRUARY, value=30),  # row 6
        template_row("8.3", FEBRUARY, value=12),  # row 7
    ]


def template_case(changes: dict[int, dict], where: Where | None, extra: tuple[dict, ...] = ()) -> Callable:
    """A builder: the base return with `changes` (Excel row number -> fields) and `extra` rows from row 8."""

    def build(path: Path, request) -> Where | None:
        rows = base_rows()
        for number, fields in changes.items():
            rows[number - 2].update(fields)
        builders.template_workbook(path, rows + list(extra))
        return where

    return build


def raw_case(make: Callable[[Path], object]) -> Callable:
    def build(path: Path, request) -> None:
        make(path)

    return build


def session_file(fixture: str) -> Callable:
    def build(path: Path, request) -> None:
        shutil.copy(request.getfixturevalue(fixture), path)

    return build


# ---------------------------------------------------------------------------------------------
# Committee cases: a small table in the committee layout with one thing broken.

COMMITTEE_MONTHS = ("2022-12", "2023-01")
AREA_3 = area("3", "Timeliness - The timely and robust identification and multi-agency response to children.")
AREA_8 = area("8", "Management - oversight and grip across the service.")


def committee_rows(**cells: list) -> list:
    """3.1, 3.2 (counts on the row, percentage below), 8.2 and 8.3 as published; `cells` replaces a measure's
    month cells (key r3_2 for 3.2)."""
    rows = [
        AREA_3,
        measure(
            "3.1",
            "Number and % of child and family assessments completed within timescales",
            builders.HIGHER,
            "↑",
            "chart 3.1",
            ["198 (291)", "236 (304)"],
            ["68.0%", "78%"],
        ),
        measure(
            "3.2",
            "Number and % of strategy meetings created and completed in timescale",
            builders.HIGHER,
            "↑",
            "chart 3.2",
            ["92/96", "173/178"],
            ["96%", "97%"],
        ),
        PAGE,
        AREA_8,
        measure(
            "8.3",
            "The number of unallocated cases in the service without SW allocation",
            builders.LOWER,
            "",
            "chart 8.3",
            [24, 14],
        ),
    ]
    for key, values in cells.items():
        ref = key.removeprefix("r").replace("_", ".")
        for item in rows:
            if isinstance(item, dict) and item.get("ref") == ref:
                item["cells"] = values
                item["below"] = None
    return rows


def committee_unknown_ref(path: Path, request) -> Where:
    rows = committee_rows()
    rows.insert(3, measure("11.1", "Number of something the catalogue does not have", builders.HIGHER, "", "", [5, 6]))
    layout = builders.committee_workbook(path, COMMITTEE_MONTHS, rows)
    row = layout.rows["11.1"][0]
    return Where(COMMITTEE_SHEET, frozenset({f"A{row}", f"F{row}", f"G{row}"}), "11.1")


def committee_bad_cell(text: str) -> Callable:
    def build(path: Path, request) -> Where:
        layout = builders.committee_workbook(path, COMMITTEE_MONTHS, committee_rows(r3_2=["92/96", text]))
        return at(COMMITTEE_SHEET, layout.cells[("3.2", "2023-01")], ref="3.2", period="2023-01")

    return build


def committee_future_month(path: Path, request) -> Where:
    rows = committee_rows(r8_3=[24, 14, 9])
    layout = builders.committee_workbook(path, (*COMMITTEE_MONTHS, "2031-03"), rows)
    cells = set(layout.header_cells["2031-03"]) | {layout.cells[("8.3", "2031-03")]}
    return Where(COMMITTEE_SHEET, frozenset(cells), None, "2031-03")


def duplicate_row_layout(path: Path) -> builders.CommitteeMap:
    """The small table with 3.1 repeated at its end, January different (240 instead of 236)."""
    rows = committee_rows()
    rows.append(
        measure(
            "3.1",
            "Number and % of child and family assessments completed within timescales",
            builders.HIGHER,
            "↑",
            "chart 3.1",
            ["198 (291)", "240 (304)"],
        )
    )
    return builders.committee_workbook(path, COMMITTEE_MONTHS, rows)


def committee_duplicate_row(path: Path, request) -> Where:
    duplicate_row_layout(path)
    return Where(COMMITTEE_SHEET, None, "3.1", None)


def committee_no_figures(path: Path, request) -> None:
    rows = [
        item if not isinstance(item, dict) or "ref" not in item else {**item, "cells": [], "below": None}
        for item in committee_rows()
    ]
    builders.committee_workbook(path, COMMITTEE_MONTHS, rows)


def stored_number(text: str, row: int = 4) -> Callable:
    """The base return with the Value cell of row `row` holding the raw number `text` ('INF', '1e308', 'NaN'):
    no spreadsheet lets anyone type these, but a file written by a program can hold them."""

    def build(path: Path, request) -> Where:
        builders.template_workbook(path, base_rows())
        builders.number_in_sheet(path, f"G{row}", text)
        return at(RETURN, f"G{row}", ref=base_rows()[row - 2]["ref"], period=FEBRUARY)

    return build


def committee_stored_number(text: str) -> Callable:
    def build(path: Path, request) -> Where:
        layout = builders.committee_workbook(path, COMMITTEE_MONTHS, committee_rows())
        cell = layout.cells[("8.3", "2023-01")]
        builders.number_in_sheet(path, cell, text)
        return at(COMMITTEE_SHEET, cell, ref="8.3", period="2023-01")

    return build


def cell_written_as(cell: str, xml: str, ref: str | None = None) -> Callable:
    """The base return with one cell's XML replaced by `xml`, as Excel or another program writes it."""

    def build(path: Path, request) -> Where:
        builders.template_workbook(path, base_rows())
        builders.replace_cell_xml(path, cell, xml)
        return at(RETURN, cell, ref=ref)

    return build


def committee_error_cell(path: Path, request) -> Where:
    layout = builders.committee_workbook(path, COMMITTEE_MONTHS, committee_rows())
    cell = layout.below[("3.2", "2023-01")]
    builders.replace_cell_xml(path, cell, f'<c r="{cell}" t="e"><f>173/0</f><v>#DIV/0!</v></c>')
    return at(COMMITTEE_SHEET, cell, ref="3.2", period="2023-01")


def committee_unreadable_header(path: Path, request) -> Where:
    from openpyxl import load_workbook

    layout = builders.committee_workbook(path, COMMITTEE_MONTHS, committee_rows(), date_headers=False)
    workbook = load_workbook(path)
    cell = layout.header_cells["2023-01"][0]
    workbook[COMMITTEE_SHEET][cell] = "01/13/2023"  # month first: no month 13 when read day first
    workbook.save(path)
    return at(COMMITTEE_SHEET, cell)


def committee_headers_without_months(path: Path, request) -> Where:
    from openpyxl import load_workbook

    layout = builders.committee_workbook(path, COMMITTEE_MONTHS, committee_rows(), date_headers=False)
    workbook = load_workbook(path)
    for number, period in enumerate(COMMITTEE_MONTHS, start=1):
        for cell in layout.header_cells[period]:
            workbook[COMMITTEE_SHEET][cell] = f"Month {number}"
    workbook.save(path)
    return at(COMMITTEE_SHEET, layout.header_cells["2022-12"][0])


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path, object], Where | None]
    code: str
    message_contains: str = ""


CASES = [
    # The file itself
    Case("not-xlsx-csv-text", raw_case(builders.not_xlsx), "not-xlsx"),
    Case("truncated", raw_case(builders.truncated_xlsx), "truncated"),
    Case("password-protected", raw_case(builders.encrypted_xlsx), "password-protected"),
    Case("legacy-xls", raw_case(builders.legacy_xls), "not-xlsx", message_contains=".xlsx"),
    Case("zip-bomb", session_file("zip_bomb_file"), "inflates-too-far"),
    Case("oversized", session_file("oversized_file"), "file-too-large"),
    Case("no-header", raw_case(builders.no_header_xlsx), "no-header"),
    Case("no-figures-header-only", raw_case(lambda path: builders.template_workbook(path, [])), "no-figures"),
    # Template cells
    Case("unknown-ref", template_case({5: {"ref": "3.9"}}, at(RETURN, "A5", ref="3.9")), "unknown-ref"),
    Case(
        "not-a-number",
        template_case({5: {"numerator": "forty"}}, at(RETURN, "E5", ref="3.1", period=FEBRUARY)),
        "not-a-number",
    ),
    Case(
        "numerator-above-denominator",
        template_case({5: {"numerator": 310}}, at(RETURN, "E5", "F5", ref="3.1", period=FEBRUARY)),
        "numerator-above-denominator",
    ),
    Case(
        "percent-out-of-range",
        template_case({3: {"value": 104}}, at(RETURN, "G3", ref="2.1", period=FEBRUARY)),
        "percent-out-of-range",
    ),
    Case(
        "negative-count",
        template_case({4: {"value": -3}}, at(RETURN, "G4", ref="2.3", period=FEBRUARY)),
        "negative-count",
    ),
    Case(
        "duplicate-conflict",
        template_case({}, Where(RETURN, None, "3.1", FEBRUARY), extra=(template_row("3.1", FEBRUARY, 240, 304),)),
        "duplicate-conflict",
    ),
    Case(
        "future-period",
        template_case({5: {"period": "2031-01"}}, at(RETURN, "D5", ref="3.1", period="2031-01")),
        "future-period",
    ),
    Case("bad-period-month-13", template_case({5: {"period": "2023-13"}}, at(RETURN, "D5", ref="3.1")), "bad-period"),
    Case("bad-period-jan", template_case({5: {"period": "Jan"}}, at(RETURN, "D5", ref="3.1")), "bad-period"),
    Case(
        "unknown-status",
        template_case({3: {"status": "Maybe"}}, at(RETURN, "H3", ref="2.1", period=FEBRUARY)),
        "unknown-status",
    ),
    # What a file can hold but no figure is
    Case(
        "formula-without-value",
        template_case({3: {"value": "=B3*2"}}, at(RETURN, "G3")),
        "formula-without-value",
        message_contains="=B3*2",
    ),
    Case(
        "formula-shared-without-value",
        cell_written_as("G4", '<c r="G4"><f t="shared" si="0"/></c>'),
        "formula-without-value",
    ),
    Case(
        "formula-number-with-empty-result",
        cell_written_as("G4", '<c r="G4" t="n"><f>10+1</f><v></v></c>'),
        "formula-without-value",
        message_contains="=10+1",
    ),
    Case(
        "excel-error-div0",
        cell_written_as("G4", '<c r="G4" t="e"><f>11/0</f><v>#DIV/0!</v></c>', ref="2.3"),
        "not-a-number",
        message_contains="#DIV/0!",
    ),
    Case(
        "excel-error-na",
        cell_written_as("E5", '<c r="E5" t="e"><f>VLOOKUP(1,A1:A2,2)</f><v>#N/A</v></c>', ref="3.1"),
        "not-a-number",
        message_contains="#N/A",
    ),
    Case("committee-excel-error", committee_error_cell, "not-a-number", message_contains="#DIV/0!"),
    Case(
        "nan-text", template_case({3: {"value": "NaN"}}, at(RETURN, "G3", ref="2.1", period=FEBRUARY)), "not-a-number"
    ),
    Case(
        "inf-text",
        template_case({5: {"numerator": "inf"}}, at(RETURN, "E5", ref="3.1", period=FEBRUARY)),
        "not-a-number",
    ),
    Case(
        "huge-text",
        template_case({4: {"value": "1e308"}}, at(RETURN, "G4", ref="2.3", period=FEBRUARY)),
        "not-a-number",
    ),
    Case("infinity-number", stored_number("INF"), "not-a-number"),
    Case("nan-number", stored_number("NaN"), "not-a-number"),
    Case("huge-number", stored_number("1e308"), "not-a-number", message_contains="far larger"),
    Case("huge-percent-number", stored_number("1e308", row=3), "not-a-number"),
    Case(
        "negative-denominator",
        template_case({5: {"denominator": -304}}, at(RETURN, "F5", ref="3.1")),
        "negative-count",
        message_contains="F5",
    ),
    Case(
        "percentage-for-a-count",
        template_case({4: {"value": builders.percent(0.11)}}, at(RETURN, "G4", ref="2.3", period=FEBRUARY)),
        "not-a-number",
    ),
    Case(
        "too-early-text",
        template_case({5: {"period": "1899-12"}}, at(RETURN, "D5", ref="3.1", period="1899-12")),
        "too-early",
        message_contains="December 1899",
    ),
    Case("too-early-month-text", template_case({5: {"period": "Dec-1899"}}, at(RETURN, "D5", ref="3.1")), "too-early"),
    Case(
        "excel-day-zero",
        template_case({5: {"period": datetime.datetime(1899, 12, 31)}}, at(RETURN, "D5", ref="3.1")),
        "bad-period",
        message_contains="day zero",
    ),
    Case("bad-period-us-date", template_case({5: {"period": "02/13/2023"}}, at(RETURN, "D5", ref="3.1")), "bad-period"),
    Case(
        "bad-period-misspelt-month",
        template_case({5: {"period": "Febuary 2023"}}, at(RETURN, "D5", ref="3.1")),
        "bad-period",
    ),
    Case("not-a-marker", template_case({3: {"value": "n/a?"}}, at(RETURN, "G3", ref="2.1")), "not-a-number"),
    # Committee layout cells
    Case("committee-infinity", committee_stored_number("INF"), "not-a-number"),
    Case("committee-huge-number", committee_stored_number("1e308"), "not-a-number"),
    Case("committee-nan-text", committee_bad_cell("NaN"), "not-a-number"),
    Case("committee-unreadable-header", committee_unreadable_header, "bad-period", message_contains="01/13/2023"),
    Case("committee-no-month-headers", committee_headers_without_months, "no-header", message_contains="Month 1"),
    Case("committee-unknown-ref", committee_unknown_ref, "unknown-ref"),
    Case("committee-not-a-number", committee_bad_cell("abc"), "not-a-number"),
    Case("committee-numerator-above-denominator", committee_bad_cell("120/100 120%"), "numerator-above-denominator"),
    Case("committee-future-month", committee_future_month, "future-period"),
    Case("committee-duplicate-row", committee_duplicate_row, "duplicate-conflict"),
    Case("committee-no-figures", committee_no_figures, "no-figures"),
]


def test_every_case_uses_a_known_error_code():
    assert {case.code for case in CASES} <= set(ERROR_CODES)
    assert len(CASES) >= 22


def import_refused(engine, path: Path):
    """Import `path` into `engine` and check the database file is byte-for-byte unchanged; returns the report
    and the names of the zip entries that were opened (inflated) while it was read."""
    database = builders.database_file(engine)
    engine.dispose()
    before = builders.sha256_file(database)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def recording_open(archive, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(archive, name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zipfile.ZipFile, "open", recording_open)
        report = import_return(engine, path, user="officer.a", today=TODAY)
    engine.dispose()
    assert builders.sha256_file(database) == before, "a refused file changed the database"
    return report, opened


def row_of(cell: str) -> int | None:
    match = re.fullmatch(r"[A-Z]+(\d+)", cell or "")
    return int(match.group(1)) if match else None


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_broken_file_is_refused_with_a_cell_level_error(demo_engine, tmp_path, request, case):
    path = tmp_path / f"{case.id}.xlsx"
    where = case.build(path, request)
    uploads_before = len(reads.uploads_frame(demo_engine))
    report, opened = import_refused(demo_engine, path)
    assert report.status == "refused", describe(report)
    found = [issue for issue in issues_with(report, case.code) if issue.severity == "error"]
    assert found, f"expected error {case.code}\n{describe(report)}"
    for issue in report.errors:
        assert issue.message.endswith(".") and len(issue.message) > 20, issue
    if case.message_contains:
        assert any(case.message_contains in issue.message for issue in found), describe(report)
    if where is not None:
        assert any(_points_at(issue, where) for issue in found), f"expected {where}\n{describe(report)}"
    assert len(reads.uploads_frame(demo_engine)) == uploads_before
    if case.id == "zip-bomb":
        # Refusing a zip bomb must not inflate it: the verdict comes from the zip directory alone.
        assert opened == [], f"refusing the zip bomb inflated {opened}"


def _points_at(issue, where: Where) -> bool:
    return (
        (where.sheet is None or issue.sheet == where.sheet)
        and (where.cells is None or issue.cell in where.cells)
        and (where.ref is None or issue.ref == where.ref)
        and (where.period is None or issue.period == where.period)
    )


def _names_row(message: str, row: int) -> bool:
    return re.search(rf"(?<![\d.\-])(?:[A-I]|row ){row}(?![\d.\-])", message) is not None


def test_a_duplicate_names_both_rows_or_points_at_the_second(demo_engine, tmp_path):
    rows = base_rows() + [template_row("3.1", FEBRUARY, 240, 304)]  # row 8 repeats row 5 with another numerator
    path = builders.template_workbook(tmp_path / "duplicate.xlsx", rows)
    report, _ = import_refused(demo_engine, path)
    found = [i for i in issues_with(report, "duplicate-conflict") if i.severity == "error"]
    assert found, describe(report)
    assert any(row_of(i.cell) == 8 or (_names_row(i.message, 5) and _names_row(i.message, 8)) for i in found), describe(
        report
    )


def test_a_committee_duplicate_points_at_the_second_row(demo_engine, tmp_path):
    layout = duplicate_row_layout(tmp_path / "committee-duplicate.xlsx")
    first, second = layout.rows["3.1"]
    report, _ = import_refused(demo_engine, layout.path)
    found = [i for i in issues_with(report, "duplicate-conflict") if i.severity == "error"]
    assert found, describe(report)
    assert any(
        row_of(i.cell) == second or (_names_row(i.message, first) and _names_row(i.message, second)) for i in found
    ), describe(report)


def test_three_errors_in_one_file_are_all_reported(demo_engine, tmp_path):
    rows = base_rows()
    rows[0]["ref"] = "3.9"  # A2: unknown-ref
    rows[3]["numerator"] = "forty"  # E5: not-a-number
    rows[1]["period"] = "2023-13"  # D3: bad-period
    path = builders.template_workbook(tmp_path / "three-errors.xlsx", rows)
    report, _ = import_refused(demo_engine, path)
    assert report.status == "refused", describe(report)
    errors = {(issue.code, issue.cell) for issue in report.errors}
    assert {("unknown-ref", "A2"), ("not-a-number", "E5"), ("bad-period", "D3")} <= errors, describe(report)


def test_a_dry_run_of_a_broken_file_is_refused_not_checked(demo_engine, tmp_path):
    rows = base_rows()
    rows[3]["numerator"] = "forty"
    path = builders.template_workbook(tmp_path / "dry.xlsx", rows)
    report = import_return(demo_engine, path, user="officer.a", dry_run=True, today=TODAY)
    assert report.status == "refused", describe(report)
    assert issues_with(report, "not-a-number")
