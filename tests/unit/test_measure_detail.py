"""The measure page's data: the series as at a month, comparisons, year to date, benchmarks, commentary and
revisions, from the demo database and from small databases written here."""

from __future__ import annotations

from datetime import date

import pytest

from measures.assessment.spc import SpcPoint
from measures.domain.periods import period_of
from measures.storage import reads, recording
from measures.storage.recording import UploadInfo, ValueRow
from measures.views.measure import benchmark_kind, build_measure_detail, point_kind

UPLOAD = UploadInfo(kind="import", filename="return-jan.xlsx", user_name="officer.a")
CORRECTION = UploadInfo(kind="import", filename="return-jan-corrected.xlsx", user_name="officer.b")


def test_assessments_in_time_as_published(demo_engine):
    detail = build_measure_detail(demo_engine, "3.1")
    assert detail.period == "2023-01"
    assert (detail.current.numerator, detail.current.denominator) == (236, 304)
    assert detail.current.value == pytest.approx(77.63, abs=0.01)
    assert not detail.current.synthetic
    assert (detail.previous.period, detail.previous.numerator, detail.previous.denominator) == ("2022-12", 198, 291)
    assert (detail.direction, detail.judgement, detail.rag) == ("up", "better", "none")
    assert detail.same_month_last_year.period == "2022-01" and detail.same_month_last_year.synthetic
    assert detail.series[0].period == "2021-04" and detail.series[-1].period == "2023-01"
    assert detail.spc.n == 22 and detail.spc_periods[-1] == "2023-01"
    assert detail.spc.variation == "improvement"
    assert detail.has_team_figures
    assert detail.shows_synthetic
    assert "below statistical neighbours (87%) and England (88%) in 2021-22" in detail.summary


def test_benchmarks_are_grouped_by_year_in_reading_order(demo_engine):
    detail = build_measure_detail(demo_engine, "3.1")
    assert [year.year for year in detail.benchmarks] == ["2019-20", "2020-21", "2021-22"]
    latest = detail.benchmark_year
    assert latest is not None and latest.year == "2021-22"
    assert [b.comparator for b in latest.values[:3]] == ["England", "Statistical neighbours", "Herefordshire"]
    assert (latest.get("England").value, latest.get("Statistical neighbours").value) == (88, 87)
    assert not latest.get("England").synthetic
    neighbours = latest.of_kind("neighbour")
    assert len(neighbours) == 10 and all(b.synthetic for b in neighbours)
    # The council's neighbours in the April 2021 groups (sn_april_2021.xlsx, 884: Shropshire first), by name.
    assert "Shropshire" in [b.comparator for b in neighbours]
    assert [b.comparator for b in neighbours] == sorted(b.comparator for b in neighbours)


def test_year_to_date_adds_up_counts_for_a_counts_measure(demo_engine):
    detail = build_measure_detail(demo_engine, "3.1")
    series = reads.service_series(demo_engine, refs=["3.1"], since="2022-04", up_to="2023-01")
    ytd = detail.year_to_date
    assert (ytd.financial_year, ytd.first_period, ytd.last_period) == ("2022-23", "2022-04", "2023-01")
    assert ytd.method == "counts" and ytd.months_counted == 10
    assert ytd.numerator == series["numerator"].sum() and ytd.denominator == series["denominator"].sum()
    assert ytd.value == pytest.approx(100 * series["numerator"].sum() / series["denominator"].sum())
    assert "monthly counts of 10 months added together" in ytd.label
    assert ytd.synthetic  # April to November are synthetic


def test_year_to_date_averages_monthly_values_otherwise(demo_engine):
    detail = build_measure_detail(demo_engine, "2.2")
    series = reads.service_series(demo_engine, refs=["2.2"], since="2022-04", up_to="2023-01")
    assert detail.year_to_date.method == "mean"
    assert detail.year_to_date.value == pytest.approx(series["value"].mean())
    assert "the average of 10 monthly figures" in detail.year_to_date.label


def test_a_tbc_month_is_shown_as_tbc_and_left_out_of_everything(demo_engine):
    detail = build_measure_detail(demo_engine, "10.2")
    assert detail.current.status == "tbc" and detail.current.value is None and not detail.current.counted
    assert detail.direction == "none" and detail.judgement == "none"
    # The rating reads December's 71.4% against at least 90%: off target, as at December 2022.
    assert (detail.rag, detail.assessment.rag_as_of) == ("red", "2022-12")
    assert detail.last_counted is not None and detail.last_counted.period == "2022-12"
    assert detail.spc_periods[-1] == "2022-12"
    assert detail.year_to_date.months_not_counted == ("2023-01",)
    # 10.2 is a year-to-date figure: the card shows December's, never an average of year-to-date figures.
    assert (detail.year_to_date.method, detail.year_to_date.value) == ("latest", detail.last_counted.value)
    assert "the latest year-to-date figure, for April to December 2022 as reported" in detail.year_to_date.label
    assert "to be confirmed (TBC)" in detail.summary and " 0" not in detail.summary


