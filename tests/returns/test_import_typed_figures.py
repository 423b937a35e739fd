"""Figures as officers type them that no earlier test covered: commas that are not thousands separators, a
marker written above or below a cell's figures, a % sign a format writes as text, and a range formatted as a
percentage and left empty. Each is checked against what is stored, what is refused or what was read."""

from __future__ import annotations

import re
import tracemalloc
import warnings
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from measures.returns import import_return
from measures.returns.export import RETURN_HEADER
from measures.returns.number_formats import read_number_formats
from measures.storage import reads
from tests.returns import builders
from tests.returns.builders import TODAY, describe, issues_with, measure, percent, template_row

FEBRUARY = "2023-02"
JANUARY = "2023-01"
SHEET = "xl/worksheets/sheet1.xml"


def run(engine, path):
    return import_return(engine, path, user="officer.a", today=TODAY)


def stored(engine, period: str) -> dict[str, dict]:
    frame = reads.service_series(engine, since=period, up_to=period)
    return {record["ref"]: record for record in frame.to_dict("records")}


@pytest.mark.parametrize("typed", ["1,5", "12,34", "1,2345", "-3,5"])
def test_a_comma_that_does_not_separate_thousands_is_refused_at_its_cell_not_read_as_a_larger_number(
    engine, tmp_path, typed
):
    path = builders.template_workbook(tmp_path / "comma.xlsx", [template_row("2.3", FEBRUARY, value=typed)])
    before = builders.sha256_file(builders.database_file(engine))
    report = run(engine, path)
    assert report.status == "refused", describe(report)
    [error] = issues_with(report, "not-a-number")
    assert (error.sheet, error.cell, error.ref) == ("Return", "G2", "2.3"), describe(report)
    assert typed in error.message and "point" in error.message, error.message
    assert builders.sha256_file(builders.database_file(engine)) == before


def test_thousands_separated_in_threes_are_still_read(engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "thousands.xlsx",
        [
            template_row("2.3", FEBRUARY, value="1,234"),
            template_row("3.1", FEBRUARY, numerator="1,234", denominator="2,000"),
        ],
    )
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    february = stored(engine, FEBRUARY)
    assert february["2.3"]["value"] == 1234
    assert (february["3.1"]["numerator"], february["3.1"]["denominator"]) == (1234, 2000)


def test_a_committee_cell_with_a_comma_decimal_is_refused_at_its_cell(engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-comma.xlsx",
        [JANUARY, FEBRUARY],
        [
            measure("2.2", "Average social worker allocation", cells=["17.2", "17,5"]),
        ],
    )
    report = run(engine, layout.path)
    assert report.status == "refused", describe(report)
    [error] = issues_with(report, "not-a-number")
    assert error.cell == layout.cells[("2.2", FEBRUARY)] and "17,5" in error.message, describe(report)


def test_counts_above_a_suppressed_marker_are_left_out_with_a_warning_at_the_marker(engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-suppressed.xlsx",
        [JANUARY, FEBRUARY],
        [
            measure("3.1", "Assessments in time", cells=["198 (291)", "n/a"], below=["*", "61%"]),
        ],
    )
    report = run(engine, layout.path)
    assert report.status == "imported", describe(report)
    january, february = stored(engine, JANUARY)["3.1"], stored(engine, FEBRUARY)["3.1"]
    assert january["status"] == "suppressed" and pd.isna(january["value"]) and pd.isna(january["numerator"])
    assert february["status"] == "na" and pd.isna(february["value"])
    ignored = {issue.cell: issue for issue in issues_with(report, "ignored-cell")}
    assert set(ignored) == {layout.below[("3.1", JANUARY)], layout.cells[("3.1", FEBRUARY)]}, describe(report)
    assert "suppressed" in ignored[layout.below[("3.1", JANUARY)]].message
    assert "not applicable" in ignored[layout.cells[("3.1", FEBRUARY)]].message


# ---------------------------------------------------------------------------------------------
# A % sign written by the format as text (0.0"%"): the number is the percentage it shows


