"""Whether a measure moved after an improvement action was completed: the impact reading.

The limits are fixed on the months up to and including the completion month (a fixed baseline, as
NHSRplotthedots' `fix_after_n_points` fixes them on the first points), starting at the measure's latest process
change at or before it; then each month after it is read against them with the measure's own SPC rules: a month
beyond the baseline's process limits, or a run of `shift_length` months strictly on one side of the baseline's
average (a month on the average breaks the run). The latest month any rule marks gives the reading, in the
measure's polarity. The baseline needs `SpcOptions.minimum_segment_points` months (NHS England MDC SQL's
`@SettingMinimumPointsPartition`, 12), else there is no reading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import numpy as np

from measures.assessment.spc import LIMIT_CONSTANT, moving_range_mean, shift_points
from measures.domain.catalogue import Measure
from measures.domain.impact_reading import IMPACT_KINDS, ImpactKind, ImpactReading, ImpactRule

__all__ = ["IMPACT_KINDS", "ImpactReading", "impact_since"]


def _baseline_start(measure: Measure, completed: str) -> str | None:
    """The latest month the measure's process changed at or before `completed`, or None."""
    starts = [change.period for change in measure.process_changes if change.period <= completed]
    return max(starts) if starts else None


def _run_ending_at(flags: np.ndarray, index: int) -> int:
    """How many consecutive entries of `flags` are True, ending at `index`."""
    length = 0
    while index - length >= 0 and flags[index - length]:
        length += 1
    return length


def _distance_to_band(value: float, low: float, high: float) -> float:
    """How far `value` lies outside the band low..high (0 inside it)."""
    return max(low - value, 0.0, value - high)


def _kind_for(
    measure: Measure, side: str, baseline_mean: float, level_after: float, as_at: str
) -> tuple[ImpactKind, bool]:
    """The reading of a special cause on `side` (its months averaging `level_after`), and whether the measure has a
    better direction for it."""
    if measure.polarity == "higher":
        return ("improvement" if side == "high" else "concern"), True
    if measure.polarity == "lower":
        return ("improvement" if side == "low" else "concern"), True
    target = measure.target_for(as_at)
    if measure.polarity == "range" and target is not None and target.low is not None and target.high is not None:
        # Nearer the band than the baseline's average is better, further from it (out of it, or past it to the other
        # side) is worse; a change that stays inside the band has no better side.
        before = _distance_to_band(baseline_mean, target.low, target.high)
        after = _distance_to_band(level_after, target.low, target.high)
        if after < before:
            return "improvement", True
        if after > before:
            return "concern", True
    return "no_change", False


def impact_since(
    measure: Measure,
    periods: Sequence[str],
    values: Sequence[float | None],
    completed: str,
    as_at: str,
) -> ImpactReading:
    """Return what `measure`'s monthly figures (`values`, one per month of `periods`, None or NaN for a month
    without a figure) show since the action completed in `completed` (YYYY-MM), reading the months up to `as_at`.

    Kinds: "no_baseline" when the measure's figures are not monthly or fewer than `minimum_segment_points` figures
    lie between its latest process change (if any) and `completed`; "too_soon" when no figure follows `completed`;
    "improvement" / "concern" when a month after it is beyond the baseline's process limits or in a run of
    `shift_length` months on one side of the baseline average (the latest such month decides, in the measure's
    polarity; for a `range` measure, towards the target band from outside it is improvement); otherwise
    "no_change" (also, with a `side`, for a special cause on a measure with no better direction). Raises
    ValueError if `periods` and `values` differ in length.
    """
    if len(periods) != len(values):
        raise ValueError("periods and values must have the same length.")
    options = measure.spc
    minimum = options.minimum_segment_points
    if measure.basis != "month":
        return ImpactReading("no_baseline", completed, 0, 0, None, None, minimum_baseline=minimum, monthly=False)
    series = sorted(
        (period, float(value))
        for period, value in zip(periods, values, strict=True)
        if value is not None and math.isfinite(float(value)) and period <= as_at
    )
    start = _baseline_start(measure, completed)
    baseline = np.array(
        [value for period, value in series if period <= completed and (start is None or period >= start)]
    )
    after = np.array([value for period, value in series if period > completed])
    if baseline.size < minimum:
        return ImpactReading(
            "no_baseline",
            completed,
            int(after.size),
            0,
            None,
            None,
            baseline_points=int(baseline.size),
            minimum_baseline=minimum,
        )
    mean = float(baseline.mean())
    average_range = moving_range_mean(baseline, options.exclude_moving_range_outliers)
    upper, lower = mean + LIMIT_CONSTANT * average_range, mean - LIMIT_CONSTANT * average_range
    reading = ImpactReading(
        "no_change",
        completed,
        int(after.size),
        0,
        None,
        mean,
        baseline_points=int(baseline.size),
        minimum_baseline=minimum,
        upper_limit=upper,
        lower_limit=lower,
    )
    if after.size == 0:
        return replace(reading, kind="too_soon")
    beyond_high, beyond_low = after > upper, after < lower
    shift_high, shift_low = shift_points(after, mean, options.shift_length)
    marked = np.flatnonzero(beyond_high | beyond_low | shift_high | shift_low)
    if marked.size == 0:
        return reading
    last = int(marked[-1])
    high = bool(beyond_high[last] or shift_high[last])
    shift = shift_high if high else shift_low
    beyond = beyond_high if high else beyond_low
    rule: ImpactRule
    if shift[last]:
        rule, run = "shift", _run_ending_at(shift, last)
        level_after = float(after[last - run + 1 : last + 1].mean())
    else:
        rule, run = "limit", int(beyond.sum())
        level_after = float(after[beyond].mean())
    side: Literal["high", "low"] = "high" if high else "low"
    kind, directional = _kind_for(measure, side, mean, level_after, as_at)
    return replace(reading, kind=kind, run=run, side=side, rule=rule, directional=directional)
