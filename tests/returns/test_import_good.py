"""Good returns import: the template and the committee table, re-imports, corrections, dry runs, round trips."""

from __future__ import annotations

import datetime
import math

import pandas as pd
import pytest

from measures.cli.demo import read_published
from measures.returns import import_return
from measures.returns.export import export_xlsx
from measures.storage import reads
from tests.returns import builders
from tests.returns.builders import TODAY, describe, issues_with, template_row

FEBRUARY = "2023-02"
ALL_REFS = (
    "1.1",
    "1.2",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5",
    "5.1",
    "6.1",
    "6.2",
    "6.3",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "8.1",
    "8.2",
    "8.3",
    "9.1",
    "9.2",
    "9.3",
    "10.1",
    "10.2",
    "10.3",
    "10.4",
    "10.5",
    "10.6",
    "10.7",
)
DOL_NOTE = "40% of these children had been subject to DoL for 6 months or more."
TEAM = "Assessment Team 1"


def february_rows(**changes: dict) -> list[dict]:
    """A full return for February 2023: every measure, counts for percent measures with counts (Value left
    blank to be computed), TBC and NEW rows, one team row, one note and one Period typed as an Excel date.
    `changes` maps a ref (dots as underscores: r2_4) to the fields to change on its whole-service row."""
    rows = [
        template_row("1.1", FEBRUARY, 45, 110),
        template_row("1.2", FEBRUARY, 40, 70),
        template_row("2.1", FEBRUARY, value=61, status="OK"),
        template_row("2.2", datetime.datetime(2023, 2, 1), value=17.4),
        template_row("2.3", FEBRUARY, value=11),
        template_row("2.4", FEBRUARY, value=101),
        template_row("2.5", FEBRUARY, value=195),
        template_row("2.6", FEBRUARY, status="TBC"),
        template_row("3.1", FEBRUARY, 236, 304),
        template_row("3.2", FEBRUARY, 160, 165),
        template_row("3.3", FEBRUARY, 20, 30),
        template_row("3.4", FEBRUARY, status="TBC"),
        template_row("4.1", FEBRUARY, value=30),
        template_row("4.2", FEBRUARY, 14, 30),
        template_row("4.3", FEBRUARY, 11, 30),
        template_row("4.4", FEBRUARY, 4, 30),
        template_row("4.5", FEBRUARY, 1, 30),
        template_row("5.1", FEBRUARY, value=2),
        template_row("6.1", FEBRUARY, 6, 18),
        template_row("6.2", FEBRUARY, value=1),
        template_row("6.3", FEBRUARY, value=5, note=DOL_NOTE),
        template_row("7.1", FEBRUARY, 45, 66),
        template_row("7.2", FEBRUARY, 20, 45),
        template_row("7.3", FEBRUARY, status="TBC"),
        template_row("7.4", FEBRUARY, 85, 110),
        template_row("8.1", FEBRUARY, 640, 990),
        template_row("8.2", FEBRUARY, 4, 5),
        template_row("8.3", FEBRUARY, value=12),
        template_row("9.1", FEBRUARY, 30, 47),
        template_row("9.2", FEBRUARY, 12, 30),
        template_row("9.3", FEBRUARY, status="TBC"),
        template_row("10.1", FEBRUARY, status="NEW"),
        template_row("10.2", FEBRUARY, value=72.5),
        template_row("10.3", FEBRUARY, value=91.0),
        template_row("10.4", FEBRUARY, value=12.0),
        template_row("10.5", FEBRUARY, value=0.0),
        template_row("10.6", FEBRUARY, value=89.0),
        template_row("10.7", FEBRUARY, value=84.0),
        template_row("3.1", FEBRUARY, 60, 75, team=TEAM),
    ]
    for key, fields in changes.items():
        ref = key.removeprefix("r").replace("_", ".")
        next(row for row in rows if row["ref"] == ref and not row["team"]).update(fields)
    return rows


def expected_service(rows: list[dict]) -> dict[str, tuple]:
    """What the store should hold per ref for the whole service: (numerator, denominator, value, status)."""
    expected = {}
    for row in rows:
        if row["team"]:
            continue
        status = (row["status"] or "ok").lower()
        value = row["value"]
        if value is None and row["denominator"]:
            value = 100.0 * row["numerator"] / row["denominator"]
        expected[row["ref"]] = (row["numerator"], row["denominator"], value, status)
    return expected


def run(engine, path, **options):
    """import_return with the defaults of these tests: officer.a, today 28 February 2023."""
    return import_return(engine, path, **{"user": "officer.a", "today": TODAY, **options})


