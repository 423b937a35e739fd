"""XmR limits, the four special-cause rules, the variation and assurance icons (NHS Making Data Count).

Every series below is worked by hand in its comment: mean, mean moving range (mR), limits
mean ± 2.66 × mR and two-sigma lines mean ± (2/3) × 2.66 × mR.
"""

import numpy as np
import pytest

from measures.assessment.spc import (
    SpcOptions,
    SpcPoint,
    assurance_of,
    assurance_sentence,
    moving_range_mean,
    no_reading,
    shift_points,
    spc,
    trend_points,
    two_of_three_points,
)
from measures.domain.catalogue import Target

COMMON_CAUSE = (
    "No significant change: the latest month is within the process limits and is not part of a run on one side of "
    "the average, a trend or a cluster near a limit."
)

# Hand-worked: sum = 10+13+12+14+12+15+14+12+14+11+12+14 = 153, mean = 153 / 12 = 12.75.
# Moving ranges 3,1,2,2,3,1,2,2,3,1,2: sum 22, mR = 22 / 11 = 2.
# Limits 12.75 ± 2.66 × 2 = 12.75 ± 5.32 -> 18.07 and 7.43.
# Two-sigma lines 12.75 ± (2/3) × 5.32 = 12.75 ± 3.54667 -> 16.29667 and 9.20333.
# No point outside 7.43..18.07; values alternate about the mean; no rise or fall lasts beyond 2 points.
STEADY = [10, 13, 12, 14, 12, 15, 14, 12, 14, 11, 12, 14]
STEADY_15 = STEADY + [13, 12, 11]

# The hand-worked series below have twelve points, so they are read with a minimum of 12 (the rules do not
# depend on the minimum; the default of 15 is tested on its own).
TWELVE = SpcOptions(minimum_points=12)

# Hand-worked: 6 × 8 + 5 × 12 + 30 = 138, mean 11.5. Moving ranges: ten of 4 and one of 22, sum 62,
# mR = 62 / 11 = 5.63636. Limits 11.5 ± 14.99273 -> 26.49273 and -3.49273 (not clamped at zero).
# Two-sigma lines 11.5 ± 9.99515 -> 21.49515 and 1.50485. Only 30 is special: above the upper limit.
LAST_ABOVE_LIMIT = [8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8, 30]

# The same shape moved up and mirrored: mean 21.5, mR 5.63636, lower limit 6.50727; 3 is below it.
LAST_BELOW_LIMIT = [25, 21, 25, 21, 25, 21, 25, 21, 25, 21, 25, 3]

# Hand-worked: 10+12+10+12+10 = 54 and 13×4 + 14×3 = 94, mean 148 / 12 = 12.33333.
# The last 7 points (13s and 14s) are above the mean; the first 5 (10s and 12s) below it: a run of 5.
# Moving ranges 2,2,2,2,3,1,1,1,1,1,1: sum 17, mR 1.54545; limits 8.22242..16.44424;
# two-sigma lines 9.59273..15.07394: nothing beyond them.
SHIFT_OF_SEVEN = [10, 12, 10, 12, 10, 13, 14, 13, 14, 13, 14, 13]

# Hand-worked: 10+12+10+12+10+12 = 66 and 13+14+13+14+13+14 = 81, mean 147 / 12 = 12.25.
# Six points above the mean at the end, six below before them.
# Moving ranges 2,2,2,2,2,1,1,1,1,1,1: sum 16, mR 1.45455; two-sigma lines 9.67061..14.82939.
SHIFT_OF_SIX = [10, 12, 10, 12, 10, 12, 13, 14, 13, 14, 13, 14]

# Hand-worked: 10+11+10+11+10 = 52, 14+13+14 = 41, 12, 13+13+13 = 39; mean 144 / 12 = 12 exactly.
# The 12 sits ON the mean, splitting 3 + 3 points above it; the first 5 points are below it.
# Moving ranges 1,1,1,1,4,1,1,2,1,0,0: sum 13, mR 1.18182; limits 8.85636..15.14364;
# two-sigma lines 9.90424..14.09576: nothing beyond them.
POINT_ON_MEAN = [10, 11, 10, 11, 10, 14, 13, 14, 12, 13, 13, 13]

