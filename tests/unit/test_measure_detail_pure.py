"""The measure page computed from inputs built here, with no database: `measure_detail` over `MeasureInputs`."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from measures.assessment import assess_measure
from measures.domain.catalogue import Measure, Target
from measures.domain.spc_settings import SpcOptions
from measures.views.measure import MeasureInputs, measure_detail

MONTHS_2022 = [f"2022-{month:02d}" for month in range(1, 13)]
# See tests/unit/test_assess_measure.py: limits 8.22 to 16.44, the last seven points above the mean of 12.33.
SHIFT_OF_SEVEN = [10, 12, 10, 12, 10, 13, 14, 13, 14, 13, 14, 13]
MEASURE = Measure(
    ref="1.1",
    area=1,
    title="Referrals acted on in time",
    short_title="Referrals in time",
    unit="percent",
    polarity="higher",
    decimals=1,
    target=Target(kind="at_least", low=12, tolerance=1),
    spc=SpcOptions(minimum_points=12),  # SHIFT_OF_SEVEN is twelve months, worked by hand
)
COLUMNS = ["ref", "period", "numerator", "denominator", "value", "status", "note", "synthetic"]


def inputs(measure: Measure, rows: list[tuple[str, float | None, str]]) -> MeasureInputs:
    service = pd.DataFrame(
        [
            {
                "ref": measure.ref,
                "period": period,
                "numerator": None,
                "denominator": None,
                "value": value,
                "status": status,
                "note": "",
                "synthetic": False,
            }
            for period, value, status in rows
        ],
        columns=COLUMNS,
    )
    return MeasureInputs(measure, None, service, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), False)


HISTORY = [(period, float(value), "ok") for period, value in zip(MONTHS_2022, SHIFT_OF_SEVEN, strict=True)]


def test_a_tbc_month_reads_the_spc_up_to_the_month_before():
    detail = measure_detail(inputs(MEASURE, [*HISTORY, ("2023-01", None, "tbc")]), "2023-01")
    assert detail.assessment.reading_up_to == "2022-12" and detail.spc_periods[-1] == "2022-12"
    assert detail.summary == (
        "Referrals in time: the January 2023 figure is to be confirmed (TBC); the latest figure is 13.0% for "
        "December 2022, meeting the target of at least 12. Reading up to December 2022 (the latest month with a "
        "figure), the chart shows significant improvement: the last 7 months are above the average. The target "
        "(at least 12) lies between the process limits, so it will be met in some months and missed in others."
    )


def test_the_detail_carries_the_assessment_of_assess_measure():
    detail = measure_detail(inputs(MEASURE, HISTORY), "2022-12")
    assert detail.assessment == assess_measure(MEASURE, detail.series, "2022-12")
    assert (detail.direction, detail.judgement, detail.rag) == ("down", "worse", "green")
    assert detail.spc is detail.assessment.spc and len(detail.spc_points) == detail.assessment.spc_points == 12


def test_too_few_months_names_the_measures_own_minimum():
    rows = HISTORY[-2:]
    default = measure_detail(inputs(replace(MEASURE, spc=SpcOptions()), rows), "2022-12")
    assert default.summary.endswith(
        "Too few months to judge yet: the SPC chart needs at least 15 monthly figures and there are 2."
    )
    own = replace(MEASURE, spc=SpcOptions(minimum_points=13))
    detail = measure_detail(inputs(own, HISTORY), "2022-12")
    assert detail.spc.variation == "insufficient"
    assert detail.summary.endswith(
        "Too few months to judge yet: the SPC chart needs at least 13 monthly figures and there are 12."
    )


def test_nothing_after_the_month_is_used():
    later = inputs(MEASURE, [*HISTORY, ("2023-01", 0.0, "ok")])
    assert measure_detail(later, "2022-12").assessment == measure_detail(inputs(MEASURE, HISTORY), "2022-12").assessment
    assert measure_detail(later, "2022-12").available_periods[-1] == "2023-01"


def test_a_malformed_month_is_refused():
    with pytest.raises(ValueError):
        measure_detail(inputs(MEASURE, HISTORY), "2022-13")


def test_a_year_to_date_count_is_charted_on_its_derived_monthly_figures():
    from dashboard.components.charts.spc_chart import chart_reading, point_reading, spc_figure

    # Monthly counts 10, 12, 10, ... from April 2021 to August 2022 (17 months), reported year to date: 10, 22, 32,
    # ... to 106 in March 2022, then 10 in April 2022 (a new financial year), 22, 32, 44, 54 in August 2022.
    measure = replace(MEASURE, unit="count", decimals=0, basis="year-to-date", target=None, spc=SpcOptions())
    periods = [f"2021-{m:02d}" for m in range(4, 13)] + [f"2022-{m:02d}" for m in range(1, 9)]
    monthly = [10.0 if index % 2 == 0 else 12.0 for index in range(len(periods))]
    rows, total = [], 0.0
    for period, count in zip(periods, monthly, strict=True):
        total = count if period.endswith("-04") else total + count
        rows.append((period, total, "ok"))
    detail = measure_detail(inputs(measure, rows), "2022-08")
    assert detail.current.value == 54.0  # the figure shown is the year to date
    assert [point.value for _, point in detail.spc_points] == monthly
    # The chart's points are the monthly figures, not the year-to-date ones, and say so.
    figure = spc_figure(detail)
    plotted = sorted(
        y for trace in figure["data"] if trace.get("mode") == "markers" for y in trace["y"] if y is not None
    )
    assert plotted == sorted(monthly)
    assert chart_reading(detail).endswith("SPC is read on the monthly figures derived from the year-to-date counts.")
    assert point_reading(detail, detail.spc.points[-1]) == "Normal variation"
    assert detail.summary.endswith(
        "SPC is read on the monthly figures derived from the year-to-date counts. No significant change: the latest "
        "month is within the process limits and is not part of a run on one side of the average, a trend or a cluster "
        "near a limit."
    )
    # Year-to-date figures are never averaged: the card shows the latest, and there is no recent average.
    assert (detail.year_to_date.method, detail.year_to_date.value, detail.recent_average) == ("latest", 54.0, None)


def test_a_rolling_year_measure_is_charted_without_an_average_or_limits_and_says_why():
    from dashboard.components.charts.spc_chart import (
        NO_READING_LEGEND,
        NO_READING_POINT,
        chart_reading,
        point_reading,
        spc_figure,
    )

    rolling = replace(MEASURE, basis="rolling-12", spc=SpcOptions())
    rows = [*HISTORY, *[(f"2023-{m:02d}", 14.0, "ok") for m in range(1, 7)]]  # 18 months: enough for SPC otherwise
    detail = measure_detail(inputs(rolling, rows), "2023-06")
    reason = "No SPC reading: a rolling 12-month figure overlaps month to month, so its points are not independent."
    assert (detail.spc.variation, detail.spc.mean, chart_reading(detail)) == ("no-reading", None, reason)
    assert {point_reading(detail, point) for _, point in detail.spc_points} == {NO_READING_POINT}
    names = [trace.get("name") for trace in spc_figure(detail)["data"]]
    assert NO_READING_LEGEND in names and not any(str(name).startswith("Average") for name in names)
    assert reason in detail.summary and "average of the previous" not in detail.summary