def same(a, b) -> bool:
    """Equal numbers, or both missing (None / NaN)."""
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def stored(engine, period: str) -> dict[str, dict]:
    frame = reads.service_series(engine, since=period, up_to=period)
    return {record["ref"]: record for record in frame.to_dict("records")}


@pytest.fixture
def february_file(tmp_path):
    return builders.template_workbook(tmp_path / "return-2023-02.xlsx", february_rows())


# ---------------------------------------------------------------------------------------------
# The template layout


def test_a_full_template_return_imports_every_measure(any_engine, february_file):
    report = run(any_engine, february_file)
    rows = february_rows()
    assert report.status == "imported", describe(report)
    assert report.layout == "template"
    assert report.periods == [FEBRUARY]
    assert not report.errors, describe(report)
    assert report.counts == {"values": len(rows), "added": len(rows), "revised": 0, "unchanged": 0}
    held = stored(any_engine, FEBRUARY)
    assert sorted(held, key=lambda r: tuple(map(int, r.split(".")))) == list(ALL_REFS)
    for ref, (numerator, denominator, value, status) in expected_service(rows).items():
        record = held[ref]
        assert record["status"] == status, ref
        assert same(record["numerator"], numerator), (ref, record)
        assert same(record["denominator"], denominator), (ref, record)
        assert same(record["value"], value), (ref, record)
    assert held["3.1"]["value"] == pytest.approx(77.631578947, abs=1e-6)  # 236/304, computed, not typed
    assert held["10.5"]["value"] == 0.0 and held["10.5"]["status"] == "ok"  # zero is a figure, not a blank
    assert held["6.3"]["note"] == DOL_NOTE


def test_tbc_and_new_are_statuses_never_zero(any_engine, february_file):
    run(any_engine, february_file)
    held = stored(any_engine, FEBRUARY)
    for ref in ("2.6", "3.4", "7.3", "9.3"):
        assert held[ref]["status"] == "tbc" and pd.isna(held[ref]["value"]), held[ref]
    assert held["10.1"]["status"] == "new" and pd.isna(held["10.1"]["value"])


def test_a_team_row_is_stored_at_team_level_not_as_the_service(any_engine, february_file):
    run(any_engine, february_file)
    teams = reads.team_series(any_engine, "3.1", FEBRUARY)
    assert teams["team"].tolist() == [TEAM]
    assert (teams["numerator"].iloc[0], teams["denominator"].iloc[0]) == (60, 75)
    assert teams["value"].iloc[0] == pytest.approx(80.0)
    assert stored(any_engine, FEBRUARY)["3.1"]["numerator"] == 236


def test_the_upload_is_recorded_with_the_user_and_layout(any_engine, february_file):
    report = run(any_engine, february_file)
    uploads = reads.uploads_frame(any_engine)
    assert len(uploads) == 1
    upload = uploads.iloc[0]
    assert (upload["kind"], upload["user_name"], upload["layout"]) == ("import", "officer.a", "template")
    assert report.upload_id == upload["id"]


def test_importing_the_same_file_again_changes_nothing(any_engine, february_file):
    run(any_engine, february_file)
    uploads_before = len(reads.uploads_frame(any_engine))
    again = run(any_engine, february_file, user="officer.b")
    rows = len(february_rows())
    assert again.status == "unchanged", describe(again)
    assert again.counts == {"values": rows, "added": 0, "revised": 0, "unchanged": rows}
    assert len(reads.uploads_frame(any_engine)) == uploads_before
    assert len(reads.value_history(any_engine, "2.4", FEBRUARY)) == 1


def test_a_corrected_file_revises_one_value_and_keeps_both_versions(any_engine, tmp_path, february_file):
    run(any_engine, february_file)
    corrected = builders.template_workbook(tmp_path / "corrected.xlsx", february_rows(r2_4={"value": 102}))
    report = run(any_engine, corrected, user="officer.b")
    assert report.status == "imported", describe(report)
    assert report.counts["revised"] == 1 and report.counts["added"] == 0, describe(report)
    assert report.counts["unchanged"] == len(february_rows()) - 1
    history = reads.value_history(any_engine, "2.4", FEBRUARY)
    assert history["value"].tolist() == [101, 102]
    assert history["recorded_by"].tolist() == ["officer.a", "officer.b"]
    assert history["current"].tolist() == [False, True]
    assert stored(any_engine, FEBRUARY)["2.4"]["value"] == 102


