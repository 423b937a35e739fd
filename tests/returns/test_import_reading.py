"""The return reads what the officer typed and Excel shows: %-formatted cells, formulas with saved results,
not-applicable and suppressed markers, UK dates typed as text; and its warnings never mislead."""

from __future__ import annotations

import pandas as pd
import pytest

from measures.returns import import_return
from measures.storage import catalogue_records, reads
from tests.returns import builders
from tests.returns.builders import TODAY, area, describe, issues_with, measure, percent, template_row

FEBRUARY = "2023-02"
JANUARY = "2023-01"


def run(engine, path, **options):
    return import_return(engine, path, user="officer.a", today=TODAY, **options)


def stored(engine, period: str) -> dict[str, dict]:
    frame = reads.service_series(engine, since=period, up_to=period)
    return {record["ref"]: record for record in frame.to_dict("records")}


# ---------------------------------------------------------------------------------------------
# Percentages in %-formatted cells


def test_template_values_in_percent_formatted_cells_are_the_percentages_they_show(any_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "percent-cells.xlsx",
        [
            template_row("2.1", FEBRUARY, value=percent(0.61)),  # shows 61%
            template_row("10.2", FEBRUARY, value=percent(1, "0.0%")),  # shows 100.0%
            template_row("10.3", FEBRUARY, value=percent(0.908, "0.0%")),  # shows 90.8%
            template_row("10.4", FEBRUARY, value=percent(0.113, "[Blue]0.0%;[Red]-0.0%")),  # shows 11.3%
            template_row(
                "10.5", FEBRUARY, value=builders.Styled(90.8, '0.0"%"')
            ),  # a quoted %: shows 90.8%, holds 90.8
            template_row("10.6", FEBRUARY, value=builders.Styled(88.6, "0.0\\%")),  # an escaped % likewise
            template_row("10.7", FEBRUARY, value="83.1%"),  # typed as text with its sign
            template_row("3.1", FEBRUARY, 236, 304, value=percent(0.776, "0.0%")),  # agrees with 236/304
        ],
    )
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    assert not report.warnings, describe(report)
    february = stored(any_engine, FEBRUARY)
    expected = {"2.1": 61.0, "10.2": 100.0, "10.3": 90.8, "10.4": 11.3, "10.5": 90.8, "10.6": 88.6, "10.7": 83.1}
    assert {ref: february[ref]["value"] for ref in expected} == pytest.approx(expected, abs=1e-9)
    assert february["3.1"]["value"] == pytest.approx(100 * 236 / 304)


def test_an_unformatted_fraction_on_a_percent_measure_is_kept_as_typed_and_both_readings_are_given(
    any_engine, tmp_path
):
    path = builders.template_workbook(tmp_path / "fraction.xlsx", [template_row("2.1", FEBRUARY, value=0.61)])
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    assert stored(any_engine, FEBRUARY)["2.1"]["value"] == pytest.approx(0.61)
    [warning] = issues_with(report, "percent-ambiguous")
    assert (warning.severity, warning.sheet, warning.cell, warning.ref) == ("warning", "Return", "G2", "2.1")
    assert "0.61%" in warning.message and "61%" in warning.message.replace("0.61%", ""), warning.message


def test_a_formula_with_a_saved_result_imports_that_result_under_the_percent_rule(any_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "formula.xlsx",
        [
            template_row("2.1", FEBRUARY, value=percent("=0.5+0.11")),
            template_row("2.3", FEBRUARY, value="=10+1"),
        ],
    )
    builders.save_formula_results(path, {"G2": "0.61", "G3": "11"})
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    february = stored(any_engine, FEBRUARY)
    assert february["2.1"]["value"] == pytest.approx(61.0)
    assert february["2.3"]["value"] == 11


