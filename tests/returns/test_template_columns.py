"""The template's rows checked as columns give exactly what the per-cell reader gives: the same figures from the
same cells, and the same problems in the same words, on files mixing plain rows with every kind of cell an
officer types. The sheets are generated from a seeded random source, so each run checks the same files."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest

from measures.returns import checks
from measures.returns.number_formats import mark_percent_cells, read_number_formats
from measures.returns.template_columns import plain_rows
from measures.returns.template_layout import find_header, parse_template
from measures.returns.workbook import read_sheets
from tests.returns import builders
from tests.returns.builders import Styled, percent, template_row

CURRENT, EARLIEST = "2023-02", "2021-04"

# Cells an officer types, by column; the plain ones are listed first and drawn most often.
_PLAIN_COUNTS = (0, 3, 7, 42, 108, 236, 304, 17, 30)
_ODD_FIGURES = (
    None,
    0,
    5,
    -3,
    0.61,
    1.5,
    99.5,
    150,
    1e308,
    "12",
    "1,234",
    "1,5",
    "61%",
    "61%%",
    "seventeen",
    "NaN",
    "inf",
    "TBC",
    "n/a",
    "*",
    "-",
    " 17 ",
    True,
    datetime.datetime(2023, 1, 1),
    percent(0.61),
    percent(1),
    percent(0.395, "0.0%"),
    Styled(61, '0.0"%"'),
    Styled(42, "0.0"),
)
_ODD_PERIODS = (
    "2023-13",
    "2019-12",
    "2023-03",
    "2030-01",
    "01/02/2023",
    "01/13/2023",
    "Jan 2023",
    " 2023-01 ",
    "2023-01\n",
    datetime.datetime(2023, 1, 1),
    datetime.date(1899, 12, 31),
    None,
    "",
    "2023",
)
_ODD_REFS = ("9.99", 3.1, " 3.1", "3.1 ", "", None, "=1+1", "Ref")
_ODD_STATUSES = ("TBC", "tbc", "NEW", "N/A", "suppressed", "OK", "ok", "nonsense", 0, " ")
_TEAMS = (None, "Assessment Team 1", "  Assessment Team 2  ", "", 7, "Team\u00a0West")
_NOTES = (None, "", "Two assessments recorded late.", 12, "=SUM(A1)")


def _mixed_rows(seed: int, catalogue, count: int = 160) -> list[dict]:
    chance = random.Random(seed)
    refs = [measure.ref for measure in catalogue.measures]
    months = ["2022-11", "2022-12", "2023-01", "2023-02"]
    rows = []
    for _ in range(count):
        odd = chance.random() < 0.45  # about half the rows carry something the per-cell reader must explain

        def pick(plain, strange, odd=odd):
            return chance.choice(strange) if odd and chance.random() < 0.3 else chance.choice(plain)

        ref = pick(refs, _ODD_REFS)
        numerator = denominator = value = None
        shape = chance.random()
        if shape < 0.4:
            numerator, denominator = sorted(chance.sample(_PLAIN_COUNTS, 2))
            if chance.random() < 0.3:
                # as typed beside the counts: rounded, or off by more than the tolerance (a mismatch warning)
                value = round(100 * numerator / denominator + chance.choice((0, 0, 2, -0.7)), chance.choice((0, 1, 3)))
        elif shape < 0.85:
            value = chance.choice((0, 1, 12, 17.2, 39.5, 88, 100, 0.5, 250))
        numerator, denominator, value = (pick((number,), _ODD_FIGURES) for number in (numerator, denominator, value))
        rows.append(
            template_row(
                ref,
                pick(months, _ODD_PERIODS),
                numerator=numerator,
                denominator=denominator,
                value=value,
                status=pick((None,), _ODD_STATUSES),
                team=chance.choice(_TEAMS) if chance.random() < 0.5 else None,
                note=chance.choice(_NOTES),
            )
        )
        if chance.random() < 0.05:
            rows.append(template_row(None, None))  # a blank row among the figures
    return rows


def _read(path: Path):
    data = path.read_bytes()
    sheets, issues = read_sheets(data, path.name)
    assert not issues
    formats = read_number_formats(data)
    return [mark_percent_cells(sheet, formats.get(sheet.name)) for sheet in sheets]


def _report(parsed, catalogue) -> list:
    """The problems an import reports from what was read (the checks that need no stored figures)."""
    candidates, duplicates = checks.deduplicate(parsed.candidates)
    return (
        parsed.issues
        + duplicates
        + checks.early_periods(parsed.dated, EARLIEST)
        + checks.future_periods(parsed.dated, CURRENT)
        + checks.new_teams(candidates, {"Assessment Team 1"})
    )


def _both_ways(path: Path, catalogue):
    sheets = _read(path)
    by_columns = parse_template(sheets, catalogue, CURRENT, EARLIEST)
    by_cells = parse_template(_read(path), catalogue, CURRENT, EARLIEST, by_columns=False)
    assert by_columns is not None and by_cells is not None
    return by_columns, by_cells


@pytest.mark.parametrize("seed", range(12))
def test_columns_and_cells_give_the_same_figures_and_problems(tmp_path, catalogue, seed):
    path = builders.template_workbook(tmp_path / f"mixed-{seed}.xlsx", _mixed_rows(seed, catalogue))
    by_columns, by_cells = _both_ways(path, catalogue)
    assert by_columns.candidates == by_cells.candidates
    assert _report(by_columns, catalogue) == _report(by_cells, catalogue)
    assert by_columns.named_months == by_cells.named_months
    # The files really mix the two: some rows are read as columns, some explained cell by cell.
    assert by_cells.candidates and by_cells.issues
    sheet = _read(path)[0]
    header_index, columns = find_header(sheet) or (0, {})
    measures = {measure.ref: measure for measure in catalogue.measures}
    plain = plain_rows(sheet.rows, header_index + 1, columns, measures, sheet.name, CURRENT, EARLIEST)
    assert plain.candidates and plain.to_check


def test_a_plain_return_is_read_as_columns_without_the_per_cell_reader(tmp_path, catalogue):
    measures = catalogue.measures
    rows = []
    for index, measure in enumerate(measures):
        if measure.unit == "percent":
            rows.append(template_row(measure.ref, "2023-01", numerator=20 + index, denominator=40 + index))
        else:
            rows.append(template_row(measure.ref, "2023-01", value=float(index), team="Assessment Team 1"))
    path = builders.template_workbook(tmp_path / "plain.xlsx", rows)
    sheet = _read(path)[0]
    columns = find_header(sheet)[1]
    plain = plain_rows(sheet.rows, 1, columns, {m.ref: m for m in measures}, sheet.name, CURRENT, EARLIEST)
    assert plain.to_check == []
    assert sorted(plain.candidates) == list(range(1, len(measures) + 1))
    by_columns, by_cells = _both_ways(path, catalogue)
    assert by_columns.candidates == by_cells.candidates and not by_columns.issues


def test_percent_formatted_cells_are_read_as_columns_as_they_show(tmp_path, catalogue):
    """61% in a %-formatted cell (0.61 in the file) is 61 on either path; 0.5% shown as a percentage is no
    ambiguous 0.5; 150% and a percentage for a count measure are refused by the per-cell reader, with their cell."""
    rate = next(m for m in catalogue.measures if m.unit == "percent" and m.counts)
    count = next(m for m in catalogue.measures if m.unit == "count")
    rows = [
        template_row(rate.ref, "2023-01", value=percent(0.61)),
        template_row(rate.ref, "2022-12", value=percent(0.005, "0.0%")),
        template_row(rate.ref, "2022-11", value=Styled(61, '0.0"%"')),
        template_row(rate.ref, "2022-10", numerator=61, denominator=100, value=percent(0.61)),
        template_row(rate.ref, "2022-09", value=percent(1.5)),
        template_row(count.ref, "2023-01", value=percent(0.61)),
        template_row(rate.ref, "2022-08", numerator=61, denominator=100, value=percent(0.71)),
    ]
    path = builders.template_workbook(tmp_path / "percent.xlsx", rows)
    by_columns, by_cells = _both_ways(path, catalogue)
    assert by_columns.candidates == by_cells.candidates
    assert by_columns.issues == by_cells.issues
    assert [c.row.value for c in by_columns.candidates][:4] == [61.0, 0.5, 61.0, 61.0]
    assert {issue.cell for issue in by_columns.issues} == {"G6", "G7", "G8"}
    sheet = _read(path)[0]
    plain = plain_rows(
        sheet.rows, 1, find_header(sheet)[1], {m.ref: m for m in catalogue.measures}, sheet.name, CURRENT, EARLIEST
    )
    assert sorted(plain.candidates) == [1, 2, 3, 4] and plain.to_check == [5, 6, 7]


def test_a_month_typed_with_a_line_break_is_stored_as_the_month(tmp_path, catalogue):
    """'2023-01' followed by a line break (a paste from another program) is January 2023 on either path."""
    ref = next(measure.ref for measure in catalogue.measures if measure.unit == "count")
    path = builders.template_workbook(tmp_path / "newline.xlsx", [template_row(ref, "2023-01\n", value=12)])
    by_columns, by_cells = _both_ways(path, catalogue)
    assert [c.row.period for c in by_columns.candidates] == ["2023-01"]
    assert by_columns.candidates == by_cells.candidates


def test_merged_cells_read_the_same_either_way(tmp_path, catalogue):
    """A merged Period or Ref cell holds its value in the top-left cell only: the rows below are read as
    having none, on either path."""
    from openpyxl import load_workbook

    count_refs = [measure.ref for measure in catalogue.measures if measure.unit == "count"][:3]
    rows = [template_row(ref, "2023-01", value=index + 1) for index, ref in enumerate(count_refs)]
    path = builders.template_workbook(tmp_path / "merged.xlsx", rows)
    workbook = load_workbook(path)
    workbook.active.merge_cells("D2:D4")
    workbook.active.merge_cells("A3:A4")
    workbook.save(path)
    by_columns, by_cells = _both_ways(path, catalogue)
    assert by_columns.candidates == by_cells.candidates
    assert by_columns.issues == by_cells.issues
    assert [c.row.ref for c in by_columns.candidates] == count_refs[:1]
