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
        "December 2022, meeting the target of at least 12. Up to December 2022 (the latest month with a figure) "
        "the chart shows special cause (improvement): the last 7 points are above the average. The target "
        "(at least 12) lies between the process limits, so it will be met in some months and missed in others."
    )


def test_the_detail_carries_the_assessment_of_assess_measure():
    detail = measure_detail(inputs(MEASURE, HISTORY), "2022-12")
    assert detail.assessment == assess_measure(MEASURE, detail.series, "2022-12")
    assert (detail.direction, detail.judgement, detail.rag) == ("down", "worse", "green")
    assert detail.spc is detail.assessment.spc and len(detail.spc_points) == detail.assessment.spc_points == 12


def test_too_few_months_names_the_measures_own_minimum():
    rows = HISTORY[-2:]
    default = measure_detail(inputs(MEASURE, rows), "2022-12")
    assert default.summary.endswith(
        "Too few months for a reliable trend: the SPC chart needs at least 12 monthly figures and there are 2."
    )
    own = replace(MEASURE, spc=SpcOptions(minimum_points=13))
    detail = measure_detail(inputs(own, HISTORY), "2022-12")
    assert detail.spc.variation == "insufficient"
    assert detail.summary.endswith(
        "Too few months for a reliable trend: the SPC chart needs at least 13 monthly figures and there are 12."
    )


def test_nothing_after_the_month_is_used():
    later = inputs(MEASURE, [*HISTORY, ("2023-01", 0.0, "ok")])
    assert measure_detail(later, "2022-12").assessment == measure_detail(inputs(MEASURE, HISTORY), "2022-12").assessment
    assert measure_detail(later, "2022-12").available_periods[-1] == "2023-01"


def test_a_malformed_month_is_refused():
    with pytest.raises(ValueError):
        measure_detail(inputs(MEASURE, HISTORY), "2022-13")