def test_a_formula_whose_saved_result_is_empty_text_is_not_refused(any_engine, tmp_path):
    # Excel saves =IF(...,"",...) giving "" as t="str" with an empty <v>: a saved result, not a missing one.
    path = builders.template_workbook(
        tmp_path / "empty-text.xlsx",
        [
            template_row("2.3", FEBRUARY, value=11, note="placeholder"),
        ],
    )
    builders.replace_cell_xml(path, "I2", '<c r="I2" t="str"><f>IF(G2&gt;0,"","check")</f><v></v></c>')
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    assert stored(any_engine, FEBRUARY)["2.3"]["value"] == 11


COMMITTEE_MONTHS = ("2022-12", "2023-01")
AREA_2 = area("2", "Workforce - The sufficiency and stability of staff.")
AREA_4 = area("4", "Quality of practice.")
AREA_10 = area("10", "SEND")


def test_committee_cells_with_a_percent_format_are_the_percentages_they_show(any_engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-percent.xlsx",
        COMMITTEE_MONTHS,
        [
            AREA_2,
            measure(
                "2.1",
                "% of the established workforce that is permanent",
                builders.HIGHER,
                "",
                "",
                [percent(0.59), percent(0.6)],
            ),
            AREA_4,
            measure(
                "4.2",
                "Number and % of audit grades at inadequate",
                builders.LOWER,
                "",
                "",
                [16, 16],
                [percent(0.48), percent(0.52)],
            ),
            AREA_10,
            measure(
                "10.2", "Final EHC plans within 20 weeks", builders.HIGHER, "", "", [percent(1), percent(0.714, "0.0%")]
            ),
        ],
    )
    report = run(any_engine, layout.path)
    assert report.status == "imported", describe(report)
    assert not issues_with(report, "percent-ambiguous"), describe(report)
    december, january = stored(any_engine, "2022-12"), stored(any_engine, JANUARY)
    assert (december["2.1"]["value"], january["2.1"]["value"]) == pytest.approx((59.0, 60.0))
    assert (december["10.2"]["value"], january["10.2"]["value"]) == pytest.approx((100.0, 71.4))
    # 4.2 is a percent measure with counts: 16 above 48% is 16 of about 33.
    assert december["4.2"]["numerator"] == 16 and december["4.2"]["value"] == pytest.approx(48.0)


def test_committee_unformatted_fraction_is_kept_as_typed_with_a_warning_at_its_cell(any_engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-fraction.xlsx",
        COMMITTEE_MONTHS,
        [
            AREA_2,
            measure("2.1", "% permanent", builders.HIGHER, "", "", [0.59, 60]),
        ],
    )
    report = run(any_engine, layout.path)
    assert report.status == "imported", describe(report)
    assert stored(any_engine, "2022-12")["2.1"]["value"] == pytest.approx(0.59)
    [warning] = issues_with(report, "percent-ambiguous")
    assert warning.cell == layout.cells[("2.1", "2022-12")]
    assert "0.59%" in warning.message and "59%" in warning.message.replace("0.59%", "")


# ---------------------------------------------------------------------------------------------
# Not applicable and suppressed


def test_template_markers_are_stored_as_not_applicable_or_suppressed_never_as_zero(any_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "markers.xlsx",
        [
            template_row("1.1", FEBRUARY, status="N/A"),
            template_row("1.2", FEBRUARY, value="n/a"),
            template_row("2.1", FEBRUARY, value="-"),
            template_row("2.3", FEBRUARY, value="x"),
            template_row("3.1", FEBRUARY, "*", 304),
            template_row("3.2", FEBRUARY, value="c"),
            template_row("3.3", FEBRUARY, status="Suppressed"),
            template_row("4.1", FEBRUARY, value="[z]"),
            template_row("8.3", FEBRUARY, value=".."),
            template_row("2.2", FEBRUARY, value=17.4),
        ],
    )
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    february = stored(any_engine, FEBRUARY)
    expected = {
        "1.1": "na",
        "1.2": "na",
        "2.1": "na",
        "2.3": "na",
        "3.1": "suppressed",
        "3.2": "suppressed",
        "3.3": "suppressed",
        "4.1": "na",
        "8.3": "na",
        "2.2": "ok",
    }
    assert {ref: february[ref]["status"] for ref in expected} == expected
    for ref, status in expected.items():
        if status != "ok":
            row = february[ref]
            assert pd.isna(row["value"]) and pd.isna(row["numerator"]) and pd.isna(row["denominator"]), row
    # 3.1 had a denominator beside its suppressed numerator: left out, and said so at the cell holding '*'.
    [ignored] = [i for i in issues_with(report, "ignored-cell") if i.ref == "3.1"]
    assert ignored.cell == "E6"


