"""The blank monthly return: it opens, it has the import layout, drop-down lists, guidance, and no formulas."""

from __future__ import annotations

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from measures.domain.catalogue import parse_catalogue
from measures.domain.council import load_council
from measures.returns.export import RETURN_HEADER, RETURN_SHEET
from measures.returns.template import (
    BENCHMARKS_HEADER,
    COMMENTARY_HEADER,
    GUIDANCE_SHEET,
    LISTS_SHEET,
    write_template,
)

CASEWORK_TEAMS = load_council().teams

HOSTILE_TITLE = '=HYPERLINK("http://example.invalid","Click me")'


# The neighbours the guidance names, as the template command reads them from the imported groups.
NEIGHBOURS = ("Shropshire", "Devon", "Cornwall", "Somerset", "Dorset", "Wiltshire", "Suffolk", "Norfolk", "Cumbria")


@pytest.fixture
def template(catalogue, tmp_path):
    return write_template(catalogue, tmp_path / "return.xlsx", period="2023-02", neighbours=NEIGHBOURS)


def _rows(path, sheet):
    return CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python()


def _validations(path):
    sheet = openpyxl.load_workbook(path)[RETURN_SHEET]
    return {str(validation.sqref): validation for validation in sheet.data_validations.dataValidation}


def test_returns_the_path_and_opens_with_the_sheets_in_order(template, tmp_path):
    assert template == tmp_path / "return.xlsx"
    workbook = CalamineWorkbook.from_path(template)
    assert workbook.sheet_names == [RETURN_SHEET, GUIDANCE_SHEET, "Benchmarks", "Commentary", LISTS_SHEET]
    opened = openpyxl.load_workbook(template)
    assert opened.active.title == RETURN_SHEET
    assert opened[LISTS_SHEET].sheet_state == "hidden"


def test_header_row_is_exactly_the_return_header_bold_and_frozen(template):
    assert tuple(_rows(template, RETURN_SHEET)[0]) == RETURN_HEADER
    sheet = openpyxl.load_workbook(template)[RETURN_SHEET]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:I")


def test_one_row_per_measure_with_the_period_as_text(template, catalogue):
    rows = _rows(template, RETURN_SHEET)[1:]
    assert [row[0] for row in rows] == list(catalogue.refs)
    assert [row[1] for row in rows] == [measure.title for measure in catalogue.measures]
    for row in rows:
        assert row[3] == "2023-02"  # a string, not a date
        assert row[2] == "" and all(value == "" for value in row[4:])
    sheet = openpyxl.load_workbook(template)[RETURN_SHEET]
    assert sheet["D2"].number_format == "@"
    assert sheet["D2"].data_type == "s"
    assert sheet["G2"].number_format == "0.0"
    assert sheet["E2"].number_format == "0" and sheet["F2"].number_format == "0"


def test_numerator_and_denominator_are_grey_only_where_a_measure_has_no_counts(template, catalogue):
    sheet = openpyxl.load_workbook(template)[RETURN_SHEET]
    for row, measure in enumerate(catalogue.measures, start=2):
        for column in ("E", "F"):
            cell = sheet[f"{column}{row}"]
            assert cell.value is None
            assert (cell.fill.fill_type == "solid") is (not measure.counts), (measure.ref, column)
    assert not sheet.protection.sheet  # nothing is locked


def test_drop_down_lists_on_ref_team_and_status(template, catalogue):
    validations = _validations(template)
    assert set(validations) == {"A2:A1000", "C2:C1000", "H2:H1000"}
    ref, team, status = validations["A2:A1000"], validations["C2:C1000"], validations["H2:H1000"]
    assert ref.type == team.type == status.type == "list"
    assert ref.formula1 == f"Lists!$A$2:$A${len(catalogue.measures) + 1}"
    assert team.formula1 == f"Lists!$B$2:$B${len(CASEWORK_TEAMS) + 1}"
    assert status.formula1 == "Lists!$C$2:$C$6"
    assert team.allow_blank and status.allow_blank
    for validation in (ref, team, status):
        assert validation.prompt and validation.error
        assert validation.showErrorMessage and validation.showInputMessage
    assert "3.1" in ref.error

    lists = _rows(template, LISTS_SHEET)
    assert [row[0] for row in lists[1:] if row[0]] == list(catalogue.refs)
    assert [row[1] for row in lists[1:] if row[1]] == list(CASEWORK_TEAMS)
    assert [row[2] for row in lists[1:] if row[2]] == ["OK", "TBC", "NEW", "N/A", "SUPPRESSED"]


