"""Importing national figures (LAIT's long form) and neighbour workbooks: checked like a return, every problem in one
report naming row and column, nothing written on any error, idempotent, revisions kept, markers as statuses."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from measures.national.importer import import_national, import_national_path
from measures.storage import audit, db, national, reads
from tests.returns import builders
from tests.returns import hostile_files as hostile

HEADER = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]


def lait_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    """A long-form CSV as LAIT writes it (CRLF line ends, every field as text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def row(
    value: str = "61", year: str = "2024", code: str = "884", name: str = "Herefordshire", item: str = "CP_conf_15days"
):
    return [item, "", year, name, value, code, "West Midlands"]


GOOD = [
    row("88.600000000000009"),
    row("78", code="970", name="England"),
    row("c", code="893", name="Shropshire"),
    row("", code="933", name="Somerset"),
    row("x", code="935", name="Suffolk"),
    row("z", code="878", name="Devon"),
    row(".", code="908", name="Cornwall"),
    row("-", code="984", name="West Midlands"),
]


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (db.uploads, db.national_figures, db.neighbour_groups, db.audit_events)
        }


def _import(engine, data: bytes, name: str = "lait.csv", **kw):
    return import_national(engine, data, name, user="admin.a", **kw)


def test_a_long_form_is_imported_with_markers_as_statuses_and_floats_as_published(any_engine):
    report = _import(any_engine, lait_csv(GOOD))
    assert (report.status, report.layout, report.issues) == ("imported", "lait-long-form", [])
    assert report.counts == {"values": 8, "added": 8, "revised": 0, "unchanged": 0}
    assert (report.items, report.years) == (["CP_conf_15days"], ["2024"])
    frame = national.national_figures(any_engine).set_index("la_code")
    assert frame.loc[884, "value"] == 88.600000000000009  # the float as read: never rounded on the way in
    assert frame.loc[884, "status"] == "" and frame.loc[970, "value"] == 78.0
    statuses = frame["status"].to_dict()
    assert statuses[893] == "suppressed" and statuses[935] == "not published" and statuses[878] == "not applicable"
    assert statuses[933] == statuses[908] == statuses[984] == "not available"
    assert all(math.isnan(frame.loc[code, "value"]) for code in (893, 933, 935, 878, 908, 984))  # never 0
    assert audit.audit_frame(any_engine, action="national.imported").iloc[0]["detail"]["added"] == 8


def test_importing_the_same_file_again_writes_nothing(any_engine):
    _import(any_engine, lait_csv(GOOD))
    before, version = _counts(any_engine), reads.data_version(any_engine)
    report = _import(any_engine, lait_csv(GOOD))
    assert report.status == "unchanged"
    assert report.counts == {"values": 8, "added": 0, "revised": 0, "unchanged": 8}
    assert _counts(any_engine) == before and reads.data_version(any_engine) == version


def test_a_newer_release_of_a_year_is_kept_beside_the_earlier_and_a_changed_value_is_a_revision(engine):
    _import(engine, lait_csv([row("61"), row("70", code="970", name="England")]))
    report = _import(engine, lait_csv([row("62"), row("70", code="970", name="England"), row("63", year="2024 (Rev)")]))
    assert report.counts == {"values": 3, "added": 1, "revised": 1, "unchanged": 1}
    assert report.later_releases == 1  # 2024 (Rev) beside 2024
    frame = national.national_figures(engine)
    assert frame[["year", "la_code", "value"]].values.tolist() == [
        ["2024", 884, 62.0],
        ["2024", 970, 70.0],
        ["2024 (Rev)", 884, 63.0],
    ]
    assert _counts(engine)["national_figures"] == 4  # 61 kept as the first version


def test_a_dry_run_reports_what_would_be_written_and_writes_nothing(engine):
    _import(engine, lait_csv([row("61")]))
    before = _counts(engine)
    report = _import(engine, lait_csv([row("62"), row("70", code="970", name="England")]), dry_run=True)
    assert report.status == "checked"
    assert report.counts == {"values": 2, "added": 1, "revised": 1, "unchanged": 0}
    assert _counts(engine) == before