def test_a_format_that_writes_a_percent_sign_as_text_states_the_percentage_as_typed(engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "literal-percent.xlsx",
        [
            template_row("2.1", FEBRUARY, value=builders.Styled(0.5, '0.0"%"')),  # shows 0.5%
            template_row("10.2", FEBRUARY, value=builders.Styled(0.75, "0.00\\%")),  # shows 0.75%
            template_row("10.3", FEBRUARY, value=0.5),  # shows 0.5: ambiguous
        ],
    )
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    february = stored(engine, FEBRUARY)
    assert (february["2.1"]["value"], february["10.2"]["value"], february["10.3"]["value"]) == (0.5, 0.75, 0.5)
    assert [issue.cell for issue in issues_with(report, "percent-ambiguous")] == ["G4"], describe(report)


def test_a_committee_cell_with_a_literal_percent_format_is_a_percentage_beside_its_count(engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-literal.xlsx",
        [JANUARY],
        [
            measure("3.2", "Strategy meetings", cells=[173], below=[builders.Styled(97.2, '0.0"%"')]),
        ],
    )
    report = run(engine, layout.path)
    assert report.status == "imported", describe(report)
    january = stored(engine, JANUARY)["3.2"]
    assert (january["numerator"], january["value"]) == (173, 97.2)


# ---------------------------------------------------------------------------------------------
# A range formatted as a percentage and left empty


def _empty_percent_range(path, rows: int, columns: str = "JKLMNOPQRS"):
    path = builders.template_workbook(path, [template_row("2.1", FEBRUARY, value=percent(0.61))])

    def add_styled_cells(xml: bytes) -> bytes:
        style = re.search(rb'<c r="G2" s="(\d+)"', xml).group(1)
        extra = b"".join(
            b'<row r="%d">' % row
            + b"".join(b'<c r="%s%d" s="%s"/>' % (column.encode(), row, style) for column in columns)
            + b"</row>"
            for row in range(3, rows + 3)
        )
        return xml.replace(b"</sheetData>", extra + b"</sheetData>")

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    parts[SHEET] = add_styled_cells(parts[SHEET])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


@pytest.mark.parametrize("streamed", [False, True])
def test_empty_cells_in_a_percent_formatted_range_are_not_collected(tmp_path, streamed):
    path = _empty_percent_range(tmp_path / "range.xlsx", rows=2_000)
    if streamed:  # a comment makes the sheet XML unusual, so it is read element by element
        with zipfile.ZipFile(path) as archive:
            parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        parts[SHEET] = parts[SHEET].replace(b"<sheetData>", b"<sheetData><!-- written by hand -->")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
    found = read_number_formats(path.read_bytes())["Return"]
    assert found.percent_cells == {(1, 6)}  # G2 only: 20,000 empty styled cells change nothing


def test_a_return_with_an_empty_percent_formatted_range_imports_its_figure(engine, tmp_path):
    report = run(engine, _empty_percent_range(tmp_path / "range.xlsx", rows=500))
    assert report.status == "imported", describe(report)
    assert stored(engine, FEBRUARY)["2.1"]["value"] == 61.0


# ---------------------------------------------------------------------------------------------
# Excel's "Strict Open XML Spreadsheet" save option: the same workbook under other namespaces

_STRICT_NAMESPACES = (
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
)


def _saved_as_strict(path):
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name, content in parts.items():
        if name.endswith((".xml", ".rels")):
            for usual, strict in _STRICT_NAMESPACES:
                content = content.replace(usual, strict)
            parts[name] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_a_strict_open_xml_workbook_reads_its_percent_formats(engine, tmp_path):
    path = _saved_as_strict(
        builders.template_workbook(
            tmp_path / "strict.xlsx",
            [
                template_row("2.1", FEBRUARY, value=percent(0.61)),
            ],
        )
    )
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    assert not issues_with(report, "percent-ambiguous"), describe(report)
    assert stored(engine, FEBRUARY)["2.1"]["value"] == 61.0


