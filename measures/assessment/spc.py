"""XmR statistical process control, following NHS England's "Making Data Count" (MDC) rules.

Sources read (public copies found through the code and issue search) and what each says:

- NHS England MDC "SPC CHARTS SQL QUERY" v2.4 (change log by Matthew Callus, v2.0 27/07/2021 to v2.4
  11/08/2022) and a locally adapted v2.5, the analysts' version of the MDC tools
  (https://future.nhs.uk/MDC/view?objectId=28387280); public copies found by text search, whose
  repository names the search did not show:
  * process limits = mean ± 2.66 × mean moving range; two-sigma lines = mean ± 2.66 × (2/3) × mean
    moving range; one-sigma lines with (1/3).
  * `@ExcludeMovingRangeOutliers BIT = 0`: moving ranges above 3.267 × their mean may be left out of the
    mean moving range used for the limits, but this is OFF by default (added in v2.1, "default setting
    is off").
  * `@SettingSpecialCauseShiftPoints INT = 7`: "the number of ... points in a row ... all above or all
    below the mean" (a point must be strictly above (>) or below (<) the mean, so a point ON the mean
    breaks the run); warning if the setting is not between 6 and 8.
  * `@SettingSpecialCauseTrendPoints INT = 7`: "the number of ... points in a row ... either all
    increasing or all decreasing, including endpoints" - points, not intervals: 7 points = 6 rises.
    Each point must be strictly greater (or less) than the one before, so a repeat breaks the trend.
  * two-to-three sigma rule: two or three of three consecutive points beyond the two-sigma line, all
    three on the same side of the mean; only the points beyond two sigma are flagged.
  * variation icon from the last point: improvement/concern by the metric's improvement direction;
    for a trend the side is the trend's direction (rising = high); 'Neither' metrics get neither
    high/low. A point triggering both improvement and concern rules is resolved by a per-metric
    conflict rule; the MDC single-chart Excel tool shows improvement (NHSRplotthedots issue #194).
  * assurance icon (Up metrics): target <= lower limit -> pass; target >= upper limit -> fail; between
    -> hit or miss (mirror for Down). v2.1 change log: "Updated [AssuranceIcon] to be a pass/fail when
    the target is on a process limit". No clamping of the lower limit at zero. A metric whose
    `[MetricImprovement]` is 'Neither' gets no assurance icon: there is no target assurance unless the
    improvement direction is up or down.
  * `@SettingMinimumPoints INT = 15`: fewer points and the chart is a run chart with no SPC elements (no
    limits, no icons). This is the product's default minimum (`spc_settings.DEFAULT_MINIMUM_POINTS`).
    `@SettingMinimumPointsPartition INT = 12` is the fewest points per step of a chart whose limits are
    recalculated: each segment after a process change, and a fixed baseline, needs that many
    (`SpcOptions.minimum_segment_points`). The MDC single-chart Excel tool draws limits from 13 points.
- NHSRplotthedots R/ptd_spc_standard.R (read for this release): `rebase_group = cumsum(rebase)`, then the mean,
  the moving ranges (within the group only, so the jump across a change is not one of them) and the limits are
  calculated per group, and each point is read against its own group's; `fix_after_n_points` keeps only the first
  n points of each group for the mean and moving ranges (`fix_y`), the limits then carried over the whole group.
  `spc_with_changes` does the same: a segment per process change, read on its own points, icons from the latest
  segment; and a baseline's months, within the segment that holds them, fix that segment's limits (a chosen
  period rather than the first n points). The chart without any recalculation is kept beside it (`original`), so a
  rebase can never hide a deterioration.
- nhs-r-community/NHSRplotthedots (R package), R/ptd_spc_standard.R: `limit <- 2.66`,
  `limitclose <- 2 * (limit / 3)`; moving ranges >= 3.267 × their mean are dropped when
  `screen_outliers`, which R/ptd_spc.R sets TRUE by default. R/ptd_calculate_point_type.R: seven-point
  shift (`relative_to_mean` must be non-zero, so points on the mean break runs) and seven-point trend
  (`sign(diff(y[i - 0:6]))`, seven points); a trend's side is its direction.
  R/ptd_add_short_group_warnings.R: warning below 12 points (a warning only: limits are still drawn).
  R/ptd_calculate_assurance_type.R: no assurance (NA) without a target or when `improvement_direction`
  is "neutral"; target > upper limit -> consistent fail (increase), < lower limit -> consistent pass;
  equal -> inconsistent (the MDC SQL treats equality as pass/fail; we follow MDC).
- NHSRplotthedots issue #194 (MDC team, Nov 2023): MDC changed the two-sigma rule so that ALL points
  beyond two sigma count, including those beyond the process limit; all three points must still be on
  the same side of the mean, and a third point that is not beyond two sigma is not flagged. We follow
  this current logic (the older SQL v2.4/v2.5 and NHSRplotthedots count only points between 2σ and 3σ).
- NHSRplotthedots issue #202 (Jan 2024): the MDC Excel tool lets the user choose 6 or 7 points for
  shifts and trends; NHSRplotthedots uses 7.

Run lengths: the product specification asks for 6 "as in NHS England's current tooling". The MDC Excel
tool offers 6 or 7 (NHSRplotthedots issue #202); NHSRplotthedots and the MDC SQL query default to 7.
The defaults below follow the specification (6 and 6); both are configurable in `SpcOptions`, so a
council that wants the seven-point rules sets them to 7.

Measures without an improvement direction (polarity `none` and `range`) get no assurance, as in both tools
above: a band target (`range`) is still rated against the band, but not given an assurance icon.

Choices made here, all documented: limits are never clamped (a lower limit below zero for a count or a
percentage is reported as computed, as the MDC SQL does); moving-range outliers are kept by default
(MDC SQL default); fewer than `minimum_points` values give no limits and no icons, never a guess; a
point that triggers both a high-side and a low-side rule takes the improvement side (MDC single-chart
tool), or the high side for measures with no improving direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from measures.domain.catalogue import POLARITIES, Target
from measures.domain.formatting import NEITHER_SIDE_TEXT, VARIATION_TEXT
from measures.domain.spc_settings import (
    DEFAULT_OPTIONS,
    SpcOptions,
)

LIMIT_CONSTANT = 2.66  # 3 / d2 with d2 = 1.128 for moving ranges of two points
TWO_SIGMA_CONSTANT = LIMIT_CONSTANT * 2 / 3
MOVING_RANGE_OUTLIER_CONSTANT = 3.267  # D4 for moving ranges of two points

# Monthly values in time order: a list, or the float array the chart is computed on.
Values = Sequence[float] | np.ndarray
Side = Literal["high", "low"]
# "no-reading": the figures are not monthly (a rolling or year-to-date figure that cannot be split into months),
# so SPC does not apply; the reason is the explanation.
Variation = Literal["common", "improvement", "concern", "neither", "insufficient", "no-reading"]
Assurance = Literal["pass", "fail", "hit-or-miss", "none"]


@dataclass(frozen=True)
class SpcPoint:
    """One value on the chart and the special-cause rules it is part of.

    `side` is "high" or "low" for a special-cause point (for a trend: its direction), else None.
    """

    value: float
    outside_limits: bool = False
    in_shift: bool = False
    in_trend: bool = False
    in_two_of_three: bool = False
    special_cause: bool = False
    side: Side | None = None
    # False when the point had no limits to be read against (too few months in its chart or segment).
    assessed: bool = True


@dataclass(frozen=True)
class SpcResult:
    """The XmR chart of a series: limits, per-point flags and the two summary icons.

    With fewer than `minimum_points` values, mean, moving range and limits are None, `variation` is
    "insufficient" and `assurance` is "none". `explanation` words the variation only (the assurance's sentence is
    `assurance_sentence`, added by an assessment that keeps the assurance). `variation_side` is the side ("high"
    or "low") of the last point when `variation` is special cause (for a trend, its direction), else None.
    """

    n: int
    mean: float | None
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    points: tuple[SpcPoint, ...]
    variation: Variation
    assurance: Assurance
    explanation: str
    variation_side: Side | None = None
    # Set by `spc_with_changes` only: each segment's limits (oldest first) and the whole series' chart read without
    # any recalculation or fixed baseline. The mean and limits above are then the latest segment's.
    segments: tuple[SpcSegment, ...] = ()
    original: SpcResult | None = None


@dataclass(frozen=True)
class SpcSegment:
    """One step of a chart whose limits are recalculated: points `start` to `stop` (exclusive) of the series, its
    mean and limits (None when the step has too few points), and `fixed_on`, the (start, stop) points its limits
    were fixed on when a baseline is set, else None."""

    start: int
    stop: int
    mean: float | None
    upper_limit: float | None
    lower_limit: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    fixed_on: tuple[int, int] | None = None


def no_reading(values: Values, reason: str) -> SpcResult:
    """Return the chart of figures that SPC does not apply to (not monthly figures): the points with no limits
    and no rule flags, variation "no-reading", assurance "none" and `reason` as the explanation. Raises
    ValueError if a value is not a finite number."""
    array = np.asarray(values, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError("values must not contain NaN or infinity: remove missing months first.")
    return SpcResult(
        n=int(array.size),
        mean=None,
        mean_moving_range=None,
        upper_limit=None,
        lower_limit=None,
        upper_two_sigma=None,
        lower_two_sigma=None,
        points=tuple(SpcPoint(value=float(value), assessed=False) for value in array),
        variation="no-reading",
        assurance="none",
        explanation=reason,
    )


def moving_range_mean(values: Values, exclude_outliers: bool = False) -> float:
    """Return the mean of the absolute differences between consecutive values.

    With `exclude_outliers`, moving ranges above 3.267 × that mean are left out and the mean is taken
    again (MDC SQL `@ExcludeMovingRangeOutliers`). Raises ValueError for fewer than two values.
    """
    array = np.asarray(values, dtype=float)
    if array.size < 2:
        raise ValueError("A moving range needs at least two values.")
    ranges = np.abs(np.diff(array))
    average = float(ranges.mean())
    if exclude_outliers:
        kept = ranges[ranges <= MOVING_RANGE_OUTLIER_CONSTANT * average]
        average = float(kept.mean())
    return average


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """Split `labels` into maximal runs of equal labels: (start, stop exclusive, label)."""
    if labels.size == 0:
        return []
    starts = np.concatenate(([0], np.flatnonzero(np.diff(labels) != 0) + 1))
    stops = np.concatenate((starts[1:], [labels.size]))
    return [(int(start), int(stop), int(labels[start])) for start, stop in zip(starts, stops, strict=True)]


def shift_points(values: Values, mean: float, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Return boolean arrays (high, low) marking points in a run of `length` or more on one side of `mean`.

    A point must be strictly above (high) or below (low) the mean; a point exactly on the mean belongs
    to neither side and breaks the run. Every point of a long enough run is marked.
    """
    array = np.asarray(values, dtype=float)
    relative = np.sign(array - mean).astype(int)
    high, low = np.zeros(array.size, dtype=bool), np.zeros(array.size, dtype=bool)
    for start, stop, label in _runs(relative):
        if label != 0 and stop - start >= length:
            (high if label > 0 else low)[start:stop] = True
    return high, low


