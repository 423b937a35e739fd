"""assess_measure: one measure's Assessment from its own monthly rows, worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from measures.assessment import Assessment, ServiceMonth, assess_all, assess_measure
from measures.assessment.assess import monthly_from_year_to_date
from measures.domain.catalogue import Measure, Target
from measures.domain.formatting import change_reading
from measures.domain.periods import shift_period
from measures.domain.rating_window import rating_window_months
from measures.domain.spc_settings import SpcOptions

MONTHS_2022 = [f"2022-{month:02d}" for month in range(1, 13)]
# Mean 12.33, mean moving range 17/11 = 1.545, so the limits are 12.33 ± 4.11 = 8.22 to 16.44 and the upper
# two-sigma line 15.07: no point is beyond either. The last seven points (June to December) are above the mean: a
# shift of seven, special cause with the default six-point rule, and with no other rule firing.
SHIFT_OF_SEVEN = [10, 12, 10, 12, 10, 13, 14, 13, 14, 13, 14, 13]
# SHIFT_OF_SEVEN has twelve points, so the measures that read it are read with a minimum of 12 (the default is 15,
# tested on its own below).
TWELVE = SpcOptions(minimum_points=12)

TIMELINESS = Measure(
    ref="1.1",
    area=1,
    title="Measure 1.1",
    short_title="1.1",
    unit="percent",
    polarity="higher",
    decimals=1,
    target=Target(kind="at_least", low=12, tolerance=1),
    spc=TWELVE,
)
# 16-20 children per worker: moving towards or staying in the band is better.
CASELOADS = Measure(
    ref="2.2",
    area=2,
    title="Average caseload",
    short_title="2.2",
    unit="average",
    polarity="range",
    decimals=1,
    target=Target(kind="band", low=16, high=20),
)


def months(values: list[float], first: int = 0) -> list[ServiceMonth]:
    return [ServiceMonth(MONTHS_2022[first + index], "ok", float(value)) for index, value in enumerate(values)]


def test_a_tbc_month_has_no_figure_to_compare_and_is_rated_from_the_month_before():
    rows = [ServiceMonth("2022-11", "ok", 50.0), ServiceMonth("2022-12", "tbc", 0.0)]
    assessment = assess_measure(TIMELINESS, rows, "2022-12")
    assert (assessment.status, assessment.value, assessment.previous) == ("tbc", None, 50.0)
    assert (assessment.direction, assessment.judgement) == ("none", "none")
    # 50 meets "at least 12": the rating reads November, says so, and is not counted as on target in December.
    assert (assessment.rag, assessment.rag_as_of, assessment.target_reading) == ("green", "2022-11", "rated")
    assert assessment.rated_earlier and not assessment.on_target
    assert not assessment.has_figure
    assert (assessment.variation, assessment.spc_points, assessment.reading_up_to) == ("insufficient", 1, None)
    assert not assessment.special_cause and not assessment.off_target
    # With no window the month is rated only from its own figure, as before.
    alone = assess_measure(TIMELINESS, rows, "2022-12", window=0)
    assert (alone.rag, alone.rag_as_of, alone.target_reading) == ("none", None, "no-figure")


def test_a_missing_month_reads_the_spc_of_the_earlier_months_and_says_up_to_when():
    assessment = assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2023-01")
    assert (assessment.status, assessment.value, assessment.previous) == ("missing", None, 13.0)
    # December's 13 meets "at least 12": January, without a figure, is rated from December and says so.
    assert (assessment.direction, assessment.rag, assessment.target_reading) == ("none", "green", "rated")
    assert assessment.rag_as_of == "2022-12"
    assert (assessment.variation, assessment.assurance) == ("improvement", "hit-or-miss")
    assert assessment.special_cause
    assert assessment.spc_points == 12 and assessment.spc_periods == tuple(MONTHS_2022)
    assert assessment.reading_up_to == "2022-12"
    assert assessment.explanation.startswith("Significant improvement: the last 7 months are above the average.")


def test_a_month_with_a_figure_reads_up_to_itself():
    assessment = assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2022-12")
    assert (assessment.value, assessment.previous, assessment.direction, assessment.judgement) == (
        13.0,
        14.0,
        "down",
        "worse",
    )
    assert assessment.rag == "green" and assessment.target_reading == "rated"  # 13 meets "at least 12"
    assert assessment.variation == "improvement" and assessment.reading_up_to is None


def test_a_measure_with_its_own_spc_settings_reads_differently_from_the_default():
    longer_shift = replace(TIMELINESS, spc=SpcOptions(minimum_points=12, shift_length=8))
    # A shift of seven is not one of eight, and no other rule fires: common cause.
    assert assess_measure(longer_shift, months(SHIFT_OF_SEVEN), "2022-12").variation == "common"
    more_points = replace(TIMELINESS, spc=SpcOptions(minimum_points=13))
    assessment = assess_measure(more_points, months(SHIFT_OF_SEVEN), "2022-12")
    assert (assessment.variation, assessment.assurance, assessment.spc_points) == ("insufficient", "none", 12)
    assert assessment.explanation == "Fewer than 13 months of data: no SPC judgement yet."
    # The month's change and rating do not depend on the SPC settings.
    assert assessment.judgement == "worse" and assessment.rag == "green"


def test_assess_all_uses_each_measures_own_settings():
    series = pd.DataFrame(
        [
            {
                "ref": ref,
                "period": row.period,
                "value": row.value,
                "status": "ok",
                "numerator": None,
                "denominator": None,
            }
            for ref in ("1.1", "1.2")
            for row in months(SHIFT_OF_SEVEN)
        ]
    )
    own = replace(TIMELINESS, ref="1.2", spc=SpcOptions(minimum_points=12, shift_length=8))
    default, longer = assess_all([TIMELINESS, own], series, "2022-12")
    assert (default.variation, longer.variation) == ("improvement", "common")


def test_a_range_measure_back_in_its_band():
    # Fourteen months at 21.0 (January 2021 to February 2022), then 19.0 (15 months, the default minimum): mean
    # 313/15 = 20.87, mean moving range 2/14 = 0.143, limits 20.87 ± 0.38 = 20.49 to 21.25. 19.0 is below the lower
    # limit (special cause, "neither" for a range measure, on the low side). Both limits are above 20, but a range
    # measure has no improvement direction, so there is no assurance (NHS England's SQL tool). 21 -> 19 moves into
    # the band: better, and green.
    rows = [ServiceMonth(month, "ok", 21.0) for month in [f"2021-{m:02d}" for m in range(1, 13)] + MONTHS_2022[:2]]
    rows.append(ServiceMonth("2022-03", "ok", 19.0))
    assessment = assess_measure(CASELOADS, rows, "2022-03")
    assert (assessment.direction, assessment.judgement, assessment.rag) == ("down", "better", "green")
    assert (assessment.variation, assessment.variation_side, assessment.assurance) == ("neither", "low", "none")
    assert assessment.special_cause and not assessment.off_target
    assert assessment.explanation.startswith(
        "Unusually low, neither better nor worse: the latest month is below the lower process limit."
    )


def test_a_neither_reading_never_makes_a_change_significant():
    # The band measure of the test above: 21 -> 19 moves into the band (better), but the reading is "unusually low,
    # neither better nor worse", which is by definition neither: the change is not called better in colour.
    rows = [ServiceMonth(month, "ok", 21.0) for month in [f"2021-{m:02d}" for m in range(1, 13)] + MONTHS_2022[:2]]
    rows.append(ServiceMonth("2022-03", "ok", 19.0))
    assessment = assess_measure(CASELOADS, rows, "2022-03")
    assert (assessment.variation, assessment.judgement) == ("neither", "better")
    assert not assessment.significant_change
    assert change_reading(assessment.judgement, assessment.variation, assessment.significant_change) == (
        "not significant on its own"
    )
    # Going away from the band beside an unusually high reading is not significant either.
    rows = [ServiceMonth(month, "ok", 21.0) for month in [f"2021-{m:02d}" for m in range(1, 13)] + MONTHS_2022[:2]]
    rows.append(ServiceMonth("2022-03", "ok", 23.0))
    away = assess_measure(CASELOADS, rows, "2022-03")
    assert (away.variation, away.variation_side, away.judgement) == ("neither", "high", "worse")
    assert not away.significant_change


@pytest.mark.parametrize(
    ("before", "now", "judgement", "rag"),
    [
        (15.0, 17.0, "better", "green"),  # into the band
        (24.0, 22.0, "better", "red"),  # towards it, still outside
        (21.0, 23.0, "worse", "red"),  # away from it
        (20.0, 21.0, "worse", "red"),  # out of it (no tolerance)
        (17.24, 17.2, "same", "green"),  # the same at display precision
        (17.0, 17.2, "same", "green"),  # within it: not "better" (2.2 in January 2023)
        (16.0, 20.0, "same", "green"),  # edge to edge, still within
        (15.0, 21.0, "same", "red"),  # across it, as far away on the other side
    ],
)
def test_range_changes_are_judged_by_distance_to_the_band(before, now, judgement, rag):
    rows = [ServiceMonth("2022-11", "ok", before), ServiceMonth("2022-12", "ok", now)]
    assessment = assess_measure(CASELOADS, rows, "2022-12")
    assert (assessment.judgement, assessment.rag) == (judgement, rag)
    # Only a move from inside the band to inside it is "within the target range".
    shown = round(before, 1), round(now, 1)
    assert assessment.within_target_range == (all(16 <= value <= 20 for value in shown) and shown[0] != shown[1])


def test_rows_after_the_month_gaps_and_order_do_not_matter():
    rows = list(reversed(months(SHIFT_OF_SEVEN))) + [
        ServiceMonth("2023-01", "ok", 0.0),  # after the month assessed: never used
        ServiceMonth("2021-12", "missing", None),  # a gap, as the measure page fills it
    ]
    assert assess_measure(TIMELINESS, rows, "2022-12") == assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2022-12")


def test_a_small_denominator_is_this_months():
    rows = [ServiceMonth("2022-11", "ok", 50.0, 4.0), ServiceMonth("2022-12", "ok", 60.0, 10.0)]
    assert not assess_measure(TIMELINESS, rows, "2022-12").small_denominator
    assert assess_measure(TIMELINESS, rows, "2022-11").small_denominator


def test_a_month_without_a_figure_never_warns_of_small_numbers():
    # A TBC month may carry its counts so far; with no percentage shown there is nothing to read with care,
    # and the measure page (MonthRow.small_denominator) says the same.
    rows = [ServiceMonth("2022-11", "ok", 50.0, 40.0), ServiceMonth("2022-12", "tbc", None, 4.0)]
    assert not assess_measure(TIMELINESS, rows, "2022-12").small_denominator


def test_the_record_is_the_json_contract():
    assessment = assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2023-01")
    assert isinstance(assessment, Assessment)
    assert list(assessment.record()) == [
        "ref",
        "period",
        "value",
        "previous",
        "direction",
        "judgement",
        "rag",
        "variation",
        "assurance",
        "status",
        "small_denominator",
        "spc_points",
        "explanation",
        "variation_side",
        "basis",
        "spc_on",
        "as_of",
    ]
    assert (assessment.record()["variation_side"], assessment.record()["basis"]) == ("high", "month")
    assert assessment.record()["spc_on"] == "figures"
    assert assessment.record()["value"] is None and assessment.record()["spc_points"] == 12
    assert assessment.record()["as_of"] == "2022-12"  # the month whose figure the rating reads


@pytest.mark.parametrize(
    "rows",
    [
        [ServiceMonth("2022-12", "ok", 1.0), ServiceMonth("2022-12", "tbc", None)],  # two rows for one month
        [ServiceMonth("2022-12", "maybe", 1.0)],  # unknown status
        [ServiceMonth("2022-1", "ok", 1.0)],  # malformed period
    ],
)
def test_bad_rows_are_refused(rows):
    with pytest.raises(ValueError):
        assess_measure(TIMELINESS, rows, "2022-12")


def test_a_malformed_month_is_refused():
    with pytest.raises(ValueError):
        assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2022-13")


# ---------------------------------------------------------------------------------------------------------------
# Measures whose figures are not monthly, and the NHS England rules


def _ytd_months(pairs: list[tuple[str, float | None, float | None]], value_of) -> list[ServiceMonth]:
    return [ServiceMonth(month, "ok", value_of(num, den), den, num) for month, num, den in pairs]


def test_monthly_figures_are_derived_from_year_to_date_counts_across_a_financial_year():
    # Year-to-date counts: January 30, February 36, March 40 (year 2021-22), then April 5, May 12, June 20 (2022-23).
    # February 36 - 30 = 6, March 40 - 36 = 4; April starts a new year, so its own 5; May 12 - 5 = 7; June 8.
    # January is left out: December, the month before it, has no figure.
    counted = replace(TIMELINESS, unit="count", basis="year-to-date", decimals=0)
    rows = _ytd_months(
        [("2022-01", 30, None), ("2022-02", 36, None), ("2022-03", 40, None), ("2022-04", 5, None)]
        + [("2022-05", 12, None), ("2022-06", 20, None)],
        lambda num, den: float(num),
    )
    by_month = {row.period: row for row in rows}
    assert monthly_from_year_to_date(counted, by_month, "2022-06") == [
        ("2022-02", 6.0),
        ("2022-03", 4.0),
        ("2022-04", 5.0),
        ("2022-05", 7.0),
        ("2022-06", 8.0),
    ]
    # A percentage from its counts: March 45/50 (2021-22); April 3/4 is its own month, 75%; May 10/12 less
    # April's 3/4 is 7/8, 87.5%. June's denominator does not grow (no cases that month): left out. July's counts
    # go down (a correction, not a month): left out.
    percent = replace(TIMELINESS, counts=True, basis="year-to-date")
    rows = _ytd_months(
        [("2022-03", 45, 50), ("2022-04", 3, 4), ("2022-05", 10, 12), ("2022-06", 10, 12), ("2022-07", 9, 13)],
        lambda num, den: 100.0 * num / den,
    )
    assert monthly_from_year_to_date(percent, {row.period: row for row in rows}, "2022-07") == [
        ("2022-04", 75.0),
        ("2022-05", 87.5),
    ]


def test_a_year_to_date_measure_with_counts_is_read_on_its_derived_monthly_figures():
    # Monthly counts 10, 12, 10, 12, ... from April 2021 to August 2022 (17 months), reported year to date.
    # Derived: the same nine 10s and eight 12s. Mean 186/17 = 10.94, mean moving range 2: limits 10.94 ± 5.32;
    # the values alternate, so no rule fires: common cause, read on 17 derived months.
    measure = replace(TIMELINESS, unit="count", basis="year-to-date", decimals=0, target=None, spc=SpcOptions())
    periods = [f"2021-{m:02d}" for m in range(4, 13)] + [f"2022-{m:02d}" for m in range(1, 9)]
    monthly = [10.0 if index % 2 == 0 else 12.0 for index in range(len(periods))]
    rows, total = [], 0.0
    for period, count in zip(periods, monthly, strict=True):
        total = count if period.endswith("-04") else total + count
        rows.append(ServiceMonth(period, "ok", total))
    assessment = assess_measure(measure, rows, "2022-08")
    assert (assessment.spc_on, assessment.basis, assessment.variation) == ("derived-monthly", "year-to-date", "common")
    assert assessment.spc_periods == tuple(periods)
    assert [point.value for point in assessment.spc.points] == monthly
    assert assessment.spc.mean == pytest.approx(186 / 17)
    assert assessment.value == total  # the figure shown is still the year-to-date figure reported


def test_a_rolling_year_measure_has_no_spc_reading_and_says_why():
    rolling = replace(TIMELINESS, basis="rolling-12", spc=SpcOptions())
    rows = [ServiceMonth(month, "ok", value) for month, value in zip(MONTHS_2022, [33.0] * 6 + [40.0] * 6, strict=True)]
    rows += [ServiceMonth(f"2023-{m:02d}", "ok", 45.0) for m in range(1, 7)]  # 18 months: enough for SPC otherwise
    assessment = assess_measure(rolling, rows, "2023-06")
    assert (assessment.variation, assessment.assurance, assessment.spc_on) == ("no-reading", "none", "none")
    assert assessment.explanation == (
        "No SPC reading: a rolling 12-month figure overlaps month to month, so its points are not independent."
    )
    assert not assessment.special_cause and assessment.variation_side is None and assessment.reading_up_to is None
    assert assessment.spc_points == 18  # the figures are still charted, without limits
    assert assessment.rag == "green"  # 45 meets "at least 12": the rating is unchanged


def test_a_year_to_date_percentage_without_counts_has_no_spc_reading():
    measure = replace(TIMELINESS, basis="year-to-date", counts=False, spc=SpcOptions())
    rows = [ServiceMonth(f"2021-{m:02d}", "ok", 70.0 + m) for m in range(1, 13)] + months([80.0] * 6)
    assessment = assess_measure(measure, rows, "2022-06")
    assert (assessment.variation, assessment.spc_on) == ("no-reading", "none")
    assert assessment.explanation.startswith("No SPC reading: a year-to-date figure adds each month")


def test_no_assurance_for_a_measure_without_an_improvement_direction():
    # Fifteen steady months (10 and 12 in turn, ending 10: mean 10.93, mR 2, limits 5.61..16.25): with a direction
    # "at least 5" would be a pass; with polarity none there is no assurance, though the month is still rated.
    values = [10.0 if index % 2 == 0 else 12.0 for index in range(15)]
    rows = [
        ServiceMonth(month, "ok", value)
        for month, value in zip(MONTHS_2022 + ["2023-01", "2023-02", "2023-03"], values, strict=True)
    ]
    target = Target(kind="at_least", low=5)
    higher = replace(TIMELINESS, target=target, spc=SpcOptions())
    assert assess_measure(higher, rows, "2023-03").assurance == "pass"
    no_direction = replace(higher, polarity="none")
    assessment = assess_measure(no_direction, rows, "2023-03")
    assert (assessment.variation, assessment.assurance, assessment.rag) == ("common", "none", "green")


@pytest.mark.parametrize(
    ("values", "side"),
    [
        # [8, 12] × 7 then 30: mean 170/15 = 11.33, mR 70/14 = 5, upper limit 24.63: 30 is above it.
        ([8.0, 12.0] * 7 + [30.0], "high"),
        # [25, 21] × 7 then 3: mean 325/15 = 21.67, mR 5, lower limit 8.37: 3 is below it.
        ([25.0, 21.0] * 7 + [3.0], "low"),
    ],
)
def test_special_cause_neither_says_which_side(values, side):
    no_direction = replace(TIMELINESS, polarity="none", target=None, spc=SpcOptions())
    periods = MONTHS_2022 + ["2023-01", "2023-02", "2023-03"]
    assessment = assess_measure(
        no_direction, [ServiceMonth(p, "ok", v) for p, v in zip(periods, values, strict=True)], "2023-03"
    )
    assert (assessment.variation, assessment.variation_side) == ("neither", side)


def test_the_default_minimum_is_fifteen_months():
    measure = replace(TIMELINESS, spc=SpcOptions())
    periods = MONTHS_2022 + ["2023-01", "2023-02", "2023-03"]
    rows = [ServiceMonth(p, "ok", 10.0 if index % 2 == 0 else 12.0) for index, p in enumerate(periods)]
    fourteen = assess_measure(measure, rows[:14], "2023-02")
    assert (fourteen.variation, fourteen.spc_points) == ("insufficient", 14)
    assert fourteen.explanation == "Fewer than 15 months of data: no SPC judgement yet."
    assert assess_measure(measure, rows, "2023-03").variation == "common"


# Off target: 5 against "at least 12" (tolerance 1) is red; 20 is green.
def _tbc_after(first: str, value: float, tbc_until: str) -> list[ServiceMonth]:
    rows = [ServiceMonth(first, "ok", value)]
    month = first
    while month < tbc_until:
        month = shift_period(month, 1)
        rows.append(ServiceMonth(month, "tbc", None))
    return rows


def test_a_figure_three_months_old_still_rates_the_month_and_four_months_old_does_not():
    rows = _tbc_after("2022-10", 5.0, "2023-02")
    three = assess_measure(TIMELINESS, rows, "2023-01")  # October is 3 months before January
    assert (three.rag, three.rag_as_of, three.off_target, three.rated_earlier) == ("red", "2022-10", True, True)
    four = assess_measure(TIMELINESS, rows, "2023-02")  # 4 months before February: too old
    assert (four.rag, four.rag_as_of, four.off_target, four.target_reading) == ("none", None, False, "no-figure")


def test_a_tbc_after_a_month_off_target_stays_off_target_as_at_that_month():
    assessment = assess_measure(TIMELINESS, _tbc_after("2022-12", 5.0, "2023-01"), "2023-01")
    assert (assessment.status, assessment.rag, assessment.rag_as_of) == ("tbc", "red", "2022-12")
    assert assessment.off_target and assessment.record()["as_of"] == "2022-12"


def test_a_tbc_after_a_month_on_target_is_never_counted_as_on_target():
    assessment = assess_measure(TIMELINESS, _tbc_after("2022-12", 20.0, "2023-01"), "2023-01")
    assert (assessment.rag, assessment.rag_as_of) == ("green", "2022-12")
    assert not assessment.on_target and not assessment.off_target
    own = assess_measure(TIMELINESS, [ServiceMonth("2023-01", "ok", 20.0)], "2023-01")
    assert own.on_target and (own.rag_as_of, own.rated_earlier) == ("2023-01", False)


def test_the_months_own_figure_is_rated_even_after_a_month_off_target():
    rows = [ServiceMonth("2022-12", "ok", 5.0), ServiceMonth("2023-01", "ok", 20.0)]
    assessment = assess_measure(TIMELINESS, rows, "2023-01")
    assert (assessment.rag, assessment.rag_as_of, assessment.off_target) == ("green", "2023-01", False)


def test_every_status_without_a_figure_reads_the_earlier_figure():
    for status in ("tbc", "new", "na", "suppressed"):
        rows = [ServiceMonth("2022-12", "ok", 5.0), ServiceMonth("2023-01", status, None)]
        assert assess_measure(TIMELINESS, rows, "2023-01").rag_as_of == "2022-12", status
    # A month with no row at all (not reported) too.
    assert assess_measure(TIMELINESS, [ServiceMonth("2022-12", "ok", 5.0)], "2023-01").rag == "red"


def test_the_assurance_is_not_read_from_months_outside_the_window():
    # The SHIFT_OF_SEVEN months end in December 2022, with assurance "hit-or-miss" against at least 12.
    assert assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2023-03").assurance == "hit-or-miss"
    too_old = assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2023-04")
    assert (too_old.assurance, too_old.rag, too_old.variation) == ("none", "none", "improvement")


def test_an_assurance_dropped_outside_the_window_is_not_said_by_the_explanation():
    # Within the window the reading ends with its assurance, naming the target; from April 2023 (the newest figure,
    # December 2022, is four months old) the assurance is dropped, and so is its sentence.
    shift = "Significant improvement: the last 7 months are above the average."
    hit_or_miss = (
        "The target (at least 12) lies between the process limits, so it will be met in some months and missed in "
        "others."
    )
    assert assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2023-03", window=3).explanation == (
        f"{shift} {hit_or_miss}"
    )
    too_old = assess_measure(TIMELINESS, months(SHIFT_OF_SEVEN), "2023-04", window=3)
    assert (too_old.assurance, too_old.explanation) == ("none", shift)
    # The chart itself keeps its assurance: it is the assessment that drops it.
    assert too_old.spc.assurance == "hit-or-miss"


@pytest.mark.parametrize(("setting", "window"), [("0", 0), ("1", 1), ("6", 6), ("", 3), ("three", 3), ("-1", 3)])
def test_the_window_is_a_setting(monkeypatch, setting, window):
    monkeypatch.setenv("MEASURES_RATING_WINDOW_MONTHS", setting)
    assert rating_window_months() == window
    rows = _tbc_after("2022-12", 5.0, "2023-03")
    rated = [
        month for month in ("2023-01", "2023-02", "2023-03") if assess_measure(TIMELINESS, rows, month).rag != "none"
    ]
    assert rated == ["2023-01", "2023-02", "2023-03"][:window]
    series = pd.DataFrame(
        [
            {
                "ref": "1.1",
                "period": r.period,
                "value": r.value,
                "status": r.status,
                "numerator": None,
                "denominator": None,
            }
            for r in rows
        ]
    )
    assert (assess_all([TIMELINESS], series, "2023-01")[0].rag != "none") == (window >= 1)