def _refused(engine, data: bytes, name: str = "lait.csv", **kw):
    before = _counts(engine)
    report = _import(engine, data, name, **kw)
    assert report.status == "refused", report.issues
    assert _counts(engine) == before  # nothing written
    return report


def test_a_file_that_is_not_the_long_form_names_the_missing_columns(engine):
    report = _refused(
        engine, lait_csv([["CP_conf_15days", "2024", "884", "61"]], header=["Item", "Year", "LA", "Value"])
    )
    (issue,) = report.errors
    assert issue.code == "not-long-form" and issue.row == 1
    assert "lacks Short Desc, Data item, Years, LA and Regions, Values, LA Number, Region" in issue.message


def test_every_problem_is_reported_at_once_naming_row_and_column(engine):
    report = _refused(
        engine,
        lait_csv(
            [
                row("61"),
                row("61", item="CP_conf_16days"),  # row 3
                row("61", code="999", name="Nowhere"),  # row 4
                row("61", name="Hereford"),  # row 5
                row("61%"),  # row 6 (also the same figure as row 2, but its value is refused first)
                row("61", year="last year", code="970", name="England"),  # row 7
                row("61", code="88a", name="Herefordshire"),  # row 8
                row("n/a", code="893", name="Shropshire"),  # row 9
            ]
        ),
    )
    found = {(issue.code, issue.row, issue.column) for issue in report.errors}
    assert found == {
        ("unknown-item", 3, "Short Desc"),
        ("unknown-authority", 4, "LA Number"),
        ("name-mismatch", 5, "LA and Regions"),
        ("not-a-number", 6, "Values"),
        ("bad-year", 7, "Years"),
        ("bad-la-code", 8, "LA Number"),
        ("not-a-number", 9, "Values"),
    }
    messages = {issue.row: issue.message for issue in report.errors}
    assert messages[3] == "Row 3, column A (Short Desc): 'CP_conf_16days' is not one of LAIT's data items."
    assert messages[4] == "Row 4, column F (LA Number): 999 is not an authority in DfE's code list."
    assert "where 884 is Herefordshire" in messages[5]
    assert "'61%' is neither a number nor one of LAIT's markers (x, c, z, ., - or blank)" in messages[6]
    assert messages[7].startswith("Row 7, column C (Years): 'last year' is not a year")


def test_columns_in_another_order_are_found_by_name_and_named_by_their_letter(engine):
    header = ["LA Number", "LA and Regions", "Region", "Short Desc", "Data item", "Years", "Values"]
    data = lait_csv([["884", "Herefordshire", "West Midlands", "CP_conf_15days", "", "2024", "abc"]], header=header)
    (issue,) = _refused(engine, data).errors
    assert issue.message.startswith("Row 2, column G (Values):")


def test_the_same_figure_twice_with_different_values_is_refused_and_with_the_same_kept_once(engine):
    report = _refused(engine, lait_csv([row("61"), row("62")]))
    assert [(i.code, i.row) for i in report.errors] == [("duplicate-conflict", 3)]
    same = _import(engine, lait_csv([row("61"), row("61.0")]))
    assert same.status == "imported" and [i.code for i in same.warnings] == ["duplicate-same"]
    assert same.counts["values"] == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not-long-form"),
        (lait_csv([]), "no-figures"),
        (b"\x00\x01\x02binary" * 10, "unreadable"),
        (
            b'Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\r\n"unclosed' + b"x" * 200_000,
            "unreadable",
        ),
        (b"PK\x03\x04 not really a zip", "unreadable"),
    ],
)
def test_files_that_are_no_long_form_get_a_report_never_a_traceback(engine, data, code):
    report = _refused(engine, data, "sn_may_2025.xlsx" if data.startswith(b"PK") else "lait.csv")
    assert code in {issue.code for issue in report.errors}