# Hand-worked: 15+13+15+13+15 = 71 and 10+11+...+16 = 91, mean 162 / 12 = 13.5.
# The last 7 months rise one after another (6 rises). Moving ranges 2,2,2,2,5,1,1,1,1,1,1: sum 19,
# mR 1.72727; limits 8.90545..18.09455; two-sigma lines 10.43697..16.56303: only 10 is beyond one,
# so no two-of-three; the 10..13 below the mean are a run of 4 and 14..16 above it a run of 3.
TREND_OF_SEVEN = [15, 13, 15, 13, 15, 10, 11, 12, 13, 14, 15, 16]

# Hand-worked: 15+13+15+13+15+13 = 84 and 11+12+...+16 = 81, mean 165 / 12 = 13.75.
# The last 6 months rise (5 rises); 13 -> 11 before them is a fall. Moving ranges: six of 2 and five
# of 1, sum 17, mR 1.54545; two-sigma lines 11.00939..16.49061: only 11 is beyond one.
TREND_OF_SIX = [15, 13, 15, 13, 15, 13, 11, 12, 13, 14, 15, 16]

# Hand-worked: 5 × 10 + 5 × 11 + 2 × 13 = 131, mean 10.91667. Moving ranges: nine of 1, then 2, then 0:
# sum 11, mR = 1 exactly. Limits 10.91667 ± 2.66 -> 8.25667..13.57667; upper two-sigma line
# 10.91667 + 1.77333 = 12.69. The last three points 11, 13, 13 are all above the mean and the two 13s
# are beyond 12.69 (but inside 13.57667): two of three.
TWO_OF_THREE = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 13, 13]

# As above with a last value of 12.5: mean 130.5 / 12 = 10.875, mR 11.5 / 11 = 1.04545, upper two-sigma
# line 10.875 + 1.85394 = 12.72894. Only the 13 is beyond it: one of three, no signal.
ONE_OF_THREE = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 13, 12.5]

# Hand-worked: 20+21+20+21+20 = 102 and 1+...+7 = 28, mean 130 / 12 = 10.83333.
# The last 7 months rise (a rising trend: high side) while all lying below the mean (a shift: low side).
CONFLICT = [20, 21, 20, 21, 20, 1, 2, 3, 4, 5, 6, 7]


def special_indices(result) -> list[int]:
    return [index for index, point in enumerate(result.points) if point.special_cause]


def test_defaults_follow_the_specification():
    # Six-point shift and trend as specified (an option of the MDC Excel tool; the MDC SQL and
    # NHSRplotthedots use 7); moving-range outliers kept (MDC SQL default); no icons below 15 points
    # (the MDC SQL's `@SettingMinimumPoints`).
    assert SpcOptions() == SpcOptions(
        shift_length=6, trend_length=6, minimum_points=15, two_of_three=True, exclude_moving_range_outliers=False
    )


@pytest.mark.parametrize("field", ["shift_length", "trend_length", "minimum_points"])
def test_options_reject_lengths_below_two(field):
    with pytest.raises(ValueError):
        SpcOptions(**{field: 1})


def test_limits_worked_by_hand():
    result = spc(STEADY, "higher", None, TWELVE)
    assert result.n == 12
    assert result.mean == pytest.approx(12.75)
    assert result.mean_moving_range == pytest.approx(2.0)
    assert result.upper_limit == pytest.approx(18.07)
    assert result.lower_limit == pytest.approx(7.43)
    assert result.upper_two_sigma == pytest.approx(16.296667, abs=1e-6)
    assert result.lower_two_sigma == pytest.approx(9.203333, abs=1e-6)
    assert special_indices(result) == []
    assert (result.variation, result.assurance, result.explanation) == ("common", "none", COMMON_CAUSE)
    assert [point.value for point in result.points] == [float(value) for value in STEADY]


