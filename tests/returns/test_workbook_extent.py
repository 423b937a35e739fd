"""Each sheet's real extent is found from its XML before any grid is built, however the cells are written, and a
file beyond the limits is refused naming the limit and the sheet. These tests only scan (no reader runs)."""

from __future__ import annotations

import random
import re
import zipfile

import numpy as np
import pytest

from measures.returns import workbook
from measures.returns.workbook import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ENTRIES,
    MAX_ROWS,
    MAX_SHEETS,
    check_container,
    check_extent,
    read_sheets,
    scan_extent,
)
from tests.returns import hostile_files as hostile

HEADER = "".join(hostile.rows_xml([hostile.header_row()]))


def _messages(issues) -> str:
    return " | ".join(issue.message for issue in issues)


def _sheet_file(tmp_path, rows_xml: str, **options) -> bytes:
    return hostile.write_workbook(tmp_path / "file.xlsx", {"Return": [HEADER + rows_xml]}, **options).read_bytes()


def test_a_cell_at_xfd1048576_is_refused_naming_the_sheet_and_both_limits(tmp_path):
    data = hostile.far_cell_xlsx(tmp_path / "far.xlsx").read_bytes()
    assert len(data) < 20_000
    issues = check_extent(data, "far.xlsx")
    assert {issue.code for issue in issues} == {"over-limits"}
    assert all((issue.sheet, issue.cell) == ("Return", "XFD1048576") for issue in issues)
    text = _messages(issues)
    assert "Sheet 'Return' of far.xlsx" in text
    assert "row 1,048,576" in text and f"at most {MAX_ROWS:,} rows" in text
    assert "column XFD" in text and f"at most {MAX_COLUMNS} columns" in text


def test_the_extent_is_the_last_row_and_column_holding_something(tmp_path):
    # header A1:I1, then C7 and B12: 12 rows x 9 columns, 11 cells.
    data = _sheet_file(tmp_path, "".join(hostile.rows_xml([(7, [(3, 5)]), (12, [(2, "x")])])))
    (extent,) = scan_extent(data).parts.values()
    assert (extent.rows, extent.columns, extent.cells, extent.area) == (12, 9, 11, 108)
    sheets, issues = read_sheets(data, "file.xlsx")
    assert issues == [] and len(sheets[0].rows) == 12 and sheets[0].rows[11][1] == "x"


def test_styled_empty_cells_far_away_do_not_count(tmp_path):
    # Excel writes a formatted but empty cell as <c r=".." s=".."/>; no reader keeps it.
    data = _sheet_file(tmp_path, '<row r="900000"><c r="XFD900000" s="1"/></row>')
    (extent,) = scan_extent(data).parts.values()
    assert (extent.rows, extent.columns) == (1, 9)
    assert check_extent(data, "file.xlsx") == []


def test_styled_empty_cells_never_push_the_sheets_together_over_the_cell_limit(tmp_path):
    # Each sheet's quick bound (up to I40000: 360,000 cells) is within limits, but three of them add up past
    # 1,000,000; the exact extents (one row each) are what decide.
    sheet = HEADER + '<row r="40000"><c r="I40000" s="1"/></row>'
    path = hostile.write_workbook(tmp_path / "styled.xlsx", {f"Part {n}": [sheet] for n in range(3)})
    found = scan_extent(path.read_bytes())
    assert [(extent.rows, extent.exact) for extent in found.parts.values()] == [(1, True)] * 3
    assert check_extent(path.read_bytes(), "styled.xlsx") == []


def test_a_lying_dimension_is_not_trusted_either_way(tmp_path):
    honest_cells = _sheet_file(tmp_path, "", dimension="A1:XFD1048576")
    assert check_extent(honest_cells, "file.xlsx") == []
    far_cell = _sheet_file(tmp_path, '<row r="60000"><c r="A60000"><v>1</v></c></row>', dimension="A1:I2")
    assert "row 60,000" in _messages(check_extent(far_cell, "file.xlsx"))