def trend_points(values: Values, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Return boolean arrays (rising, falling) marking points in a trend of `length` or more points.

    Points are counted with both endpoints, so `length` points make `length - 1` consecutive moves,
    each strictly up (rising) or strictly down (falling); a repeated value breaks the trend. Every point
    of a long enough trend is marked; a peak or trough can end one trend and start another.
    """
    array = np.asarray(values, dtype=float)
    rising, falling = np.zeros(array.size, dtype=bool), np.zeros(array.size, dtype=bool)
    moves = np.sign(np.diff(array)).astype(int)
    for start, stop, label in _runs(moves):
        if label != 0 and stop - start + 1 >= length:
            # moves start..stop-1 join points start..stop
            (rising if label > 0 else falling)[start : stop + 1] = True
    return rising, falling


def two_of_three_points(
    values: Values, mean: float, upper_two_sigma: float, lower_two_sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return boolean arrays (high, low) marking points flagged by the two-of-three rule.

    In any three consecutive points that are all above the mean (or all below it), if two or three are
    strictly beyond the two-sigma line on that side (those beyond the process limit included), the
    points beyond the line are marked. A point exactly on the two-sigma line is not beyond it.
    """
    array = np.asarray(values, dtype=float)
    high, low = np.zeros(array.size, dtype=bool), np.zeros(array.size, dtype=bool)
    if array.size < 3:
        return high, low
    for beyond, same_side, marks in (
        (array > upper_two_sigma, array > mean, high),
        (array < lower_two_sigma, array < mean, low),
    ):
        windows_beyond = np.lib.stride_tricks.sliding_window_view(beyond, 3)
        windows_side = np.lib.stride_tricks.sliding_window_view(same_side, 3)
        firing = windows_side.all(axis=1) & (windows_beyond.sum(axis=1) >= 2)
        for start in np.flatnonzero(firing):
            marks[start : start + 3] |= beyond[start : start + 3]
    return high, low


def assurance_of(target: Target | None, lower_limit: float, upper_limit: float) -> Assurance:
    """Return whether the process limits show the target is met consistently.

    `at_least` low: lower limit >= low -> "pass"; upper limit <= low -> "fail"; else "hit-or-miss".
    `at_most` high: upper limit <= high -> "pass"; lower limit >= high -> "fail"; else "hit-or-miss".
    `band` low..high: both limits within the band -> "pass"; upper limit <= low or lower limit >= high
    -> "fail"; else "hit-or-miss". A target on a limit counts as pass/fail, as in the MDC SQL (v2.1).
    Returns "none" without a target.
    """
    if target is None:
        return "none"
    if target.kind == "at_least" and target.low is not None:
        if lower_limit >= target.low:
            return "pass"
        return "fail" if upper_limit <= target.low else "hit-or-miss"
    if target.kind == "at_most" and target.high is not None:
        if upper_limit <= target.high:
            return "pass"
        return "fail" if lower_limit >= target.high else "hit-or-miss"
    if target.kind == "band" and target.low is not None and target.high is not None:
        if target.low <= lower_limit and upper_limit <= target.high:
            return "pass"
        if upper_limit <= target.low or lower_limit >= target.high:
            return "fail"
        return "hit-or-miss"
    return "none"


def _run_length_at_end(flags: np.ndarray) -> int:
    """Return how many trailing entries of `flags` are True."""
    falses = np.flatnonzero(~flags)
    return int(flags.size if falses.size == 0 else flags.size - 1 - falses[-1])


def _explain_last_point(
    side: Side,
    variation: Variation,
    outside: np.ndarray,
    shift: np.ndarray,
    trend: np.ndarray,
    values: np.ndarray,
    mean: float,
) -> str:
    """Return the sentence naming the rule that makes the last point special cause, in the reader's words: it
    opens with the reading as the badges say it (`VARIATION_TEXT`, or `NEITHER_SIDE_TEXT` for a reading that is
    neither better nor worse), e.g. "Significant improvement: the latest month is above the upper process limit."

    Checked in the order: outside the limits, shift, trend; failing those it is the two-of-three rule.
    """
    reading = NEITHER_SIDE_TEXT[side] if variation == "neither" else VARIATION_TEXT[variation]
    opening = f"{reading}: "
    above = side == "high"
    if outside[-1]:
        limit = "upper" if above else "lower"
        return f"{opening}the latest month is {'above' if above else 'below'} the {limit} process limit."
    if shift[-1]:
        same_side = values > mean if above else values < mean
        count = _run_length_at_end(same_side)
        return f"{opening}the last {count} months are {'above' if above else 'below'} the average."
    if trend[-1]:
        moves = np.diff(values)
        count = _run_length_at_end(moves > 0 if above else moves < 0) + 1
        return f"{opening}the last {count} months {'rise' if above else 'fall'} one after another."
    # Otherwise the two-of-three rule (the only one left) marked the last point.
    limit = "upper" if above else "lower"
    return f"{opening}two of the last three months are close to or beyond the {limit} process limit."


_ASSURANCE_SENTENCES = {
    "pass": "The whole range between the process limits meets the target ({target}), so it should be met consistently.",
    "fail": "The target ({target}) lies at or beyond the process limits, so it will not be met without a change.",
    "hit-or-miss": "The target ({target}) lies between the process limits, so it will be met in some months "
    "and missed in others.",
}


def assurance_sentence(assurance: Assurance, target: Target | None) -> str:
    """Return the assurance in one sentence naming the target ("The target (at least 90%) lies at or beyond the
    process limits, so it will not be met without a change."), or "" for assurance "none" or no target.
    Raises nothing."""
    if assurance == "none" or target is None:
        return ""
    return _ASSURANCE_SENTENCES[assurance].format(target=target.describe())


def spc(
    values: Sequence[float],
    polarity: str,
    target: Target | None,
    options: SpcOptions = DEFAULT_OPTIONS,
    limits_on: tuple[int, int] | None = None,
) -> SpcResult:
    """Return the XmR chart of `values` (one per month, in time order, missing months already removed).

    With `limits_on` (start, stop), the mean and limits are calculated from those points only (a fixed baseline)
    and every point is read against them; fewer than `minimum_points` baseline points give no limits.

    Special-cause rules: (1) a point outside the process limits; (2) a shift of `shift_length` or more
    points on one side of the mean; (3) a trend of `trend_length` or more points each strictly above or
    below the one before; (4) if `two_of_three`, two of three consecutive points beyond a two-sigma line,
    all three on that side of the mean. The variation icon comes from the last point: a high-side special
    cause is "improvement" for polarity `higher` and "concern" for `lower` (low side: the reverse),
    "neither" for `range` and `none`; otherwise "common". Assurance compares `target` with the process
    limits (see `assurance_of`) only for a measure with an improvement direction (`higher` or `lower`): for
    `range` and `none` it is "none", as NHS England's SQL tool and NHSRplotthedots give no assurance for a
    metric with no improvement direction. `variation_side` is the last point's side when it is special
    cause, so that "neither" can say "unusually high" or "unusually low". With fewer than `minimum_points`
    values there are no limits and variation is "insufficient", assurance "none". `explanation` words the
    variation only; `assurance_sentence` words the assurance.

    Raises ValueError if `polarity` is unknown, `values` is not one-dimensional, or a value is NaN or
    infinite.
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}, not {polarity!r}.")
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError("values must be a one-dimensional sequence of numbers.")
    if not np.isfinite(array).all():
        raise ValueError("values must not contain NaN or infinity: remove missing months first.")
    n = int(array.size)
    basis = array if limits_on is None else array[limits_on[0] : limits_on[1]]
    if basis.size < options.minimum_points:
        return SpcResult(
            n=n,
            mean=None,
            mean_moving_range=None,
            upper_limit=None,
            lower_limit=None,
            upper_two_sigma=None,
            lower_two_sigma=None,
            points=tuple(SpcPoint(value=float(value), assessed=False) for value in array),
            variation="insufficient",
            assurance="none",
            explanation=f"Fewer than {options.minimum_points} months of data: no SPC judgement yet.",
        )

    mean = float(basis.mean())
    average_range = moving_range_mean(basis, options.exclude_moving_range_outliers)
    upper_limit, lower_limit = mean + LIMIT_CONSTANT * average_range, mean - LIMIT_CONSTANT * average_range
    upper_two, lower_two = mean + TWO_SIGMA_CONSTANT * average_range, mean - TWO_SIGMA_CONSTANT * average_range

    outside_high, outside_low = array > upper_limit, array < lower_limit
    shift_high, shift_low = shift_points(array, mean, options.shift_length)
    rising, falling = trend_points(array, options.trend_length)
    if options.two_of_three:
        cluster_high, cluster_low = two_of_three_points(array, mean, upper_two, lower_two)
    else:
        cluster_high = cluster_low = np.zeros(n, dtype=bool)
    high = outside_high | shift_high | rising | cluster_high
    low = outside_low | shift_low | falling | cluster_low
    preferred: Side = "low" if polarity == "lower" else "high"

    points = []
    for index in range(n):
        if high[index] and low[index]:
            side: Side | None = preferred
        elif high[index]:
            side = "high"
        elif low[index]:
            side = "low"
        else:
            side = None
        points.append(
            SpcPoint(
                value=float(array[index]),
                outside_limits=bool(outside_high[index] or outside_low[index]),
                in_shift=bool(shift_high[index] or shift_low[index]),
                in_trend=bool(rising[index] or falling[index]),
                in_two_of_three=bool(cluster_high[index] or cluster_low[index]),
                special_cause=side is not None,
                side=side,
            )
        )

    last_side = points[-1].side
    variation: Variation
    if last_side is None:
        variation = "common"
        explanation = (
            "No significant change: the latest month is within the process limits and is not part of a run "
            "on one side of the average, a trend or a cluster near a limit."
        )
    else:
        if polarity in ("higher", "lower"):
            improving: Side = "high" if polarity == "higher" else "low"
            variation = "improvement" if last_side == improving else "concern"
        else:
            variation = "neither"
        on_side = last_side == "high"
        explanation = _explain_last_point(
            last_side,
            variation,
            outside_high if on_side else outside_low,
            shift_high if on_side else shift_low,
            rising if on_side else falling,
            array,
            mean,
        )

    # The explanation is the variation only: the assurance may yet be dropped (an assessment whose newest figure is
    # older than the rating window has none), so its sentence is added by whoever keeps it (`assurance_sentence`).
    assurance = assurance_of(target, lower_limit, upper_limit) if polarity in ("higher", "lower") else "none"

    return SpcResult(
        n=n,
        mean=mean,
        mean_moving_range=average_range,
        upper_limit=upper_limit,
        lower_limit=lower_limit,
        upper_two_sigma=upper_two,
        lower_two_sigma=lower_two,
        points=tuple(points),
        variation=variation,
        assurance=assurance,
        explanation=explanation,
        variation_side=last_side,
    )


def spc_with_changes(
    values: Sequence[float],
    polarity: str,
    target: Target | None,
    options: SpcOptions = DEFAULT_OPTIONS,
    starts: Sequence[int] = (),
    baseline: tuple[int, int] | None = None,
) -> SpcResult:
    """Return the XmR chart of `values` with its mean and limits recalculated from each index in `starts` (a
    process change) and, with `baseline` (start, stop), fixed on those points in the segment that holds them.

    Each segment is read by `spc` on its own points, with `options.minimum_segment_points` as its minimum; the
    result's points are every segment's in order, its mean, limits, variation, assurance and explanation the
    latest segment's, `segments` each segment's limits and `original` the chart of the whole series as `spc`
    reads it without any change. Starts at 0, beyond the series or repeated are ignored; without starts or
    baseline this is `spc`. Raises ValueError as `spc` does.
    """
    n = len(values)
    cuts = sorted({int(start) for start in starts if 0 < int(start) < n})
    if not cuts and baseline is None:
        return spc(values, polarity, target, options)
    original = spc(values, polarity, target, options)
    step_options = replace(options, minimum_points=options.minimum_segment_points)
    bounds = list(zip([0, *cuts], [*cuts, n], strict=True))
    segments: list[SpcSegment] = []
    points: list[SpcPoint] = []
    latest: SpcResult | None = None
    for start, stop in bounds:
        fixed: tuple[int, int] | None = None
        if baseline is not None and max(start, baseline[0]) < min(stop, baseline[1]):
            fixed = (max(start, baseline[0]), min(stop, baseline[1]))
        local = None if fixed is None else (fixed[0] - start, fixed[1] - start)
        latest = spc(list(values[start:stop]), polarity, target, step_options, limits_on=local)
        points.extend(latest.points)
        segments.append(
            SpcSegment(
                start=start,
                stop=stop,
                mean=latest.mean,
                upper_limit=latest.upper_limit,
                lower_limit=latest.lower_limit,
                upper_two_sigma=latest.upper_two_sigma,
                lower_two_sigma=latest.lower_two_sigma,
                fixed_on=fixed if latest.mean is not None else None,
            )
        )
    assert latest is not None  # at least one segment: n > 0 whenever there is a cut or a baseline
    explanation = latest.explanation
    if latest.variation == "insufficient" and len(bounds) > 1:
        explanation = (
            f"Fewer than {step_options.minimum_points} months since the limits were last recalculated: "
            "no SPC judgement yet."
        )
    return replace(
        latest, n=n, points=tuple(points), explanation=explanation, segments=tuple(segments), original=original
    )