def test_lower_limit_is_not_clamped_at_zero():
    result = spc(LAST_ABOVE_LIMIT, "higher", None, TWELVE)
    assert result.mean == pytest.approx(11.5)
    assert result.mean_moving_range == pytest.approx(62 / 11)
    assert result.upper_limit == pytest.approx(26.492727, abs=1e-6)
    assert result.lower_limit == pytest.approx(-3.492727, abs=1e-6)


def test_fourteen_points_are_insufficient_and_fifteen_are_judged():
    # NHS England's SQL tool draws SPC from 15 points (`@SettingMinimumPoints INT = 15`), the default.
    # STEADY_15 hand-worked: 153 + 13 + 12 + 11 = 189, mean 12.6. Moving ranges: the 11 of STEADY (sum 22),
    # then 14->13 1, 13->12 1, 12->11 1: sum 25, mR 25 / 14 = 1.78571; limits 12.6 ± 4.75 -> 7.85..17.35.
    short = spc(STEADY_15[:14], "higher", Target(kind="at_least", low=7))
    assert (short.n, short.variation, short.assurance) == (14, "insufficient", "none")
    assert short.explanation == "Fewer than 15 months of data: no SPC judgement yet."
    assert (short.mean, short.upper_limit, short.lower_limit, short.upper_two_sigma) == (None, None, None, None)
    assert short.points[0] == SpcPoint(value=10.0, assessed=False)  # no limits to read it against
    judged = spc(STEADY_15, "higher", Target(kind="at_least", low=7))
    assert (judged.n, judged.variation, judged.assurance) == (15, "common", "pass")
    assert judged.mean == pytest.approx(12.6)
    assert judged.mean_moving_range == pytest.approx(25 / 14)
    assert judged.lower_limit == pytest.approx(12.6 - 2.66 * 25 / 14)


def test_minimum_points_is_configurable():
    # The MDC single-chart tool's 13, or the 12 the product used before: eleven points are still too few.
    assert spc(STEADY[:11], "higher", None, TWELVE).variation == "insufficient"
    assert spc(STEADY, "higher", None, TWELVE).variation == "common"
    result = spc(STEADY, "higher", None, SpcOptions(minimum_points=13))
    assert (result.variation, result.explanation) == (
        "insufficient",
        "Fewer than 13 months of data: no SPC judgement yet.",
    )


def test_no_values_are_insufficient():
    assert spc([], "higher", None).variation == "insufficient"


@pytest.mark.parametrize(
    ("values", "polarity", "variation", "explanation"),
    [
        (
            LAST_ABOVE_LIMIT,
            "higher",
            "improvement",
            "Significant improvement: the latest month is above the upper process limit.",
        ),
        (
            LAST_ABOVE_LIMIT,
            "lower",
            "concern",
            "Significant change for the worse: the latest month is above the upper process limit.",
        ),
        (
            LAST_ABOVE_LIMIT,
            "none",
            "neither",
            "Unusually high, neither better nor worse: the latest month is above the upper process limit.",
        ),
        (
            LAST_ABOVE_LIMIT,
            "range",
            "neither",
            "Unusually high, neither better nor worse: the latest month is above the upper process limit.",
        ),
        (
            LAST_BELOW_LIMIT,
            "higher",
            "concern",
            "Significant change for the worse: the latest month is below the lower process limit.",
        ),
        (
            LAST_BELOW_LIMIT,
            "lower",
            "improvement",
            "Significant improvement: the latest month is below the lower process limit.",
        ),
        (
            LAST_BELOW_LIMIT,
            "none",
            "neither",
            "Unusually low, neither better nor worse: the latest month is below the lower process limit.",
        ),
    ],
)
def test_rule_one_point_outside_the_limits_and_the_variation_icon(values, polarity, variation, explanation):
    result = spc(values, polarity, None, TWELVE)
    assert special_indices(result) == [11]
    last = result.points[-1]
    assert (last.outside_limits, last.in_shift, last.in_trend, last.in_two_of_three) == (True, False, False, False)
    assert last.side == ("high" if values is LAST_ABOVE_LIMIT else "low")
    assert (result.variation, result.explanation) == (variation, explanation)