def test_committee_n_a_and_star_cells_are_statuses(any_engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-markers.xlsx",
        COMMITTEE_MONTHS,
        [
            AREA_2,
            measure("2.1", "% permanent", builders.HIGHER, "", "", ["n/a", "59%"]),
            measure("2.3", "Social workers with more than 24 children", builders.LOWER, "", "", ["*", 12]),
            AREA_4,
            measure(
                "4.2", "Number and % of audit grades at inadequate", builders.LOWER, "", "", ["*", 16], ["*", "52%"]
            ),
        ],
    )
    report = run(any_engine, layout.path)
    assert report.status == "imported", describe(report)
    december, january = stored(any_engine, "2022-12"), stored(any_engine, JANUARY)
    assert december["2.1"]["status"] == "na" and pd.isna(december["2.1"]["value"])
    assert december["2.3"]["status"] == "suppressed" and pd.isna(december["2.3"]["value"])
    assert december["4.2"]["status"] == "suppressed"
    assert january["2.3"]["value"] == 12
    assert january["4.2"]["numerator"] == 16 and january["4.2"]["value"] == pytest.approx(52.0)


def test_not_applicable_and_suppressed_are_never_rated_or_counted_in_spc(any_engine, tmp_path):
    from measures.assessment import assess_period

    rows = [template_row("2.3", f"2022-{month:02d}", value=10 + month % 3) for month in range(1, 13)]
    rows += [template_row("2.3", JANUARY, value="c"), template_row("2.3", FEBRUARY, value=11)]
    path = builders.template_workbook(tmp_path / "series.xlsx", rows)
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    series = reads.service_series(any_engine, ["2.3"])
    measures = catalogue_records.read_catalogue(any_engine).measures
    january = assess_period(measures, series, JANUARY).set_index("ref").loc["2.3"]
    assert january["status"] == "suppressed" and pd.isna(january["value"])
    assert january["direction"] == "none"
    # January's own (suppressed) figure is never rated: the rating reads December's figure and says so. December is
    # 10 + 12 % 3 = 10 social workers over 24 children, against a target of at most 0 with a tolerance of 5: red.
    assert january["as_of"] == "2022-12" and january["rag"] == "red"
    february = assess_period(measures, series, FEBRUARY).set_index("ref").loc["2.3"]
    assert february["direction"] == "none"  # January has no figure to compare with
    assert february["spc_points"] == 13  # twelve months of 2022 and February: January is not a point


# ---------------------------------------------------------------------------------------------
# UK dates typed as text


def test_uk_dates_typed_as_text_are_read_day_first(any_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "uk-dates.xlsx",
        [
            template_row("2.1", "01/02/2023", value=61),
            template_row("2.3", "28/02/2023", value=11),
            template_row("8.3", "1.2.23", value=12),
        ],
    )
    report = run(any_engine, path)
    assert report.status == "imported", describe(report)
    assert report.periods == [FEBRUARY]
    assert set(stored(any_engine, FEBRUARY)) == {"2.1", "2.3", "8.3"}