# The far cell written every other way a reader accepts: each must be found.
UNUSUAL_WRITINGS = {
    "no-reference-row-numbered": '<row r="1048576"><c><v>1</v></c></row>',
    "no-reference-after-many-cells": '<row r="2">' + "<c/>" * 300 + "<c><v>1</v></c></row>",
    "rows-without-numbers": "<row/>" * 60_000 + "<row><c><v>1</v></c></row>",
    "prefixed-elements": '<x:row r="70000"><x:c r="A70000"><x:v>1</x:v></x:c></x:row>',
    "decoy-reference-in-another-attribute": '<row r="1"><c s="1 r=\'A1\'" r="A70000"><v>1</v></c></row>',
    "second-reference": '<row r="1"><c r="A1" r="A70000"><v>1</v></c></row>',
    "second-reference-spaced": '<row r="1"><c r="A1" r = "A70000"><v>1</v></c></row>',
    "second-reference-after-a-tab": '<row r="1"><c r="A1"\tr="A70000"><v>1</v></c></row>',
    "lower-case-reference": '<row r="70000"><c r="a70000"><v>1</v></c></row>',
    "single-quoted-reference": "<row r='70000'><c r='A70000'><v>1</v></c></row>",
    "newline-in-tag": '<row r="70000"><c\nr="A70000"><v>1</v></c></row>',
    "reference-past-four-billion": '<row r="1"><c r="A4294967297"><v>1</v></c></row>',
    "greater-than-in-an-attribute": '<row r="1"><c s="a>b" r="A70000"><v>1</v></c></row>',
    "less-than-in-an-attribute": '<row r="1"><c s="a<b" r="A70000"><v>1</v></c></row>',
    "fake-rows-in-a-comment": '<row r="70000"><!-- </row><row r="1"> --><c><v>1</v></c></row>',
    "fake-rows-in-cdata": '<row r="70000"><![CDATA[</row><row r="1">]]><c><v>1</v></c></row>',
}


@pytest.mark.parametrize("writing", UNUSUAL_WRITINGS.values(), ids=UNUSUAL_WRITINGS.keys())
def test_a_far_cell_written_any_way_is_found(tmp_path, writing):
    data = _sheet_file(tmp_path, writing)
    issues = check_extent(data, "file.xlsx")
    assert issues and {issue.code for issue in issues} <= {"over-limits"}, _messages(issues)
    assert all(issue.cell and issue.cell in issue.message for issue in issues)


def test_the_reader_agrees_with_the_scan_for_cells_without_references(tmp_path):
    data = _sheet_file(tmp_path, '<row r="3"><c/><c/><c><v>7</v></c></row><row><c><v>8</v></c></row>')
    (extent,) = scan_extent(data).parts.values()
    assert (extent.rows, extent.columns) == (4, 9)
    sheets, issues = read_sheets(data, "file.xlsx")
    assert issues == [] and sheets[0].rows[2][2] == 7 and sheets[0].rows[3][0] == 8 and len(sheets[0].rows) == 4


def test_more_sheets_than_the_limit_is_refused_before_any_is_scanned(tmp_path):
    data = hostile.many_sheets_xlsx(tmp_path / "sheets.xlsx", MAX_SHEETS + 1).read_bytes()
    issues = check_extent(data, "sheets.xlsx")
    assert [issue.code for issue in issues] == ["over-limits"]
    assert f"more than {MAX_SHEETS} sheets" in issues[0].message
    assert check_extent(hostile.many_sheets_xlsx(tmp_path / "ok.xlsx", MAX_SHEETS).read_bytes(), "ok.xlsx") == []


def test_more_rows_than_the_limit_is_refused_naming_the_sheet(tmp_path):
    data = hostile.many_rows_xlsx(tmp_path / "rows.xlsx", MAX_ROWS, columns=1).read_bytes()
    issues = check_extent(data, "rows.xlsx")
    assert [issue.code for issue in issues] == ["over-limits"]
    assert f"row {MAX_ROWS + 1:,}" in issues[0].message and "Sheet 'Return'" in issues[0].message


def test_more_columns_than_the_limit_is_refused(tmp_path):
    data = _sheet_file(tmp_path, f'<row r="2"><c r="{hostile.column_letters(MAX_COLUMNS + 1)}2"><v>1</v></c></row>')
    assert f"at most {MAX_COLUMNS} columns" in _messages(check_extent(data, "file.xlsx"))
    data = _sheet_file(tmp_path, f'<row r="2"><c r="{hostile.column_letters(MAX_COLUMNS)}2"><v>1</v></c></row>')
    assert check_extent(data, "file.xlsx") == []


def test_sheets_within_their_limits_but_too_many_cells_together_are_refused(tmp_path):
    rows = MAX_ROWS // 2
    sheets_needed = MAX_CELLS // (rows * 9) + 1
    sheet = HEADER + "".join(hostile.rows_xml([(rows, [(9, 1)])]))
    path = hostile.write_workbook(tmp_path / "cells.xlsx", {f"Part {n}": [sheet] for n in range(sheets_needed)})
    issues = check_extent(path.read_bytes(), "cells.xlsx")
    assert [issue.code for issue in issues] == ["over-limits"]
    assert f"at most {MAX_CELLS:,} cells in all its sheets together" in issues[0].message


def test_a_lying_shared_string_count_is_refused(tmp_path):
    # The reader reserves room for the declared count before reading one string: 4 billion aborts the process.
    strings = f'<sst xmlns="{hostile.MAIN_NS}" count="4000000000" uniqueCount="4000000000"><si><t>Ref</t></si></sst>'
    data = _sheet_file(tmp_path, "", shared_strings=strings)
    issues = check_extent(data, "file.xlsx")
    assert [issue.code for issue in issues] == ["over-limits"] and "4,000,000,000 pieces of text" in issues[0].message