def test_rule_two_shift_of_seven_fires():
    result = spc(SHIFT_OF_SEVEN, "higher", None, TWELVE)
    assert special_indices(result) == [5, 6, 7, 8, 9, 10, 11]
    assert all(point.in_shift and point.side == "high" for point in result.points[5:])
    assert not any(point.in_shift for point in result.points[:5])  # a run of 5 below the mean is too short
    assert result.variation == "improvement"
    assert result.explanation == "Significant improvement: the last 7 months are above the average."
    assert spc(SHIFT_OF_SEVEN, "lower", None, TWELVE).variation == "concern"


def test_rule_two_shift_of_six_fires_by_default_but_not_under_seven_point_rules():
    assert special_indices(spc(SHIFT_OF_SIX, "higher", None, SpcOptions(minimum_points=12, shift_length=7))) == []
    result = spc(SHIFT_OF_SIX, "higher", None, TWELVE)
    # Both runs of six fire: the first six below the mean, the last six above it.
    assert special_indices(result) == list(range(12))
    assert [point.side for point in result.points] == ["low"] * 6 + ["high"] * 6
    assert result.variation == "improvement"
    assert result.explanation == "Significant improvement: the last 6 months are above the average."


def test_rule_two_a_point_on_the_mean_breaks_the_run():
    result = spc(POINT_ON_MEAN, "higher", None, TWELVE)
    assert result.mean == 12.0
    assert special_indices(result) == []  # 3 above + 12 on the mean + 3 above is not a run of 6
    short_runs = spc(POINT_ON_MEAN, "higher", None, SpcOptions(minimum_points=12, shift_length=3))
    assert [point.in_shift for point in short_runs.points] == [True] * 8 + [False] + [True] * 3
    assert short_runs.points[8] == SpcPoint(value=12.0)


@pytest.mark.parametrize(
    ("values", "mean", "length", "high", "low"),
    [
        ([1, 1, 1, 1, 1, 1, 1], 0, 7, [True] * 7, [False] * 7),
        ([1, 1, 1, 1, 1, 1], 0, 7, [False] * 6, [False] * 6),  # one short
        ([-1, -2, -1, -3, -1, -1, -2, 5], 0, 7, [False] * 8, [True] * 7 + [False]),
        ([1, 1, 1, 0, 1, 1, 1], 0, 7, [False] * 7, [False] * 7),  # the 0 is on the mean
        ([1, 1, 1, 0, 1, 1, 1], 0, 3, [True, True, True, False, True, True, True], [False] * 7),
        ([], 0, 7, [], []),
    ],
)
def test_shift_points(values, mean, length, high, low):
    found_high, found_low = shift_points(values, mean, length)
    assert (found_high.tolist(), found_low.tolist()) == (high, low)


def test_rule_three_trend_of_seven_fires_whichever_side_of_the_mean():
    result = spc(TREND_OF_SEVEN, "higher", None, TWELVE)
    assert special_indices(result) == [5, 6, 7, 8, 9, 10, 11]
    assert all(point.in_trend and not point.in_shift and point.side == "high" for point in result.points[5:])
    assert result.variation == "improvement"
    assert result.explanation == "Significant improvement: the last 7 months rise one after another."
    assert spc(TREND_OF_SEVEN, "lower", None, TWELVE).variation == "concern"
    falling = spc([-value for value in TREND_OF_SEVEN], "lower", None, TWELVE)
    assert falling.variation == "improvement"
    assert falling.explanation == "Significant improvement: the last 7 months fall one after another."


def test_rule_three_trend_of_six_fires_by_default_but_not_under_seven_point_rules():
    assert special_indices(spc(TREND_OF_SIX, "higher", None, SpcOptions(minimum_points=12, trend_length=7))) == []
    result = spc(TREND_OF_SIX, "higher", None, TWELVE)
    assert special_indices(result) == [6, 7, 8, 9, 10, 11]
    assert result.explanation == "Significant improvement: the last 6 months rise one after another."