def test_a_file_over_the_size_limit_is_refused_without_reading_it(engine, tmp_path, monkeypatch):
    from measures.national import importer

    monkeypatch.setattr(importer, "MAX_CSV_BYTES", 1000)
    path = tmp_path / "huge.csv"
    path.write_bytes(lait_csv([row("61")] * 100))
    report = import_national_path(engine, path, user="admin.a")
    assert [i.code for i in report.errors] == ["file-too-large"]


def test_a_windows_1252_file_saved_from_excel_is_read(engine):
    data = lait_csv([row("61")]).decode().encode("cp1252")
    assert _import(engine, b"\xef\xbb\xbf" + data).status == "imported"


# ---------------------------------------------------------------------------------------------
# Neighbour workbooks

SN_HEADER = ["LA num", "LA Name", "LA number", "GOInd", "GOReg"] + [h for k in range(1, 11) for h in (f"SN{k}", "SNP")]
HEREFORDSHIRE_2025 = [893, 933, 935, 860, 865, 908, 916, 885, 931, 874]
SHROPSHIRE_2025 = [884, 933, 935, 865, 908, 916, 885, 931, 874, 860]
ELSEWHERE = [884, 860, 865, 908, 916, 885, 931, 874, 878, 838]  # neither Somerset nor Suffolk


