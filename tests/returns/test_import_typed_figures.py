"""Figures as officers type them that no earlier test covered: commas that are not thousands separators, and a
marker written above or below a cell's figures. Each is checked against what is stored or what is refused."""

from __future__ import annotations

import pandas as pd
import pytest

from measures import store
from measures.returns import import_return
from tests.returns import builders
from tests.returns.builders import TODAY, describe, issues_with, measure, template_row

FEBRUARY = "2023-02"
JANUARY = "2023-01"


def run(engine, path):
    return import_return(engine, path, user="officer.a", today=TODAY)


def stored(engine, period: str) -> dict[str, dict]:
    frame = store.service_series(engine, since=period, up_to=period)
    return {record["ref"]: record for record in frame.to_dict("records")}


@pytest.mark.parametrize("typed", ["1,5", "12,34", "1,2345", "-3,5"])
def test_a_comma_that_does_not_separate_thousands_is_refused_at_its_cell_not_read_as_a_larger_number(
        engine, tmp_path, typed):
    path = builders.template_workbook(tmp_path / "comma.xlsx", [template_row("2.3", FEBRUARY, value=typed)])
    before = builders.sha256_file(builders.database_file(engine))
    report = run(engine, path)
    assert report.status == "refused", describe(report)
    [error] = issues_with(report, "not-a-number")
    assert (error.sheet, error.cell, error.ref) == ("Return", "G2", "2.3"), describe(report)
    assert typed in error.message and "point" in error.message, error.message
    assert builders.sha256_file(builders.database_file(engine)) == before


def test_thousands_separated_in_threes_are_still_read(engine, tmp_path):
    path = builders.template_workbook(tmp_path / "thousands.xlsx", [
        template_row("2.3", FEBRUARY, value="1,234"),
        template_row("3.1", FEBRUARY, numerator="1,234", denominator="2,000"),
    ])
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    february = stored(engine, FEBRUARY)
    assert february["2.3"]["value"] == 1234
    assert (february["3.1"]["numerator"], february["3.1"]["denominator"]) == (1234, 2000)


def test_a_committee_cell_with_a_comma_decimal_is_refused_at_its_cell(engine, tmp_path):
    layout = builders.committee_workbook(tmp_path / "committee-comma.xlsx", [JANUARY, FEBRUARY], [
        measure("2.2", "Average social worker allocation", cells=["17.2", "17,5"]),
    ])
    report = run(engine, layout.path)
    assert report.status == "refused", describe(report)
    [error] = issues_with(report, "not-a-number")
    assert error.cell == layout.cells[("2.2", FEBRUARY)] and "17,5" in error.message, describe(report)


def test_counts_above_a_suppressed_marker_are_left_out_with_a_warning_at_the_marker(engine, tmp_path):
    layout = builders.committee_workbook(tmp_path / "committee-suppressed.xlsx", [JANUARY, FEBRUARY], [
        measure("3.1", "Assessments in time", cells=["198 (291)", "n/a"], below=["*", "61%"]),
    ])
    report = run(engine, layout.path)
    assert report.status == "imported", describe(report)
    january, february = stored(engine, JANUARY)["3.1"], stored(engine, FEBRUARY)["3.1"]
    assert january["status"] == "suppressed" and pd.isna(january["value"]) and pd.isna(january["numerator"])
    assert february["status"] == "na" and pd.isna(february["value"])
    ignored = {issue.cell: issue for issue in issues_with(report, "ignored-cell")}
    assert set(ignored) == {layout.below[("3.1", JANUARY)], layout.cells[("3.1", FEBRUARY)]}, describe(report)
    assert "suppressed" in ignored[layout.below[("3.1", JANUARY)]].message
    assert "not applicable" in ignored[layout.cells[("3.1", FEBRUARY)]].message