@pytest.mark.parametrize(
    ("values", "length", "rising", "falling"),
    [
        ([1, 2, 3, 4, 5, 6, 7], 7, [True] * 7, [False] * 7),  # 7 points, 6 rises
        ([1, 2, 3, 4, 5, 6], 7, [False] * 6, [False] * 6),  # 6 points are not enough
        ([1, 2, 3, 4, 5, 6], 6, [True] * 6, [False] * 6),
        ([1, 2, 3, 3, 4, 5, 6], 4, [False] * 3 + [True] * 4, [False] * 7),  # the repeat breaks the trend
        ([1, 2, 3, 3, 4, 5, 6], 5, [False] * 7, [False] * 7),
        ([9, 8, 7, 6, 7], 4, [False] * 5, [True, True, True, True, False]),
        ([1, 2, 3, 4, 3, 2, 1], 4, [True] * 4 + [False] * 3, [False] * 3 + [True] * 4),  # peak is in both
        ([5], 2, [False], [False]),
    ],
)
def test_trend_points(values, length, rising, falling):
    found_rising, found_falling = trend_points(values, length)
    assert (found_rising.tolist(), found_falling.tolist()) == (rising, falling)


def test_rule_four_two_of_three_beyond_two_sigma():
    result = spc(TWO_OF_THREE, "higher", None, TWELVE)
    assert result.mean_moving_range == pytest.approx(1.0)
    assert result.upper_two_sigma == pytest.approx(12.69)
    assert special_indices(result) == [10, 11]
    assert all(point.in_two_of_three and not point.outside_limits for point in result.points[10:])
    assert result.points[9] == SpcPoint(value=11.0)  # the third point is not beyond the line: not flagged
    assert result.variation == "improvement"
    assert result.explanation == (
        "Significant improvement: two of the last three months are close to or beyond the upper process limit."
    )


def test_rule_four_one_of_three_does_not_fire():
    assert special_indices(spc(ONE_OF_THREE, "higher", None, TWELVE)) == []


def test_rule_four_can_be_switched_off():
    result = spc(TWO_OF_THREE, "higher", None, SpcOptions(minimum_points=12, two_of_three=False))
    assert (special_indices(result), result.variation) == ([], "common")


@pytest.mark.parametrize(
    ("values", "high", "low"),
    [
        # mean 0, two-sigma lines at +2 and -2, process limits at ±3
        ([1, 2.5, 2.5], [False, True, True], [False] * 3),
        ([1, 2.0, 2.5], [False] * 3, [False] * 3),  # exactly on the line is not beyond it
        ([1, 2.01, 2.5], [False, True, True], [False] * 3),  # just beyond it
        ([2.5, 1, 2.5], [True, False, True], [False] * 3),  # two of three need not be consecutive
        ([1, 2.5, 9], [False, True, True], [False] * 3),  # a point beyond the process limit counts too
        ([-1, 2.5, 2.5], [False] * 3, [False] * 3),  # the third point is below the mean
        ([0, 2.5, 2.5], [False] * 3, [False] * 3),  # the third point is on the mean
        ([2.5, -2.5, 2.5], [False] * 3, [False] * 3),  # opposite sides of the mean
        ([-2.5, -1, -2.5, 1], [False] * 4, [True, False, True, False]),
        ([2.5, 2.5], [False] * 2, [False] * 2),  # fewer than three points
    ],
)
def test_two_of_three_points(values, high, low):
    found_high, found_low = two_of_three_points(values, mean=0.0, upper_two_sigma=2.0, lower_two_sigma=-2.0)
    assert (found_high.tolist(), found_low.tolist()) == (high, low)