def test_a_strict_open_xml_workbook_with_an_excel_error_or_an_uncalculated_formula_is_refused_by_cell(engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "strict-errors.xlsx",
        [
            template_row("2.3", FEBRUARY, value=12),
            template_row("2.4", FEBRUARY, value=100),
        ],
    )
    builders.replace_cell_xml(path, "G2", '<c r="G2" t="e"><f>12/0</f><v>#DIV/0!</v></c>')
    builders.replace_cell_xml(path, "G3", '<c r="G3"><f>SUM(A1:A9)</f></c>')
    before = builders.sha256_file(builders.database_file(engine))
    report = run(engine, _saved_as_strict(path))
    assert report.status == "refused", describe(report)
    assert {issue.cell for issue in report.errors} == {"G2", "G3"}, describe(report)
    assert builders.sha256_file(builders.database_file(engine)) == before


def test_a_sheet_named_in_another_case_by_the_workbook_still_has_its_percent_formats_read(engine, tmp_path):
    # Part names in a workbook's package are compared ignoring case: the cell reader finds the sheet, and so
    # must the format reader, or 61% is stored as 0.61%.
    path = builders.template_workbook(tmp_path / "case.xlsx", [template_row("2.1", FEBRUARY, value=percent(0.61))])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = re.sub(rb'Target="/?(?:xl/)?worksheets/sheet1.xml"', b'Target="Worksheets/Sheet1.xml"', parts[rels])
    assert b"Worksheets/Sheet1.xml" in parts[rels]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    assert stored(engine, FEBRUARY)["2.1"]["value"] == 61.0


# ---------------------------------------------------------------------------------------------
# What a refusal quotes, and dates that are no real day


def test_a_refused_percentage_is_quoted_as_typed(engine, tmp_path):
    path = builders.template_workbook(tmp_path / "double-percent.xlsx", [template_row("2.1", FEBRUARY, value="61%%")])
    report = run(engine, path)
    [error] = issues_with(report, "not-a-number")
    assert error.cell == "G2" and "“61%%”" in error.message, describe(report)


@pytest.mark.parametrize("typed", ["2023-02-30", "2023-02-00", "2023-04-31"])
def test_a_period_typed_as_a_day_that_does_not_exist_is_refused_at_its_cell(engine, tmp_path, typed):
    path = builders.template_workbook(tmp_path / "no-such-day.xlsx", [template_row("2.3", typed, value=12)])
    before = builders.sha256_file(builders.database_file(engine))
    report = run(engine, path)
    assert report.status == "refused", describe(report)
    [error] = issues_with(report, "bad-period")
    assert error.cell == "D2" and typed in error.message, describe(report)
    assert builders.sha256_file(builders.database_file(engine)) == before


# ---------------------------------------------------------------------------------------------
# The earliest month set for the server reaches the separate process that reads the file


