"""The impact of a completed action, read on hand-worked series, and its one wording.

The baseline used throughout: twelve months alternating 10, 12 (January to December 2021), the action completed in
December 2021. Worked by hand: mean = (6 × 10 + 6 × 12) / 12 = 11; every moving range is |12 − 10| = 2, so the mean
moving range is 2; process limits = 11 ± 2.66 × 2 = 11 ± 5.32, i.e. 5.68 to 16.32.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from measures.assessment.impact import ImpactReading, impact_since
from measures.domain.catalogue import Measure, ProcessChange, Target
from measures.domain.impact_wording import impact_sentence
from measures.domain.periods import period_range, shift_period

BASELINE = [10.0, 12.0] * 6
FIRST = "2021-01"
COMPLETED = "2021-12"
MEASURE = Measure(ref="3.1", area=3, title="Assessments", short_title="Assessments", unit="percent", polarity="higher")


def read(after: list[float | None], measure: Measure = MEASURE, baseline: list[float] = BASELINE) -> ImpactReading:
    values: list[float | None] = [*baseline, *after]
    periods = period_range(FIRST, shift_period(FIRST, len(values) - 1))
    completed = shift_period(FIRST, len(baseline) - 1)
    return impact_since(measure, periods, values, completed, periods[-1])


def test_the_baseline_limits_are_the_hand_worked_ones() -> None:
    reading = read([11.0])
    assert reading.baseline_mean == pytest.approx(11.0)
    assert reading.upper_limit == pytest.approx(16.32)
    assert reading.lower_limit == pytest.approx(5.68)
    assert reading.baseline_points == 12


def test_six_months_above_the_previous_average_is_an_improvement_for_a_higher_is_better_measure() -> None:
    reading = read([13.0] * 6)
    assert (reading.kind, reading.run, reading.side, reading.rule, reading.months_after) == (
        "improvement",
        6,
        "high",
        "shift",
        6,
    )
    assert impact_sentence("3.2", "3.1", reading) == (
        "Since action 3.2 was completed in December 2021, measure 3.1 has improved significantly "
        "(6 months above the previous average)."
    )


def test_the_same_run_is_a_concern_when_lower_is_better() -> None:
    reading = read([13.0] * 6, replace(MEASURE, polarity="lower"))
    assert (reading.kind, reading.side) == ("concern", "high")
    assert impact_sentence("3.2", "3.1", reading) == (
        "Since action 3.2 was completed in December 2021, measure 3.1 has got significantly worse "
        "(6 months above the previous average)."
    )


def test_five_months_on_one_side_is_not_yet_a_shift() -> None:
    reading = read([13.0] * 5)
    assert (reading.kind, reading.months_after) == ("no_change", 5)
    assert impact_sentence("3.2", "3.1", reading) == (
        "Since action 3.2 was completed in December 2021, there is no significant change in measure 3.1 yet "
        "(5 months of figures)."
    )


def test_a_month_on_the_previous_average_breaks_the_run() -> None:
    assert read([13.0, 13.0, 13.0, 11.0, 13.0, 13.0, 13.0]).kind == "no_change"


def test_one_month_beyond_the_previous_upper_limit_is_special_cause() -> None:
    # 16.4 > 16.32 (upper limit); 16.3 is not beyond it.
    reading = read([11.0, 16.4, 11.0])
    assert (reading.kind, reading.rule, reading.run, reading.side) == ("improvement", "limit", 1, "high")
    assert impact_sentence("3.2", "3.1", reading).endswith("(1 month above the previous upper process limit).")
    assert read([11.0, 16.3, 11.0]).kind == "no_change"


def test_a_fall_below_the_lower_limit_is_an_improvement_when_lower_is_better() -> None:
    reading = read([5.6, 9.0], replace(MEASURE, polarity="lower"))
    assert (reading.kind, reading.side, reading.rule) == ("improvement", "low", "limit")
    assert "below the previous lower process limit" in impact_sentence("1.1", "2.3", reading)


def test_the_latest_special_cause_decides() -> None:
    # Six months above the average, then one month below the lower limit: a concern now.
    reading = read([13.0] * 6 + [5.0])
    assert (reading.kind, reading.side, reading.rule) == ("concern", "low", "limit")


def test_no_figure_since_completion_is_too_soon() -> None:
    reading = read([])
    assert (reading.kind, reading.months_after) == ("too_soon", 0)
    assert impact_sentence("3.2", "3.1", reading) == (
        "Since action 3.2 was completed in December 2021, there are no figures for measure 3.1 yet to test its impact."
    )


def test_fewer_than_twelve_baseline_months_give_no_baseline() -> None:
    reading = read([13.0] * 6, baseline=BASELINE[1:])
    assert (reading.kind, reading.baseline_points, reading.minimum_baseline) == ("no_baseline", 11, 12)
    assert reading.baseline_mean is None
    assert impact_sentence("3.2", "3.1", reading) == (
        "Action 3.2 was completed in November 2021; measure 3.1 has too few months of figures up to then to test "
        "its impact (11, at least 12 needed)."
    )


def test_a_process_change_before_completion_starts_the_baseline() -> None:
    changed = replace(MEASURE, process_changes=(ProcessChange("2021-03", "New team"),))
    reading = read([13.0] * 6, changed)
    assert (reading.kind, reading.baseline_points) == ("no_baseline", 10)


def test_missing_months_and_months_after_the_reading_month_are_left_out() -> None:
    values: list[float | None] = [*BASELINE, 13.0, None, math.nan, 13.0, 13.0, 13.0, 13.0, 13.0, 20.0]
    periods = period_range(FIRST, shift_period(FIRST, len(values) - 1))
    as_at = periods[-2]
    reading = impact_since(MEASURE, periods, values, COMPLETED, as_at)
    assert (reading.kind, reading.months_after, reading.run, reading.rule) == ("improvement", 6, 6, "shift")


def test_a_measure_that_is_not_monthly_has_no_reading() -> None:
    reading = read([13.0] * 6, replace(MEASURE, basis="rolling-12"))
    assert (reading.kind, reading.monthly) == ("no_baseline", False)
    assert "not a monthly figure" in impact_sentence("3.2", "3.1", reading)


def test_a_range_measure_moving_towards_its_band_improves() -> None:
    band = Target(kind="band", low=16.0, high=20.0)
    reading = read([13.0] * 6, replace(MEASURE, polarity="range", target=band))
    assert reading.kind == "improvement"
    inside = Target(kind="band", low=8.0, high=20.0)
    neutral = read([13.0] * 6, replace(MEASURE, polarity="range", target=inside))
    assert (neutral.kind, neutral.side, neutral.directional) == ("no_change", "high", False)
    assert "has changed significantly (6 months above the previous average)" in impact_sentence("2.2", "2.2", neutral)


def test_a_range_measure_leaving_its_band_or_overshooting_it_is_a_concern() -> None:
    # Baseline average 11 inside the band 8..14; six months at 13 stay inside it: a change with no better side.
    # Six months at 26 (beyond the upper limit 16.32) leave the band by 12: a concern, not "no better or worse".
    band = Target(kind="band", low=8.0, high=14.0)
    left = read([26.0] * 6, replace(MEASURE, polarity="range", target=band))
    assert (left.kind, left.side, left.directional) == ("concern", "high", True)
    # Baseline average 11 below the band 16..20 (5 short of it); months at 26 overshoot it by 6: further, a concern.
    overshoot = read([26.0] * 6, replace(MEASURE, polarity="range", target=Target(kind="band", low=16.0, high=20.0)))
    assert overshoot.kind == "concern"
    # Months at 18 land inside the band: nearer, an improvement.
    landed = read([18.0] * 6, replace(MEASURE, polarity="range", target=Target(kind="band", low=16.0, high=20.0)))
    assert landed.kind == "improvement"


def test_periods_and_values_must_match() -> None:
    with pytest.raises(ValueError):
        impact_since(MEASURE, ["2021-01"], [], COMPLETED, COMPLETED)