def test_a_picture_is_not_mistaken_for_a_damaged_sheet(tmp_path):
    # Every entry is searched for sheet data; a picture with a long run of one byte has no '>' for megabytes.
    path = hostile.write_workbook(tmp_path / "picture.xlsx", {"Return": [HEADER]})
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.bmp", b"BM" + b"\xff" * (3 * 1024 * 1024))
    assert check_extent(path.read_bytes(), "picture.xlsx") == []


def test_a_zip_of_thousands_of_parts_is_refused_from_its_directory(tmp_path):
    path = hostile.write_workbook(tmp_path / "parts.xlsx", {"Return": [HEADER]})
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(MAX_ENTRIES):
            archive.writestr(f"xl/media/part{number}.bin", b"")
    issues = check_container(path.read_bytes(), "parts.xlsx")
    assert [issue.code for issue in issues] == ["over-limits"] and f"at most {MAX_ENTRIES:,}" in issues[0].message


@pytest.mark.parametrize(
    "piece",
    [
        *(writing.encode() for writing in UNUSUAL_WRITINGS.values()),
        b'<row r="1"><c r="A1" s="2"><v>1</v></c></row>',
        b'<c r="A1"><is><t>a r r r= b</t></is></c>',
        b'<c r="A1" s="x=">',
        b"=",
        b'<c r="B2" t="s"><v>0</v></c><c r="C2" cm="1>"/>',
        b'<c r="B2" t="s" x=\t"a>"/>',
    ],
)
def test_the_quick_counts_agree_with_the_patterns_they_stand_for(piece):
    """The array counts of the quick bound give what bytes.count and the full pattern give, on every writing."""
    assert workbook._r_attribute_starts(piece) == sum(map(piece.count, workbook._R_ATTRIBUTE_STARTS))
    assert workbook._quoted_greater_than(piece) is (workbook._QUOTED_GREATER_THAN.search(piece) is not None)


def _pieces_of_every_writing() -> list[bytes]:
    """Cell and row tags written plainly and in every odd way a reference can take, alone and mixed at random."""
    tags = [
        b'<c r="A1">',
        b'<c r="XFD1048576"/>',
        b'<c r="AB12" s="3">',
        b'<c r="ZZZ9999999">',
        b'<c r="ZZZZ1">',
        b'<c r="A12345678">',
        b'<c r="A0">',
        b'<c r="A01">',
        b'<c r="a1">',
        b'<c r="A1x">',
        b'<c r="A">',
        b'<c r="1">',
        b"<c r='A1'>",
        b'<c  r="A1">',
        b'<c s="1" r="A1">',
        b"<c>",
        b"<c/>",
        b"<col>",
        b'<row r="7">',
        b'<row r="1" spans="1:3">',
        b'<row  r="2">',
        b"<row>",
        b"</c>",
        b"</row>",
        b"<v>1</v>",
        b"<c ",
        b'<c r="',
        b'<c r="B',
        b'<c r="B2',
        b'<x:c r="A1">',
        b"<t>a:c</t>",
        b":",
    ]
    chosen = random.Random(17)
    pieces = [*tags, *(writing.encode() for writing in UNUSUAL_WRITINGS.values())]
    for _ in range(300):
        pieces.append(b"".join(chosen.choice(tags) for _ in range(chosen.randint(1, 12))))
    for _ in range(100):  # plain references only, anywhere on the sheet
        references = [
            "".join(chosen.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(chosen.randint(1, 3)))
            + str(chosen.randint(1, 9_999_999))
            for _ in range(chosen.randint(1, 20))
        ]
        pieces.append(
            b"".join(f'<row r="1"><c r="{reference}" t="s"><v>0</v></c></row>'.encode() for reference in references)
        )
    return pieces


@pytest.mark.parametrize("piece", _pieces_of_every_writing())
def test_the_tag_counts_agree_with_the_patterns_they_stand_for(piece):
    """The quick bound's array reading of the tags gives what bytes.count and the reference pattern give, for any
    mix of plain and odd tags (the piece's end included)."""
    tags = workbook._TagCounts(piece)
    rows = workbook._PLAIN_ROW.findall(piece)
    assert (tags.cell_tags, tags.c_tags, tags.row_tags) == (
        piece.count(b"<c "),
        piece.count(b"<c"),
        piece.count(b"<row r="),
    )
    assert tags.all_cells_plain is (len(rows) == piece.count(b"<c "))
    assert workbook._holds_colon_c(np.frombuffer(piece, dtype=np.uint8)) is (b":c" in piece)
    if tags.all_cells_plain and rows:
        assert tags.last_row() == max(map(int, rows))
        letters = re.findall(rb'<c r="([A-Z]{1,3})[1-9]', piece)
        assert tags.last_column() == max(workbook._column_number(name) for name in letters)