def test_guidance_lists_every_measure_and_explains_the_optional_sheets(template, catalogue):
    rows = _rows(template, GUIDANCE_SHEET)
    header_at = next(i for i, row in enumerate(rows) if row[:2] == ["Ref", "Measure"])
    assert rows[header_at] == [
        "Ref",
        "Measure",
        "Unit",
        "Good looks like",
        "Target",
        "Numerator",
        "Denominator",
        "Notes",
    ]
    measure_rows = rows[header_at + 1 : header_at + 1 + len(catalogue.measures)]
    assert [row[0] for row in measure_rows] == list(catalogue.refs)
    by_ref = {row[0]: row for row in measure_rows}
    assert by_ref["2.2"][3] == "Within 16 to 20"
    assert by_ref["3.1"][3] == "Higher is better"
    assert by_ref["3.1"][4] == "None stated"
    assert by_ref["3.1"][5] == catalogue.measure("3.1").numerator_label
    assert by_ref["10.2"][4] == catalogue.measure("10.2").target.describe()

    text = "\n".join(str(value) for row in rows for value in row)
    for phrase in (
        "2023-02",
        "TBC",
        "NEW",
        "never 0",
        "2021-22",
        "West Midlands",
        "Statistical neighbours",
        "Shropshire",
        "Cumbria",
        "Benchmarks",
        "Commentary",
    ):
        assert phrase in text, phrase
    assert any(row[:3] == ["Column", "What to enter", "Example"] for row in rows)


def test_guidance_names_the_markers_the_importer_reads_as_statuses(template):
    from measures.returns.cells import status_marker

    text = "\n".join(str(value) for row in _rows(template, GUIDANCE_SHEET) for value in row)
    assert "N/A" in text and "SUPPRESSED" in text and "01/02/2023 is February 2023" in text
    listed = text.split("The markers official statistics use are understood too", 1)[1].split("\n", 1)[0]
    for marker, status in (
        ("n/a", "na"),
        ("na", "na"),
        ("-", "na"),
        ("x", "na"),
        ("z", "na"),
        ("..", "na"),
        ("*", "suppressed"),
        ("c", "suppressed"),
    ):
        assert f" {marker}" in listed, marker
        assert status_marker(marker) == status, marker


def test_benchmarks_and_commentary_have_exact_headers_only(template):
    assert _rows(template, "Benchmarks") == [list(BENCHMARKS_HEADER)]
    assert _rows(template, "Commentary") == [list(COMMENTARY_HEADER)]
    assert BENCHMARKS_HEADER == ("ref", "year", "comparator", "value")
    assert COMMENTARY_HEADER == ("ref", "period", "text")


def test_no_period_leaves_period_blank(catalogue, tmp_path):
    path = write_template(catalogue, tmp_path / "blank.xlsx")
    rows = _rows(path, RETURN_SHEET)[1:]
    assert len(rows) == len(catalogue.measures)
    assert all(row[3] == "" for row in rows)


@pytest.mark.parametrize("period", ["2023-13", "Feb-23", "2023-2", "", "2023-02-01"])
def test_a_malformed_period_raises_value_error(catalogue, tmp_path, period):
    with pytest.raises(ValueError):
        write_template(catalogue, tmp_path / "bad.xlsx", period=period)
    assert not (tmp_path / "bad.xlsx").exists()


def test_an_unwritable_path_raises_os_error(catalogue, tmp_path):
    with pytest.raises(OSError):
        write_template(catalogue, tmp_path / "no such folder" / "return.xlsx", period="2023-02")


def test_hostile_text_is_never_a_formula(tmp_path):
    hostile = parse_catalogue(
        {
            "area": [{"number": 1, "title": "Area one"}],
            "measure": [
                {
                    "ref": "1.1",
                    "area": 1,
                    "title": HOSTILE_TITLE,
                    "unit": "percent",
                    "polarity": "higher",
                    "counts": True,
                    "numerator_label": "+1+1",
                    "denominator_label": "@SUM(A1)",
                    "source_note": "-2+3",
                }
            ],
        }
    )
    path = write_template(hostile, tmp_path / "hostile.xlsx", period="2023-02", teams=("=1+1", "Team B"))

    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert workbook[RETURN_SHEET]["B2"].value == "'" + HOSTILE_TITLE

    assert _rows(path, RETURN_SHEET)[1][1] == "'" + HOSTILE_TITLE
    guidance = [value for row in _rows(path, GUIDANCE_SHEET) for value in row]
    assert "'" + HOSTILE_TITLE in guidance and HOSTILE_TITLE not in guidance
    assert "'+1+1" in guidance and "'@SUM(A1)" in guidance and "'-2+3" in guidance
    assert [row[1] for row in _rows(path, LISTS_SHEET)[1:3]] == ["'=1+1", "Team B"]


def test_without_imported_neighbour_groups_the_guidance_asks_for_names_as_dfe_writes_them(catalogue, tmp_path):
    path = write_template(catalogue, tmp_path / "bare.xlsx", period="2023-02")
    text = "\n".join(str(value) for row in _rows(path, GUIDANCE_SHEET) for value in row)
    assert "one statistical neighbour by name as DfE's list of local authorities writes it." in text
    assert not any(name in text for name in NEIGHBOURS)