def test_a_blank_cell_in_a_reimport_never_deletes_the_stored_value(any_engine, tmp_path, february_file):
    run(any_engine, february_file)
    blanked = builders.template_workbook(
        tmp_path / "blanked.xlsx",
        february_rows(r2_4={"value": None}, r3_1={"numerator": None, "denominator": None}),
    )
    report = run(any_engine, blanked, user="officer.b")
    assert report.status in {"unchanged", "imported"}, describe(report)
    assert not report.errors, describe(report)
    assert report.counts["revised"] == 0 and report.counts["added"] == 0, describe(report)
    held = stored(any_engine, FEBRUARY)
    assert held["2.4"]["value"] == 101
    assert (held["3.1"]["numerator"], held["3.1"]["denominator"]) == (236, 304)
    assert len(reads.value_history(any_engine, "2.4", FEBRUARY)) == 1


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(engine, february_file):
    database = builders.database_file(engine)
    engine.dispose()
    before = builders.sha256_file(database)
    report = run(engine, february_file, dry_run=True)
    engine.dispose()
    rows = len(february_rows())
    assert report.status == "checked", describe(report)
    assert report.counts == {"values": rows, "added": rows, "revised": 0, "unchanged": 0}
    assert report.periods == [FEBRUARY]
    assert builders.sha256_file(database) == before
    assert reads.count_values(engine) == 0 and reads.uploads_frame(engine).empty


def test_a_dry_run_of_a_correction_counts_the_revision_without_writing_it(any_engine, tmp_path, february_file):
    run(any_engine, february_file)
    corrected = builders.template_workbook(tmp_path / "corrected.xlsx", february_rows(r2_4={"value": 102}))
    report = run(any_engine, corrected, dry_run=True)
    assert report.status == "checked" and report.counts["revised"] == 1, describe(report)
    assert stored(any_engine, FEBRUARY)["2.4"]["value"] == 101


def test_benchmarks_and_commentary_sheets_import(any_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "with-extras.xlsx",
        [template_row("3.1", FEBRUARY, 236, 304)],
        benchmarks=[("3.1", "2022-23", "England", 89), ("10.2", "2021-22", "West Midlands", 55.1)],
        commentary=[("3.1", FEBRUARY, "Assessments in time held steady after the new triage rota.")],
    )
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    benchmarks = reads.benchmark_frame(any_engine)
    found = {(r["ref"], r["year"], r["comparator"]): r["value"] for r in benchmarks.to_dict("records")}
    assert found[("3.1", "2022-23", "England")] == 89
    assert found[("10.2", "2021-22", "West Midlands")] == pytest.approx(55.1)
    commentary = reads.commentary_frame(any_engine, "3.1")
    assert commentary["text"].tolist() == ["Assessments in time held steady after the new triage rota."]
    assert commentary["period"].tolist() == [FEBRUARY]


# ---------------------------------------------------------------------------------------------
# The committee layout: the published table as officers keep it

# Published as a count and a percentage with no denominator in the cell: the importer may keep the typed
# percentage or derive a denominator (4.1 audits, 9.1 audits); either way the numerator and the value stand.
COUNT_AND_PERCENT = {"4.2", "4.3", "4.4", "4.5", "6.1", "9.2"}
ARROWS_THAT_CONTRADICT = {"1.1", "4.3", "4.4", "7.2", "8.1"}


@pytest.fixture
def published(tmp_path):
    return builders.published_committee_workbook(tmp_path / "measures-that-matter.xlsx")


def assert_holds_the_published_figures(any_engine) -> None:
    published_rows = {(row.ref, row.period): row for row in read_published()}
    frame = reads.service_series(any_engine)
    held = {(r["ref"], r["period"]): r for r in frame.to_dict("records")}
    assert set(held) == set(published_rows)  # 8.1 and 6.3 December were blank: no row
    for key, row in published_rows.items():
        record = held[key]
        assert record["status"] == row.status, key
        if row.status != "ok":
            assert all(pd.isna(record[c]) for c in ("numerator", "denominator", "value")), (key, record)
            continue
        assert same(record["numerator"], row.numerator), (key, record)
        if key[0] in COUNT_AND_PERCENT:
            assert abs(record["value"] - row.value) <= 0.6, (key, record)
        else:
            assert same(record["denominator"], row.denominator), (key, record)
            assert same(record["value"], row.value), (key, record)


def test_the_published_committee_table_imports(any_engine, published):
    report = run(any_engine, published.path)
    assert report.status == "imported", describe(report)
    assert report.layout == "committee"
    assert report.periods == ["2022-12", "2023-01"]
    assert not report.errors, describe(report)
    published_count = len(read_published())
    assert report.counts["values"] == published_count and report.counts["added"] == published_count
    assert_holds_the_published_figures(any_engine)