def test_a_committee_header_typed_as_a_uk_date_is_that_month(any_engine, tmp_path):
    layout = builders.committee_workbook(
        tmp_path / "committee-uk-dates.xlsx",
        COMMITTEE_MONTHS,
        [
            AREA_2,
            measure("2.3", "Social workers with more than 24 children", builders.LOWER, "", "", [10, 12]),
        ],
        date_headers=False,
    )
    from openpyxl import load_workbook

    workbook = load_workbook(layout.path)
    sheet = workbook[builders.COMMITTEE_SHEET]
    for cell in layout.header_cells["2022-12"]:
        sheet[cell] = "01/12/2022"
    for cell in layout.header_cells[JANUARY]:
        sheet[cell] = "01/01/2023"
    workbook.save(layout.path)
    report = run(any_engine, layout.path)
    assert report.status == "imported", describe(report)
    assert report.periods == ["2022-12", JANUARY]
    assert stored(any_engine, JANUARY)["2.3"]["value"] == 12


def test_a_committee_column_of_figures_under_a_heading_that_is_no_month_is_warned(any_engine, tmp_path):
    from openpyxl import load_workbook

    months = ("2022-12", JANUARY, FEBRUARY)
    layout = builders.committee_workbook(
        tmp_path / "committee-provisional.xlsx",
        months,
        [
            AREA_2,
            measure("2.3", "Social workers with more than 24 children", builders.LOWER, "", "", [10, 12, 9]),
            measure("2.4", "In-house foster care households", builders.HIGHER, "", "", [100, 100, "improving"]),
        ],
    )
    workbook = load_workbook(layout.path)
    header = layout.header_cells[FEBRUARY][0]
    workbook[builders.COMMITTEE_SHEET][header] = "Feb 2023 (provisional)"
    workbook.save(layout.path)
    report = run(any_engine, layout.path)
    assert report.status == "imported", describe(report)
    assert report.periods == ["2022-12", JANUARY]
    [unread] = [issue for issue in issues_with(report, "ignored-cell") if issue.cell == header]
    assert "Feb 2023 (provisional)" in unread.message and layout.cells[("2.3", FEBRUARY)] in unread.message


def test_a_committee_column_for_a_year_or_a_target_does_not_refuse_the_table(any_engine, tmp_path):
    from openpyxl import load_workbook

    layout = builders.committee_workbook(
        tmp_path / "committee-extra.xlsx",
        ("2022-12", JANUARY, FEBRUARY),
        [
            AREA_2,
            measure("2.3", "Social workers with more than 24 children", builders.LOWER, "", "", [10, 12, 4]),
        ],
    )
    workbook = load_workbook(layout.path)
    workbook[builders.COMMITTEE_SHEET][layout.header_cells[FEBRUARY][0]] = "2021-22"  # a year's outturn
    workbook.save(layout.path)
    report = run(any_engine, layout.path)
    assert report.status == "imported", describe(report)
    assert report.periods == ["2022-12", JANUARY]
    assert [issue.cell for issue in issues_with(report, "ignored-cell")] == [layout.header_cells[FEBRUARY][0]]


# ---------------------------------------------------------------------------------------------
# Warnings that must not mislead


def test_a_correction_for_one_measure_warns_of_nothing_missing(demo_engine, tmp_path):
    # January 2023 is stored for every measure; a correction to 3.1 for January must not ask for the others.
    # January is published, so the correction says why.
    path = builders.template_workbook(tmp_path / "correction.xlsx", [template_row("3.1", JANUARY, 235, 304)])
    report = run(demo_engine, path, reason="One assessment was recorded twice")
    assert report.status == "imported", describe(report)
    assert not issues_with(report, "missing-measure"), describe(report)


