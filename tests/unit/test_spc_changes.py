"""SPC with limits recalculated at a process change, and fixed on a baseline, checked against hand-worked limits.

Series used (24 months): twelve months alternating 10, 12 then twelve alternating 20, 23, a change at month 13.

Segment 1 (points 1-12): mean = (6 × 10 + 6 × 12) / 12 = 11; eleven moving ranges of 2, mean moving range 2;
limits 11 ± 2.66 × 2 = 5.68 to 16.32; two-sigma lines 11 ± 1.7733 × 2 = 7.4533 to 14.5467.
Segment 2 (points 13-24): mean = (6 × 20 + 6 × 23) / 12 = 21.5; eleven moving ranges of 3, mean moving range 3;
limits 21.5 ± 2.66 × 3 = 13.52 to 29.48.
Without the recalculation (all 24): mean = (132 + 258) / 24 = 16.25; moving ranges: 11 of 2, one of |20 − 12| = 8,
11 of 3, mean (22 + 8 + 33) / 23 = 63 / 23 = 2.73913; limits 16.25 ± 7.28609 = 8.96391 to 23.53609. The last twelve
points are all above 16.25, so the unrecalculated chart reads a shift (a concern for lower-is-better), while the
recalculated one reads common cause in the latest segment.
"""

from __future__ import annotations

import pandas as pd
import pytest

from measures.assessment.assess import assess_all
from measures.assessment.spc import spc_with_changes
from measures.domain.catalogue import Baseline, Measure, ProcessChange, Target, TargetChange
from measures.domain.periods import period_range

SERIES = [10.0, 12.0] * 6 + [20.0, 23.0] * 6


def test_each_segment_has_its_hand_worked_mean_and_limits() -> None:
    chart = spc_with_changes(SERIES, "lower", None, starts=[12])
    first, second = chart.segments
    assert (first.start, first.stop, second.start, second.stop) == (0, 12, 12, 24)
    assert first.mean == pytest.approx(11.0)
    assert (first.lower_limit, first.upper_limit) == (pytest.approx(5.68), pytest.approx(16.32))
    assert (first.lower_two_sigma, first.upper_two_sigma) == (
        pytest.approx(7.45333, abs=1e-4),
        pytest.approx(14.54667, abs=1e-4),
    )
    assert second.mean == pytest.approx(21.5)
    assert (second.lower_limit, second.upper_limit) == (pytest.approx(13.52), pytest.approx(29.48))
    # The reading and its limits are the latest segment's.
    assert (chart.mean, chart.upper_limit, chart.variation, chart.n) == (
        pytest.approx(21.5),
        pytest.approx(29.48),
        "common",
        24,
    )
    assert not any(point.special_cause for point in chart.points[12:])


def test_the_original_view_is_kept_and_shows_what_the_recalculation_would_hide() -> None:
    chart = spc_with_changes(SERIES, "lower", None, starts=[12])
    assert chart.original is not None
    assert chart.original.mean == pytest.approx(16.25)
    assert chart.original.mean_moving_range == pytest.approx(63 / 23)
    assert chart.original.upper_limit == pytest.approx(16.25 + 2.66 * 63 / 23)
    assert chart.original.lower_limit == pytest.approx(16.25 - 2.66 * 63 / 23)
    assert chart.original.variation == "concern"


def test_a_segment_shorter_than_twelve_months_has_no_limits_and_says_why() -> None:
    chart = spc_with_changes(SERIES[:23], "higher", None, starts=[12])
    assert chart.segments[1].mean is None
    assert chart.variation == "insufficient"
    assert "Fewer than 12 months since the limits were last recalculated" in chart.explanation
    assert chart.segments[0].mean == pytest.approx(11.0)
    assert all(point.assessed for point in chart.points[:12]) and not any(point.assessed for point in chart.points[12:])


def test_limits_fixed_on_a_baseline_read_the_later_months_against_it() -> None:
    # Fixed on points 1-12 (mean 11, limits 5.68 to 16.32): the later 20s and 23s are all above the upper limit.
    chart = spc_with_changes(SERIES, "higher", None, baseline=(0, 12))
    (segment,) = chart.segments
    assert segment.fixed_on == (0, 12)
    assert (segment.mean, segment.lower_limit, segment.upper_limit) == (
        pytest.approx(11.0),
        pytest.approx(5.68),
        pytest.approx(16.32),
    )
    assert all(point.outside_limits for point in chart.points[12:])
    assert chart.variation == "improvement"


def test_no_change_and_no_baseline_is_the_plain_chart() -> None:
    chart = spc_with_changes(SERIES, "higher", None, starts=[0, 24, 99])
    assert chart.segments == () and chart.original is None
    assert chart.mean == pytest.approx(16.25)


def _series_frame(values: list[float], first: str) -> pd.DataFrame:
    months = period_range(first, "2099-12")[: len(values)]
    return pd.DataFrame(
        {"ref": "1.1", "period": months, "value": values, "status": "ok", "numerator": None, "denominator": None}
    )


def test_an_assessment_reads_the_measure_s_process_change_and_the_target_in_force() -> None:
    measure = Measure(
        ref="1.1",
        area=1,
        title="t",
        short_title="t",
        unit="count",
        polarity="lower",
        target=Target(kind="at_most", high=15.0),
        process_changes=(ProcessChange("2021-01", "New front door"),),
        target_history=(
            TargetChange("1900-01", Target(kind="at_most", high=25.0)),
            TargetChange("2022-01", Target(kind="at_most", high=15.0)),
        ),
    )
    frame = _series_frame(SERIES, "2020-01")  # the change month 2021-01 is the 13th point
    (as_at_end,) = assess_all([measure], frame, "2021-12", window=3)
    assert as_at_end.spc.mean == pytest.approx(21.5)
    assert as_at_end.variation == "common"
    assert as_at_end.spc.original is not None and as_at_end.spc.original.variation == "concern"
    # December 2021's 23 is rated against the target then in force (at most 25), not the later one (at most 15).
    assert as_at_end.rag == "green"
    later = frame.assign(period=period_range("2020-02", "2022-01"))
    (january,) = assess_all([measure], later, "2022-01", window=3)
    assert january.rag == "red"


def test_an_assessment_fixes_limits_on_the_measure_s_baseline() -> None:
    measure = Measure(
        ref="1.1",
        area=1,
        title="t",
        short_title="t",
        unit="count",
        polarity="higher",
        baseline=Baseline("2020-01", "2020-12", "Before the new service"),
    )
    (assessment,) = assess_all([measure], _series_frame(SERIES, "2020-01"), "2021-12", window=3)
    assert assessment.spc.upper_limit == pytest.approx(16.32)
    assert assessment.variation == "improvement"