def test_committee_3_1_december_keeps_the_counts_and_flags_the_typed_percentage(any_engine, published):
    report = run(any_engine, published.path)
    row = stored(any_engine, "2022-12")["3.1"]
    assert (row["numerator"], row["denominator"]) == (198, 291)
    assert row["value"] == pytest.approx(68.041237, abs=1e-5)  # from the counts, not the typed 69.0%
    mismatches = issues_with(report, "percent-mismatch")
    assert len(mismatches) == 1, describe(report)
    issue = mismatches[0]
    assert issue.severity == "warning"
    assert (issue.sheet, issue.cell, issue.ref, issue.period) == (
        builders.COMMITTEE_SHEET,
        published.below[("3.1", "2022-12")],
        "3.1",
        "2022-12",
    )
    assert "68.0%" in issue.message


def test_committee_tbc_new_and_blank_cells(any_engine, published):
    run(any_engine, published.path)
    december, january = stored(any_engine, "2022-12"), stored(any_engine, "2023-01")
    for ref in ("2.6", "3.4", "7.3", "9.3"):
        for month in (december, january):
            assert month[ref]["status"] == "tbc" and pd.isna(month[ref]["value"]), month[ref]
    assert december["10.1"]["status"] == "new" and pd.isna(december["10.1"]["value"])
    assert january["10.1"]["status"] == "tbc"
    assert "8.1" not in december and "6.3" not in december
    assert january["8.1"]["numerator"] == 627 and january["8.1"]["value"] == pytest.approx(100 * 627 / 987)
    assert january["6.3"]["value"] == 6  # a count measure: its "33%" below is not the value
    assert december["10.5"]["value"] == 0.0 and december["10.5"]["status"] == "ok"
    assert december["2.2"]["value"] == pytest.approx(17.0) and january["2.2"]["value"] == pytest.approx(17.2)
    assert (january["3.2"]["numerator"], january["3.2"]["denominator"]) == (173, 178)
    assert (december["9.1"]["numerator"], december["9.1"]["denominator"]) == (21, 50)


def test_committee_typed_arrows_that_contradict_the_figures_are_warned(any_engine, published):
    report = run(any_engine, published.path)
    arrows = issues_with(report, "arrow-contradiction")
    assert {issue.ref for issue in arrows} == ARROWS_THAT_CONTRADICT, describe(report)
    for issue in arrows:
        assert issue.severity == "warning"
        assert (issue.sheet, issue.cell) == (builders.COMMITTEE_SHEET, published.progress[issue.ref]), issue


def test_committee_small_denominator_is_warned(any_engine, published):
    report = run(any_engine, published.path)
    small = issues_with(report, "small-denominator")
    assert {issue.ref for issue in small} == {"8.2"}, describe(report)
    assert all(issue.severity == "warning" for issue in small)


@pytest.mark.parametrize(
    "options",
    [
        {"date_headers": False, "merge_area_rows": False},
        {"date_headers": False, "repeat_header": False},
        {"merge_area_rows": False, "repeat_header": False},
    ],
    ids=["text-months-unmerged", "text-months-one-header", "unmerged-one-header"],
)
def test_committee_variants_give_the_same_values(engine, new_engine, tmp_path, published, options):
    reference = run(engine, published.path)
    variant_engine = new_engine("variant.db")
    variant = builders.published_committee_workbook(tmp_path / "variant.xlsx", **options)
    report = run(variant_engine, variant.path)
    assert report.status == "imported", describe(report)
    assert (report.layout, report.periods, report.counts) == (reference.layout, reference.periods, reference.counts)
    columns = ["ref", "period", "numerator", "denominator", "value", "status"]
    pd.testing.assert_frame_equal(reads.service_series(variant_engine)[columns], reads.service_series(engine)[columns])
    assert sorted((i.code, i.ref, i.period) for i in report.issues) == sorted(
        (i.code, i.ref, i.period) for i in reference.issues
    )


# ---------------------------------------------------------------------------------------------
# Round trip: what `export --format xlsx` writes imports back


def test_an_export_imports_back_into_the_same_database_unchanged(demo_engine, catalogue, tmp_path):
    path = export_xlsx(reads.export_frame(demo_engine), catalogue, tmp_path / "export.xlsx")
    uploads_before = len(reads.uploads_frame(demo_engine))
    report = run(demo_engine, path)
    assert report.status == "unchanged", describe(report)
    assert report.layout == "template"
    assert report.counts["added"] == 0 and report.counts["revised"] == 0, describe(report)
    assert not report.errors
    assert len(reads.uploads_frame(demo_engine)) == uploads_before


def test_an_export_imported_into_an_empty_database_exports_the_same(demo_engine, engine, catalogue, tmp_path):
    exported = reads.export_frame(demo_engine)
    path = export_xlsx(exported, catalogue, tmp_path / "export.xlsx")
    report = run(engine, path)
    assert report.status == "imported", describe(report)
    assert report.counts["added"] == len(exported), describe(report)
    pd.testing.assert_frame_equal(reads.export_frame(engine), exported, check_exact=False, rtol=1e-9)