def test_missing_measures_are_one_warning_naming_each_and_tbc_is_not_a_figure(demo_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "partial.xlsx",
        [
            template_row("3.1", FEBRUARY, 236, 300),
            template_row("2.1", FEBRUARY, value=61),
        ],
    )
    report = run(demo_engine, path)
    assert report.status == "imported", describe(report)
    [missing] = issues_with(report, "missing-measure")
    assert missing.severity == "warning" and missing.period == FEBRUARY
    assert "(January 2023 in brackets)" in missing.message, missing.message
    assert "1.1 (44/109 40.4%)" in missing.message, missing.message
    assert "2.6 (TBC)" in missing.message, missing.message  # TBC in January: not described as a figure
    assert "had a figure" not in missing.message
    assert "3.1 (" not in missing.message and "2.1 (" not in missing.message


def test_nothing_is_missing_when_the_store_already_holds_the_month(demo_engine, tmp_path):
    first = builders.template_workbook(tmp_path / "first.xlsx", [template_row("1.1", FEBRUARY, 45, 110)])
    assert run(demo_engine, first).status == "imported"
    second = builders.template_workbook(tmp_path / "second.xlsx", [template_row("3.1", FEBRUARY, 236, 300)])
    report = run(demo_engine, second)
    [missing] = issues_with(report, "missing-measure")
    assert "1.1 (" not in missing.message and "3.1 (" not in missing.message, missing.message


def test_a_status_that_would_replace_a_stored_figure_names_that_figure(demo_engine, tmp_path):
    path = builders.template_workbook(
        tmp_path / "replace.xlsx",
        [
            template_row("1.1", JANUARY, status="TBC"),  # January 2023 stored 44/109
            template_row("2.3", JANUARY, value="c"),  # January 2023 stored 12
            template_row("2.6", JANUARY, status="N/A"),  # January 2023 stored TBC: no figure replaced
        ],
    )
    report = run(demo_engine, path, dry_run=True)
    assert report.status == "checked", describe(report)
    replaced = {issue.ref: issue for issue in issues_with(report, "replaces-figure")}
    assert set(replaced) == {"1.1", "2.3"}, describe(report)
    assert "44/109 40.4%" in replaced["1.1"].message and "TBC" in replaced["1.1"].message
    assert replaced["1.1"].cell == "H2"
    assert "12" in replaced["2.3"].message and "as suppressed" in replaced["2.3"].message
    assert replaced["2.3"].cell == "G3"


def test_the_excel_export_of_markers_imports_back_unchanged(any_engine, tmp_path):
    from measures.returns.export import export_xlsx

    path = builders.template_workbook(
        tmp_path / "markers.xlsx",
        [
            template_row("2.1", FEBRUARY, value="n/a"),
            template_row("2.3", FEBRUARY, value="*"),
        ],
    )
    assert run(any_engine, path).status == "imported"
    exported = export_xlsx(
        reads.export_frame(any_engine), catalogue_records.read_catalogue(any_engine), tmp_path / "export.xlsx"
    )
    report = run(any_engine, exported)
    assert report.status == "unchanged", describe(report)
    assert report.counts["unchanged"] == 2


def test_the_earliest_month_is_a_setting(any_engine, tmp_path, monkeypatch):
    from measures.returns import checks

    monkeypatch.setenv(checks.EARLIEST_PERIOD_VARIABLE, "2023-01")
    path = builders.template_workbook(
        tmp_path / "early.xlsx",
        [
            template_row("2.3", "2022-12", value=10),
            template_row("2.3", JANUARY, value=12),
        ],
    )
    report = run(any_engine, path)
    assert report.status == "refused", describe(report)
    [early] = issues_with(report, "too-early")
    assert (early.cell, early.period) == ("D2", "2022-12")
    assert "January 2023" in early.message
    monkeypatch.setenv(checks.EARLIEST_PERIOD_VARIABLE, "April 2021")
    refused = run(any_engine, path)
    assert refused.status == "refused" and issues_with(refused, "bad-setting"), describe(refused)
    assert "April 2021" in issues_with(refused, "bad-setting")[0].message
    monkeypatch.delenv(checks.EARLIEST_PERIOD_VARIABLE)
    assert checks.earliest_period() == "2021-04"
    assert run(any_engine, path).status == "imported"
