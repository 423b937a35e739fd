"""The builders write what they claim: these run without the importer, so a failing import test is never a
broken fixture in disguise."""

from __future__ import annotations

import datetime
import zipfile

from openpyxl import load_workbook

from tests.returns import builders
from tests.returns.builders import PUBLISHED_MONTHS, template_row


def test_template_workbook_writes_the_header_rows_and_optional_sheets(tmp_path):
    path = builders.template_workbook(
        tmp_path / "t.xlsx",
        [template_row("3.1", "2023-02", 236, 304), template_row("2.2", datetime.datetime(2023, 2, 1), value=17.4)],
        benchmarks=[("3.1", "2022-23", "England", 89)],
        commentary=[("3.1", "2023-02", "Better.")],
    )
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Return", "Benchmarks", "Commentary"]
    sheet = workbook["Return"]
    assert [cell.value for cell in sheet[1]] == list(builders.RETURN_HEADER)
    assert sheet["A2"].value == "3.1" and sheet["E2"].value == 236 and sheet["G2"].value is None
    assert sheet["B2"].value.startswith("Number and % of child and family assessments")
    assert isinstance(sheet["D3"].value, datetime.datetime) and sheet["D3"].number_format == "mmm-yy"


def test_published_committee_workbook_puts_cells_where_its_map_says(tmp_path):
    layout = builders.published_committee_workbook(tmp_path / "c.xlsx")
    sheet = load_workbook(layout.path)[builders.COMMITTEE_SHEET]
    assert sheet["A1"].value == builders.TITLE
    assert [sheet[f"{c}2"].value for c in "ABCDE"] == list(builders.COMMITTEE_FIXED_HEADER)
    assert sheet["F2"].value == datetime.datetime(2022, 12, 1) and sheet["F2"].number_format == "mmm-yy"
    assert len(layout.header_cells["2022-12"]) == 8  # the header repeats on each printed page, as published
    assert sheet[layout.cells[("3.1", "2022-12")]].value == "198 (291)"
    assert sheet[layout.below[("3.1", "2022-12")]].value == "69.0%"
    assert sheet[layout.cells[("8.1", "2022-12")]].value is None
    assert sheet[layout.cells[("8.1", "2023-01")]].value == "627 out of 987 63.5%"
    assert sheet[layout.progress["4.4"]].value == "↓"
    assert sheet[layout.cells[("10.1", "2022-12")]].value == "NEW MEASURE"
    assert all(sheet[layout.cells[(ref, p)]].value is None for ref in ("1.1", "10.7") for p in PUBLISHED_MONTHS[2:])
    refs = [ref for (ref, period) in layout.cells if period == "2022-12"]
    assert len(refs) == 38 and refs[0] == "1.1" and refs[-1] == "10.7"
    assert sheet.merged_cells.ranges  # area texts merged across the table


def test_committee_workbook_text_headers_both_styles(tmp_path):
    layout = builders.published_committee_workbook(
        tmp_path / "c.xlsx", date_headers=False, merge_area_rows=False, repeat_header=False
    )
    sheet = load_workbook(layout.path)[builders.COMMITTEE_SHEET]
    assert [sheet[f"{c}2"].value for c in "FGHI"] == ["Dec-22", "Jan 2023", "Feb-23", "Mar 2023"]
    assert not sheet.merged_cells.ranges
    assert len(layout.header_cells["2022-12"]) == 1


def test_raw_files_have_the_bytes_they_claim(tmp_path):
    assert builders.encrypted_xlsx(tmp_path / "e.xlsx").read_bytes().startswith(builders.CFB_MAGIC)
    assert "EncryptedPackage".encode("utf-16-le") in (tmp_path / "e.xlsx").read_bytes()
    legacy = builders.legacy_xls(tmp_path / "l.xls").read_bytes()
    assert legacy.startswith(builders.CFB_MAGIC) and "EncryptedPackage".encode("utf-16-le") not in legacy
    full = builders.small_valid_xlsx(tmp_path / "full.xlsx").stat().st_size
    cut = builders.truncated_xlsx(tmp_path / "cut.xlsx").read_bytes()
    assert len(cut) == full // 2 and cut.startswith(b"PK\x03\x04")
    assert builders.not_xlsx(tmp_path / "n.xlsx").read_text().startswith("Ref,Period")


def test_zip_bomb_is_small_and_really_inflates_past_400_mb(zip_bomb_file):
    with zipfile.ZipFile(zip_bomb_file) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert "xl/workbook.xml" in archive.namelist() and "[Content_Types].xml" in archive.namelist()
    assert sheet.file_size >= builders.ZIP_BOMB_INFLATED
    assert zip_bomb_file.stat().st_size < 2 * builders.MB


def test_oversized_workbook_is_a_valid_zip_over_10_mb(oversized_file):
    with zipfile.ZipFile(oversized_file) as archive:
        assert archive.testzip() is None
        assert "xl/workbook.xml" in archive.namelist()
    assert oversized_file.stat().st_size > 10 * builders.MB