def sn_workbook(path: Path, groups: list[list], notes: int = 2, after: list[list] | None = None) -> Path:
    """A neighbour workbook as DfE lays it out: `notes` rows of junk, the header, one row per authority."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "LA SN Groups"
    for number in range(notes):
        sheet.append([f"note {number}", "A", "B"])
    sheet.append(SN_HEADER)
    for group in groups:
        sheet.append(group)
    if after:
        sheet.append([])
        for extra in after:
            sheet.append(extra)
    workbook.save(path)
    return path


def sn_row(code: int, name: str, neighbours: list, band: str = "Close") -> list:
    return [code, name, code, 5, "West Midlands"] + [cell for n in neighbours for cell in (n, band)]


def _groups(tmp_path, name="sn_may_2025.xlsx", **kw) -> bytes:
    rows = kw.pop(
        "rows", [sn_row(884, "Herefordshire", HEREFORDSHIRE_2025), sn_row(893, "Shropshire", SHROPSHIRE_2025)]
    )
    return sn_workbook(tmp_path / name, rows, **kw).read_bytes()


def test_a_neighbour_workbook_is_read_below_its_notes_with_the_edition_from_its_name(any_engine, tmp_path):
    after = [["", "Old SNs:"], sn_row(909, "Cumbria", HEREFORDSHIRE_2025)]
    report = _import(any_engine, _groups(tmp_path, notes=3, after=after), "sn_may_2025.xlsx")
    assert (report.status, report.layout, report.edition) == ("imported", "neighbour-groups", "May 2025")
    assert report.counts == {"values": 2, "added": 2, "revised": 0, "unchanged": 0}
    assert [i.code for i in report.warnings] == ["rows-not-read"]
    assert national.neighbour_editions(any_engine) == [("2025-05", "May 2025")]
    assert national.neighbour_group(any_engine, "2025-05", 884) == tuple(HEREFORDSHIRE_2025)
    assert national.neighbour_places(any_engine, "2025-05", 884)[0] == (893, "Close")
    assert national.neighbour_group(any_engine, "2025-05", 909) == ()  # an old group is not part of the edition
    again = _import(any_engine, _groups(tmp_path, notes=3, after=after), "sn_may_2025.xlsx")
    assert again.status == "unchanged"


def test_the_edition_given_wins_over_the_file_name_and_neither_is_refused(engine, tmp_path):
    data = _groups(tmp_path, name="groups.xlsx")
    report = _refused(engine, data, "groups.xlsx")
    assert [i.code for i in report.errors] == ["no-edition"]
    assert "name the edition (for example May 2025)" in report.errors[0].message
    assert _refused(engine, data, "groups.xlsx", edition="sometime").errors[0].code == "no-edition"
    assert _import(engine, data, "groups.xlsx", edition="April 2021").edition == "April 2021"
    assert national.neighbour_editions(engine) == [("2021-04", "April 2021")]


def test_every_code_of_a_workbook_is_checked_against_the_code_list(engine, tmp_path):
    rows = [
        sn_row(884, "Herefordshire", HEREFORDSHIRE_2025[:9] + [999]),  # row 4: SN10 unknown
        sn_row(998, "Nowhere", SHROPSHIRE_2025),  # row 5
        sn_row(893, "Salop", SHROPSHIRE_2025),  # row 6: name disagrees
        sn_row(933, "Somerset", ELSEWHERE[:5] + ["-"] * 5),  # row 7: half a group
        sn_row(935, "Suffolk", ["abc"] + ELSEWHERE[1:]),  # row 8
    ]
    report = _refused(engine, _groups(tmp_path, rows=rows), "sn_may_2025.xlsx")
    found = {(i.code, i.row, i.column) for i in report.errors}
    assert found == {
        ("unknown-authority", 4, "SN10"),
        ("unknown-authority", 5, "LA num"),
        ("name-mismatch", 6, "LA Name"),
        ("incomplete-group", 7, ""),
        ("bad-la-code", 8, "SN1"),
    }
    messages = {i.row: i.message for i in report.errors}
    assert messages[4] == "Sheet LA SN Groups, row 4, cell X4: SN10 999 is not an authority in DfE's code list."
    assert "lacks SN6, SN7, SN8, SN9, SN10" in messages[7]


def test_a_group_that_names_its_own_authority_or_a_neighbour_twice_is_refused(engine, tmp_path):
    rows = [sn_row(884, "Herefordshire", [884] + HEREFORDSHIRE_2025[1:]), sn_row(893, "Shropshire", [884] * 10)]
    report = _refused(engine, _groups(tmp_path, rows=rows), "sn_may_2025.xlsx")
    assert {(i.code, i.row) for i in report.errors} == {("incomplete-group", 4), ("incomplete-group", 5)}


def test_an_authority_with_no_group_is_left_out_with_a_warning(engine, tmp_path):
    rows = [sn_row(884, "Herefordshire", HEREFORDSHIRE_2025), sn_row(942, "Cumberland", ["-"] * 10, band="-")]
    report = _import(engine, _groups(tmp_path, rows=rows), "sn_april_2021.xlsx")
    assert report.status == "imported" and [i.code for i in report.warnings] == ["no-group"]
    assert report.counts["added"] == 1


def test_a_workbook_without_the_header_is_refused(engine, tmp_path):
    workbook = Workbook()
    workbook.active.append(["Ref", "Measure", "Value"])
    workbook.save(tmp_path / "sn_may_2025.xlsx")
    report = _refused(engine, (tmp_path / "sn_may_2025.xlsx").read_bytes(), "sn_may_2025.xlsx")
    assert [i.code for i in report.errors] == ["no-header"]


def test_a_changed_group_in_a_corrected_workbook_is_a_new_version(engine, tmp_path):
    _import(engine, _groups(tmp_path), "sn_may_2025.xlsx")
    rows = [
        sn_row(884, "Herefordshire", list(reversed(HEREFORDSHIRE_2025))),
        sn_row(893, "Shropshire", SHROPSHIRE_2025),
    ]
    report = _import(engine, _groups(tmp_path, rows=rows), "sn_may_2025.xlsx")
    assert report.counts == {"values": 2, "added": 0, "revised": 1, "unchanged": 1}
    assert national.neighbour_group(engine, "2025-05", 884)[0] == 874


@pytest.mark.parametrize(
    "build",
    [
        lambda path: hostile.far_cell_xlsx(path),  # a cell at XFD1048576: the grid would not fit in memory
        lambda path: builders.zip_bomb(path, inflated=200 * builders.MB),  # inflates far beyond its size
        lambda path: builders.truncated_xlsx(path),
        lambda path: builders.encrypted_xlsx(path),
    ],
    ids=["far-cell", "zip-bomb", "truncated", "encrypted"],
)
def test_hostile_workbooks_are_refused_with_a_report_and_nothing_written(engine, tmp_path, build):
    path = build(tmp_path / "sn_may_2025.xlsx")
    report = _refused(engine, path.read_bytes(), "sn_may_2025.xlsx")
    assert {i.code for i in report.errors} <= {"unsafe-file", "unreadable", "no-header"}
    assert report.errors[0].message.startswith("sn_may_2025.xlsx ")


def test_the_long_form_saved_as_a_workbook_is_refused_with_advice_to_save_it_as_csv(engine, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(row("61"))
    workbook.save(tmp_path / "lait.xlsx")
    report = _refused(engine, (tmp_path / "lait.xlsx").read_bytes(), "lait.xlsx")
    (issue,) = report.errors  # no question about an edition: it is not a neighbour workbook
    assert issue.code == "no-header" and "save it as CSV (UTF-8)" in issue.message


def test_a_year_is_stored_with_its_spacing_made_regular(engine):
    _import(engine, lait_csv([row("61", year=" 2024   (Rev) "), row("60", year="2024")]))
    assert national.national_figures(engine)["year"].tolist() == ["2024", "2024 (Rev)"]
    assert _import(engine, lait_csv([row("61", year="2024 (Rev)")])).status == "unchanged"


def test_a_workbook_over_the_size_limit_is_refused_without_reading_it(engine, tmp_path, monkeypatch):
    from measures.national import importer

    monkeypatch.setattr(importer, "MAX_WORKBOOK_BYTES", 1000)
    report = _refused(engine, _groups(tmp_path), "sn_may_2025.xlsx")
    assert [i.code for i in report.errors] == ["file-too-large"]


def test_every_year_form_lait_publishes_is_read_and_rows_are_counted_as_a_spreadsheet_shows_them(engine):
    years = ["2021-22", "2023/24", "2014-16", "2013/14-15/16", "2025 (prov)", "2020 (Final)", "2016-17 (OT)"]
    rows = [row("61", year=year) for year in years]
    rows[0][1] = "Care leavers,\nwith a line break in the item's name"  # one record over two lines of the file
    rows.append(row("x", year="last year"))
    report = _refused(engine, lait_csv(rows))
    assert [(i.code, i.row) for i in report.errors] == [("bad-year", 9)]  # the 9th row, though the 10th line
    rows.pop()
    report = _import(engine, lait_csv(rows))
    assert report.status == "imported" and sorted(report.years) == sorted(years)


def test_a_figure_no_percentage_can_be_is_refused_and_an_unusual_one_is_named(engine):
    # 1e300% or -40000% is a slip; LAIT itself publishes some take-up percentages above 100, so 104.5 is kept
    # with a warning. Digits of another script are no figure.
    report = _refused(
        engine,
        lait_csv([row("1e300"), row("-40000", code="893", name="Shropshire"), row("١٢", code="878", name="Devon")]),
    )
    assert {(issue.code, issue.row) for issue in report.errors} == {
        ("out-of-range", 2),
        ("out-of-range", 3),
        ("not-a-number", 4),
    }
    assert report.errors[0].message == (
        "Row 2, column E (Values): '1e300' cannot be a figure of CP_conf_15days, a percentage."
    )
    kept = _import(engine, lait_csv([row("104.5"), row("80", code="970", name="England")]))
    assert kept.status == "imported"
    assert [(issue.severity, issue.code, issue.row) for issue in kept.issues] == [("warning", "unusual-percentage", 2)]
    assert "104.5 is outside 0 to 100 for CP_conf_15days" in kept.issues[0].message