@pytest.mark.isolated
def test_the_earliest_month_setting_refuses_a_plain_row_read_in_the_separate_process(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("MEASURES_EARLIEST_PERIOD", "2022-06")
    path = builders.template_workbook(
        tmp_path / "before-start.xlsx",
        [
            template_row("2.3", "2022-01", value=12),  # a plain row: read by the quick path, in the reading process
            template_row("2.4", "2022-07", value=100),
        ],
    )
    before = builders.sha256_file(builders.database_file(engine))
    report = run(engine, path)
    assert report.status == "refused", describe(report)
    [error] = issues_with(report, "too-early")
    assert (error.cell, error.ref, error.period) == ("D2", "2.3", "2022-01"), describe(report)
    assert builders.sha256_file(builders.database_file(engine)) == before


# ---------------------------------------------------------------------------------------------
# A second sheet with the template's header


def test_rows_on_a_second_sheet_with_the_template_header_are_reported_not_dropped_without_a_word(engine, tmp_path):
    path = builders.template_workbook(tmp_path / "two-sheets.xlsx", [template_row("2.3", FEBRUARY, value=12)])
    workbook = load_workbook(path)
    copy = workbook.create_sheet("Return (2)")
    copy.append(list(RETURN_HEADER))
    copy.append([None] * len(RETURN_HEADER))  # a blank row first: the warning names the first row with a ref
    copy.append(["2.4", None, None, FEBRUARY, None, None, 99])
    workbook.save(path)
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    february = stored(engine, FEBRUARY)
    assert february["2.3"]["value"] == 12 and "2.4" not in february
    [warning] = [issue for issue in issues_with(report, "ignored-cell") if issue.sheet == "Return (2)"]
    assert warning.cell == "A3" and "‘Return’" in warning.message, describe(report)


def test_a_conditional_formats_number_format_does_not_change_what_a_cell_shows(engine, tmp_path):
    # A conditional format's own number format (under <dxfs>) may reuse a format's number; the cell still
    # shows its own format, 0%.
    path = builders.template_workbook(tmp_path / "dxf.xlsx", [template_row("2.1", FEBRUARY, value=percent(0.61))])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    styles = parts["xl/styles.xml"]
    dxfs = b'<dxfs count="1"><dxf><numFmt numFmtId="9" formatCode="General"/></dxf></dxfs>'
    styles = re.sub(rb"<dxfs[^>]*/>|<dxfs.*?</dxfs>", b"", styles, flags=re.S)
    parts["xl/styles.xml"] = styles.replace(b"</cellStyles>", b"</cellStyles>" + dxfs, 1)
    assert dxfs in parts["xl/styles.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    assert stored(engine, FEBRUARY)["2.1"]["value"] == 61.0


# ---------------------------------------------------------------------------------------------
# A zip holding two parts under one name


def test_a_workbook_with_two_parts_under_one_name_is_refused_before_it_is_read(engine, tmp_path):
    # Readers differ on which of the two they take, so the part checked for limits and formats need not be
    # the part whose cells are read.
    path = builders.template_workbook(tmp_path / "twice.xlsx", [template_row("2.1", FEBRUARY, value=percent(0.61))])
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it is asked to write
        for name, content in parts:
            if name == SHEET:
                archive.writestr(name, content.replace(b"<v>0.61</v>", b"<v>0.99</v>"))
            archive.writestr(name, content)
    before = builders.sha256_file(builders.database_file(engine))
    report = run(engine, path)
    assert report.status == "refused", describe(report)
    [error] = report.errors
    assert error.code == "truncated" and "same name" in error.message, describe(report)
    assert builders.sha256_file(builders.database_file(engine)) == before


def test_a_committee_table_beside_the_template_is_reported_not_dropped_without_a_word(engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "both-layouts.xlsx",
        [JANUARY],
        [
            measure("2.3", "Social workers with more than 24 children", cells=[12]),
        ],
    )
    workbook = load_workbook(layout.path)
    template = workbook.create_sheet("Return", 0)
    template.append(list(RETURN_HEADER))
    template.append(["2.4", None, None, FEBRUARY, None, None, 99])
    workbook.save(layout.path)
    report = run(engine, layout.path)
    assert report.status == "imported" and report.layout == "template", describe(report)
    assert stored(engine, FEBRUARY)["2.4"]["value"] == 99
    [warning] = [issue for issue in issues_with(report, "ignored-cell") if issue.sheet == layout.sheet]
    assert warning.cell == layout.cells[("2.3", JANUARY)] and "committee table" in warning.message, describe(report)


# ---------------------------------------------------------------------------------------------
# A file far over the size limit, imported from a path


def test_a_file_far_over_the_size_limit_is_refused_without_being_read_whole(engine, tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as stream:  # a sparse file: 200 MB on paper, nothing on disk
        stream.truncate(200 * builders.MB)
    tracemalloc.start()
    try:
        report = run(engine, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.status == "refused", describe(report)
    [error] = report.errors
    assert error.code == "file-too-large" and "200.0 MB" in error.message, describe(report)
    assert peak < 40 * builders.MB, f"{peak / builders.MB:.0f} MB held while refusing it"