@pytest.mark.parametrize(
    ("polarity", "variation", "side", "explanation"),
    [
        # The last point rises in a trend (high side) and is below the mean in a shift (low side). Like
        # the MDC single-chart tool, the improvement side wins.
        ("higher", "improvement", "high", "Significant improvement: the last 7 months rise one after another."),
        ("lower", "improvement", "low", "Significant improvement: the last 7 months are below the average."),
        (
            "none",
            "neither",
            "high",
            "Unusually high, neither better nor worse: the last 7 months rise one after another.",
        ),
    ],
)
def test_a_point_on_both_sides_takes_the_improvement_side(polarity, variation, side, explanation):
    result = spc(CONFLICT, polarity, None, TWELVE)
    last = result.points[-1]
    assert (last.in_shift, last.in_trend, last.side) == (True, True, side)
    assert (result.variation, result.explanation) == (variation, explanation)


def test_moving_range_outliers_are_kept_by_default_and_can_be_excluded():
    # Moving ranges: ten of 4 and one of 22; mean 62 / 11 = 5.63636; 3.267 × 5.63636 = 18.414 < 22.
    assert moving_range_mean(LAST_ABOVE_LIMIT) == pytest.approx(62 / 11)
    assert moving_range_mean(LAST_ABOVE_LIMIT, exclude_outliers=True) == pytest.approx(4.0)
    narrower = spc(LAST_ABOVE_LIMIT, "higher", None, SpcOptions(minimum_points=12, exclude_moving_range_outliers=True))
    assert narrower.mean_moving_range == pytest.approx(4.0)
    assert narrower.upper_limit == pytest.approx(11.5 + 2.66 * 4)


def test_moving_range_needs_two_values():
    with pytest.raises(ValueError):
        moving_range_mean([1.0])


# Assurance on STEADY: limits 7.43 .. 18.07.
@pytest.mark.parametrize(
    ("target", "assurance"),
    [
        (Target(kind="at_least", low=7), "pass"),  # lower limit 7.43 >= 7
        (Target(kind="at_least", low=12), "hit-or-miss"),
        (Target(kind="at_least", low=19), "fail"),  # upper limit 18.07 <= 19
        (Target(kind="at_most", high=19), "pass"),
        (Target(kind="at_most", high=12), "hit-or-miss"),
        (Target(kind="at_most", high=7), "fail"),
        (Target(kind="band", low=7, high=19), "pass"),
        (Target(kind="band", low=10, high=15), "hit-or-miss"),
        (Target(kind="band", low=10, high=30), "hit-or-miss"),
        (Target(kind="band", low=19, high=25), "fail"),  # the band is above the upper limit
        (Target(kind="band", low=0, high=5), "fail"),  # the band is below the lower limit
        (None, "none"),
    ],
)
def test_assurance_for_each_target_kind(target, assurance):
    assert spc(STEADY, "higher", target, TWELVE).assurance == assurance


@pytest.mark.parametrize(
    ("target", "assurance"),
    [
        # A target exactly on a process limit is a pass or a fail (MDC SQL v2.1), not hit-or-miss.
        (Target(kind="at_least", low=7.5), "pass"),
        (Target(kind="at_least", low=18.0), "fail"),
        (Target(kind="at_most", high=18.0), "pass"),
        (Target(kind="at_most", high=7.5), "fail"),
        (Target(kind="band", low=7.5, high=18.0), "pass"),
        (Target(kind="band", low=18.0, high=20.0), "fail"),
        (Target(kind="band", low=5.0, high=7.5), "fail"),
        (Target(kind="band", low=7.0, high=17.99), "hit-or-miss"),
    ],
)
def test_assurance_with_the_target_on_a_limit(target, assurance):
    assert assurance_of(target, lower_limit=7.5, upper_limit=18.0) == assurance