def test_rolling_and_year_to_date_figures_are_never_averaged(demo_engine):
    rolling = build_measure_detail(demo_engine, "6.1", "2023-01")
    assert (rolling.year_to_date.method, rolling.year_to_date.months_counted) == ("latest", 1)
    assert rolling.year_to_date.value == rolling.current.value
    assert (rolling.year_to_date.numerator, rolling.year_to_date.denominator) == (
        rolling.current.numerator,
        rolling.current.denominator,
    )
    assert rolling.year_to_date.label.endswith(
        "the latest rolling-year figure, for the 12 months to January 2023; rolling figures are not added up or "
        "averaged"
    )
    assert (rolling.recent_average, rolling.recent_average_months) == (None, 0)
    assert "average of the previous" not in rolling.summary
    assert rolling.assessment.variation == "no-reading" and rolling.spc.upper_limit is None
    assert "No SPC reading: a rolling 12-month figure overlaps month to month" in rolling.summary
    assert rolling.summary.endswith(
        "Some earlier months are synthetic demonstration figures, so the chart is for illustration only."
    )
    monthly = build_measure_detail(demo_engine, "3.1", "2023-01")
    assert monthly.recent_average is not None and monthly.year_to_date.method == "counts"


def test_as_at_an_earlier_month_uses_nothing_after_it(demo_engine):
    detail = build_measure_detail(demo_engine, "3.1", "2022-12")
    assert detail.current.value == pytest.approx(100 * 198 / 291)
    assert detail.series[-1].period == "2022-12" and detail.spc.n == 21
    assert "2023-01" in detail.available_periods  # the picker still offers later months


@pytest.mark.parametrize("ref", ["9.9", "3", ""])
def test_an_unknown_measure_raises_key_error(demo_engine, ref):
    with pytest.raises(KeyError):
        build_measure_detail(demo_engine, ref)


@pytest.mark.parametrize("period", ["2023-13", "Jan-23", "2023-1", "yesterday"])
def test_a_malformed_month_raises_value_error(demo_engine, period):
    with pytest.raises(ValueError):
        build_measure_detail(demo_engine, "3.1", period)


def test_revisions_of_the_month_are_listed_oldest_first(engine):
    recording.record_values(
        engine,
        [
            ValueRow("3.1", "2022-12", numerator=198, denominator=291, value=68.04),
            ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=77.63),
        ],
        UPLOAD,
    )
    recording.record_values(
        engine, [ValueRow("3.1", "2023-01", numerator=240, denominator=304, value=78.95)], CORRECTION
    )
    detail = build_measure_detail(engine, "3.1")
    assert [(r.version, r.numerator, r.current, r.source) for r in detail.revisions] == [
        (1, 236, False, "return-jan.xlsx"),
        (2, 240, True, "return-jan-corrected.xlsx"),
    ]
    assert detail.revisions[1].recorded_by == "officer.b"
    assert detail.revised_periods == ("2023-01",)
    assert detail.current.revised and not detail.previous.revised
    assert detail.current.numerator == 240
    december = build_measure_detail(engine, "3.1", "2022-12")
    assert [r.version for r in december.revisions] == [1]
    assert december.revised_periods == ()  # January's revision is after the month shown


def test_commentary_keeps_the_latest_text_per_month_up_to_the_month_shown(engine):
    rows = [ValueRow("3.1", "2022-12", value=68.0), ValueRow("3.1", "2023-01", value=77.6)]
    recording.record_values(
        engine,
        rows,
        UPLOAD,
        commentary_rows=[
            {"ref": "3.1", "period": "2022-12", "text": "Staff shortage in the MASH."},
            {"ref": "3.1", "period": "2023-01", "text": "Two agency workers started."},
        ],
    )
    recording.record_values(
        engine,
        [],
        CORRECTION,
        commentary_rows=[
            {"ref": "3.1", "period": "2022-12", "text": "Staff shortage in the MASH; recovery plan agreed."},
        ],
    )
    detail = build_measure_detail(engine, "3.1")
    assert [(c.period, c.text) for c in detail.commentary] == [
        ("2023-01", "Two agency workers started."),
        ("2022-12", "Staff shortage in the MASH; recovery plan agreed."),
    ]
    assert detail.commentary[1].author == "officer.b"
    assert [c.period for c in build_measure_detail(engine, "3.1", "2022-12").commentary] == ["2022-12"]