def test_the_chart_explains_the_variation_and_the_assurance_has_a_sentence_of_its_own():
    # The chart's explanation is the variation only: an assessment may drop the assurance (the newest figure is
    # older than the rating window), and then nothing may still say it.
    result = spc(STEADY, "higher", Target(kind="at_least", low=7), TWELVE)
    assert (result.assurance, result.explanation) == ("pass", COMMON_CAUSE)
    assert assurance_sentence(result.assurance, Target(kind="at_least", low=7)) == (
        "The whole range between the process limits meets the target (at least 7), so it should be met consistently."
    )
    between = spc(STEADY, "higher", Target(kind="at_least", low=12), TWELVE)
    assert (between.assurance, between.explanation) == ("hit-or-miss", COMMON_CAUSE)
    assert assurance_sentence(between.assurance, Target(kind="at_least", low=12)) == (
        "The target (at least 12) lies between the process limits, so it will be met in some months and missed in "
        "others."
    )
    beyond = spc(STEADY, "lower", Target(kind="at_most", high=7), TWELVE)
    assert (beyond.assurance, beyond.explanation) == ("fail", COMMON_CAUSE)
    assert assurance_sentence(beyond.assurance, Target(kind="at_most", high=7)) == (
        "The target (at most 7) lies at or beyond the process limits, so it will not be met without a change."
    )
    assert assurance_sentence("none", Target(kind="at_most", high=7)) == assurance_sentence("fail", None) == ""


def test_a_constant_series_has_zero_width_limits_and_no_signal():
    result = spc([5.0] * 12, "higher", Target(kind="at_least", low=5), TWELVE)
    assert (result.mean, result.mean_moving_range, result.upper_limit, result.lower_limit) == (5.0, 0.0, 5.0, 5.0)
    assert (special_indices(result), result.variation, result.assurance) == ([], "common", "pass")


def test_numpy_input_is_accepted():
    assert spc(np.array(SHIFT_OF_SEVEN, dtype=float), "higher", None, TWELVE).variation == "improvement"


@pytest.mark.parametrize(
    ("values", "polarity"),
    [
        ([1.0, float("nan")] * 6, "higher"),
        ([1.0, float("inf")] * 6, "higher"),
        ([[1.0, 2.0]] * 6, "higher"),
        (STEADY, "sideways"),
    ],
)
def test_bad_input_is_refused(values, polarity):
    with pytest.raises(ValueError):
        spc(values, polarity, None, TWELVE)


@pytest.mark.parametrize("polarity", ["none", "range"])
def test_no_assurance_without_an_improvement_direction(polarity):
    # STEADY's limits 7.43..18.07 meet "at least 7" and lie inside the band 7..19, so with a direction the
    # assurance would be "pass"; NHS England's SQL tool and NHSRplotthedots give none without one.
    for target in (Target(kind="at_least", low=7), Target(kind="band", low=7, high=19)):
        result = spc(STEADY, polarity, target, TWELVE)
        assert (result.variation, result.assurance, result.explanation) == ("common", "none", COMMON_CAUSE)
    assert spc(STEADY, "higher", Target(kind="at_least", low=7), TWELVE).assurance == "pass"


@pytest.mark.parametrize(
    ("values", "polarity", "variation", "side"),
    [
        (LAST_ABOVE_LIMIT, "none", "neither", "high"),  # 30 above the upper limit 26.49
        (LAST_BELOW_LIMIT, "none", "neither", "low"),  # 3 below the lower limit 6.51
        (LAST_ABOVE_LIMIT, "range", "neither", "high"),
        (LAST_BELOW_LIMIT, "higher", "concern", "low"),
        (STEADY, "none", "common", None),
    ],
)
def test_the_variation_says_which_side(values, polarity, variation, side):
    result = spc(values, polarity, None, TWELVE)
    assert (result.variation, result.variation_side) == (variation, side)


def test_no_reading_keeps_the_points_and_gives_the_reason():
    result = no_reading([33.0, 40.0], "No SPC reading: a reason.")
    assert (result.n, result.variation, result.assurance, result.explanation) == (
        2,
        "no-reading",
        "none",
        "No SPC reading: a reason.",
    )
    assert (result.mean, result.upper_limit, result.variation_side) == (None, None, None)
    assert [point.value for point in result.points] == [33.0, 40.0]
    assert not any(point.special_cause for point in result.points)