def test_gaps_are_missing_months_never_zero(engine):
    recording.record_values(
        engine, [ValueRow("2.3", "2022-10", value=15), ValueRow("2.3", "2023-01", value=12)], UPLOAD
    )
    detail = build_measure_detail(engine, "2.3")
    assert [(row.period, row.status, row.value) for row in detail.series] == [
        ("2022-10", "ok", 15),
        ("2022-11", "missing", None),
        ("2022-12", "missing", None),
        ("2023-01", "ok", 12),
    ]
    assert detail.previous.status == "missing" and detail.direction == "none"
    assert detail.spc.n == 2


def test_a_month_before_any_figure_has_an_empty_series(engine):
    recording.record_values(engine, [ValueRow("2.3", "2023-01", value=12)], UPLOAD)
    detail = build_measure_detail(engine, "2.3", "2022-06")
    assert detail.series == () and detail.current.status == "missing" and detail.last_counted is None
    assert detail.year_to_date.method == "none" and detail.year_to_date.value is None
    assert detail.spc.variation == "insufficient"
    assert detail.available_periods == ("2022-06", "2023-01")


def test_small_denominators_are_flagged(engine):
    recording.record_values(
        engine,
        [
            ValueRow("3.1", "2023-01", numerator=5, denominator=8, value=62.5),
            ValueRow("3.1", "2022-12", numerator=50, denominator=80, value=62.5),
        ],
        UPLOAD,
    )
    detail = build_measure_detail(engine, "3.1")
    assert detail.small_denominator and detail.current.small_denominator
    assert not detail.previous.small_denominator


def test_year_to_date_falls_back_to_the_mean_when_a_month_has_no_counts(engine):
    recording.record_values(
        engine,
        [
            ValueRow("3.1", "2022-04", numerator=60, denominator=100, value=60.0),
            ValueRow("3.1", "2022-05", value=80.0),
            ValueRow("3.1", "2022-06", status="tbc"),
        ],
        UPLOAD,
    )
    ytd = build_measure_detail(engine, "3.1", "2022-06").year_to_date
    assert ytd.method == "mean" and ytd.value == 70.0 and ytd.months_not_counted == ("2022-06",)


def test_the_recent_average_needs_six_of_the_previous_twelve_months(engine):
    rows = [ValueRow("2.3", f"2022-{month:02d}", value=float(month)) for month in range(7, 13)]
    recording.record_values(engine, [*rows, ValueRow("2.3", "2023-01", value=20.0)], UPLOAD)
    detail = build_measure_detail(engine, "2.3")
    assert (detail.recent_average, detail.recent_average_months) == (9.5, 6)
    fewer = build_measure_detail(engine, "2.3", "2022-12")
    assert fewer.recent_average is None and fewer.recent_average_months == 5


def test_no_figures_at_all_still_gives_a_page(engine):
    detail = build_measure_detail(engine, "3.1")
    assert detail.series == () and detail.current.status == "missing"
    assert "no figure was reported" in detail.summary
    assert detail.period == period_of(date.today())


@pytest.mark.parametrize(
    ("point", "polarity", "expected"),
    [
        (SpcPoint(1.0, special_cause=True, side="high"), "higher", "improvement"),
        (SpcPoint(1.0, special_cause=True, side="high"), "lower", "concern"),
        (SpcPoint(1.0, special_cause=True, side="low"), "lower", "improvement"),
        (SpcPoint(1.0, special_cause=True, side="low"), "range", "neither"),
        (SpcPoint(1.0, special_cause=True, side="low"), "none", "neither"),
        (SpcPoint(1.0), "higher", "common"),
    ],
)
def test_point_kinds_follow_polarity(point, polarity, expected):
    assert point_kind(point, polarity) == expected
    assert point_kind(point, polarity, insufficient=True) == "unassessed"


@pytest.mark.parametrize(
    ("comparator", "kind"),
    [
        ("England", "england"),
        ("West Midlands", "region"),
        ("Statistical neighbours", "neighbours"),
        ("Herefordshire", "council"),
        ("Shropshire", "neighbour"),
        ("Cumbria", "neighbour"),
        ("Wales", "other"),
    ],
)
def test_benchmark_kinds(comparator, kind):
    assert benchmark_kind(comparator) == kind
