"""assess_period: one row per measure for a month, and its JSON-safe records."""

import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from measures.assessment import ASSESSMENT_COLUMNS, assess_all, assess_period, assessment_records
from measures.domain.catalogue import Measure, Target
from measures.domain.periods import previous_period
from measures.domain.spc_settings import SpcOptions

NAN = float("nan")


def make_measure(ref: str, unit: str, polarity: str, decimals: int, target: Target | None = None) -> Measure:
    return Measure(
        ref=ref,
        area=int(ref.split(".")[0]),
        title=f"Measure {ref}",
        short_title=ref,
        unit=unit,  # type: ignore[arg-type]
        polarity=polarity,  # type: ignore[arg-type]
        decimals=decimals,
        target=target,
        # The series below are worked by hand over twelve months, so they are read with a minimum of 12 (the
        # default of 15 is tested in test_assess_measure.py).
        spc=SpcOptions(minimum_points=12),
    )


def row(ref, period, value, status="ok", numerator=NAN, denominator=NAN) -> dict:
    return {
        "ref": ref,
        "period": period,
        "value": value,
        "status": status,
        "numerator": numerator,
        "denominator": denominator,
    }


MONTHS_2022 = [f"2022-{month:02d}" for month in range(1, 13)]
# A shift of seven above the mean ending in 2022-12 (see test_assessment_spc.SHIFT_OF_SEVEN):
# mean 12.33, limits 8.22..16.44. If the 2023-01 value of 0 were (wrongly) included it would sit below
# the lower limit and the icon would become a concern.
SHIFT_OF_SEVEN = [10, 12, 10, 12, 10, 13, 14, 13, 14, 13, 14, 13]

MEASURES = [
    make_measure("1.1", "percent", "higher", 1, Target(kind="at_least", low=12, tolerance=1)),
    make_measure("2.2", "average", "range", 1, Target(kind="band", low=16, high=20)),
    make_measure("2.6", "percent", "higher", 1),
    make_measure("3.4", "percent", "higher", 1),
    make_measure("4.1", "count", "none", 0),
    make_measure("8.2", "percent", "higher", 1),
    make_measure("10.2", "percent", "higher", 1, Target(kind="at_least", low=90)),
]

SERIES = pd.DataFrame(
    [row("1.1", month, value) for month, value in zip(MONTHS_2022, SHIFT_OF_SEVEN, strict=True)]
    + [
        row("1.1", "2023-01", 0.0),  # after the period assessed: never used
        row("2.2", "2022-12", 17.24),  # shows as 17.2, like November
        row("2.2", "2022-11", 17.2),
        row("2.6", "2022-11", 50.0),
        row("2.6", "2022-12", NAN, "tbc"),
        row("3.4", "2022-12", 0.0, "new"),  # a zero typed against a new measure is not a value
        row("8.2", "2022-10", 75.0, numerator=3, denominator=4),
        row("8.2", "2022-12", 75.0, numerator=3, denominator=4),  # November is missing
        row("10.2", "2022-12", 89.96, numerator=2249, denominator=2500),
        row("99.9", "2022-12", 1.0),  # not in the measures: ignored
    ]
).sample(frac=1.0, random_state=7)  # the order of the rows must not matter


@pytest.fixture(scope="module")
def december():
    return assess_period(MEASURES, SERIES, "2022-12").set_index("ref")


def test_one_row_per_measure_in_the_order_given_with_the_agreed_columns():
    result = assess_period(MEASURES, SERIES, "2022-12")
    assert list(result.columns) == list(ASSESSMENT_COLUMNS)
    assert list(result["ref"]) == [measure.ref for measure in MEASURES]
    assert set(result["period"]) == {"2022-12"}


def test_a_full_row(december):
    assert december.loc["1.1"].to_dict() == {
        "period": "2022-12",
        "value": 13.0,
        "previous": 14.0,
        "direction": "down",
        "judgement": "worse",
        "rag": "green",
        "variation": "improvement",
        "assurance": "hit-or-miss",  # limits 8.22..16.44 straddle the target of 12
        "status": "ok",
        "small_denominator": False,
        "spc_points": 12,
        "explanation": "Significant improvement: the last 7 months are above the average. The target "
        "(at least 12) lies between the process limits, so it will be met in some months and missed in others.",
        "variation_side": "high",
        "basis": "month",
        "spc_on": "figures",
        "as_of": "2022-12",  # the month's own figure is rated
    }


def test_spc_uses_nothing_after_the_period():
    january = assess_period(MEASURES, SERIES, "2023-01").set_index("ref")
    assert (january.loc["1.1", "spc_points"], january.loc["1.1", "variation"]) == (13, "concern")
    november = assess_period(MEASURES, SERIES, "2022-11").set_index("ref")
    assert (november.loc["1.1", "spc_points"], november.loc["1.1", "variation"]) == (11, "insufficient")


def test_changes_are_judged_at_display_precision(december):
    assert december.loc["2.2", ["direction", "judgement", "rag"]].tolist() == ["flat", "same", "green"]


def test_tbc_is_never_zero(december):
    tbc = december.loc["2.6"]
    assert math.isnan(tbc["value"])
    assert (tbc["previous"], tbc["direction"], tbc["judgement"], tbc["status"]) == (50.0, "none", "none", "tbc")
    assert tbc["spc_points"] == 1


def test_new_is_never_zero(december):
    new = december.loc["3.4"]
    assert math.isnan(new["value"])
    assert (new["direction"], new["status"], new["spc_points"]) == ("none", "new", 0)


def test_a_measure_without_rows_is_missing(december):
    missing = december.loc["4.1"]
    assert math.isnan(missing["value"]) and math.isnan(missing["previous"])
    assert missing[["direction", "judgement", "rag", "variation", "assurance", "status"]].tolist() == [
        "none",
        "none",
        "none",
        "insufficient",
        "none",
        "missing",
    ]
    assert (missing["small_denominator"], missing["spc_points"]) == (False, 0)


def test_previous_is_the_previous_calendar_month_only(december):
    gap = december.loc["8.2"]
    assert math.isnan(gap["previous"])  # October is two months back
    assert (gap["value"], gap["direction"], gap["small_denominator"], gap["spc_points"]) == (75.0, "none", True, 2)


def test_rag_uses_the_value_as_displayed(december):
    assert december.loc["10.2", "rag"] == "green"  # 89.96 shows as 90.0, which meets "at least 90"


def test_result_types():
    result = assess_period(MEASURES, SERIES, "2022-12")
    assert result["value"].dtype == np.float64
    assert result["previous"].dtype == np.float64
    assert result["small_denominator"].dtype == bool
    assert result["spc_points"].dtype == np.int64


def test_records_are_json_safe_with_the_agreed_keys_first():
    records = assessment_records(assess_period(MEASURES, SERIES, "2022-12"))
    assert [record["ref"] for record in records] == [measure.ref for measure in MEASURES]
    for record in records:
        assert list(record)[:9] == [
            "ref",
            "period",
            "value",
            "previous",
            "direction",
            "judgement",
            "rag",
            "variation",
            "assurance",
        ]
        assert list(record)[9:] == [
            "status",
            "small_denominator",
            "spc_points",
            "explanation",
            "variation_side",
            "basis",
            "spc_on",
            "as_of",
        ]
    json.dumps(records, allow_nan=False)
    by_ref = {record["ref"]: record for record in records}
    assert by_ref["2.6"]["value"] is None and by_ref["2.6"]["previous"] == 50.0
    assert by_ref["4.1"]["previous"] is None
    assert type(by_ref["8.2"]["small_denominator"]) is bool and type(by_ref["8.2"]["spc_points"]) is int


def test_records_put_the_agreed_keys_first_whatever_the_column_order():
    frame = pd.DataFrame(
        [
            {
                "extra": 1,
                "assurance": "none",
                "variation": "common",
                "rag": "none",
                "judgement": "none",
                "direction": "none",
                "previous": NAN,
                "value": 1.5,
                "period": "2023-01",
                "ref": "1.1",
            }
        ]
    )
    assert assessment_records(frame) == [
        {
            "ref": "1.1",
            "period": "2023-01",
            "value": 1.5,
            "previous": None,
            "direction": "none",
            "judgement": "none",
            "rag": "none",
            "variation": "common",
            "assurance": "none",
            "extra": 1,
        }
    ]


def test_records_need_the_agreed_keys():
    with pytest.raises(ValueError):
        assessment_records(pd.DataFrame([{"ref": "1.1"}]))


@pytest.mark.parametrize(
    ("period", "expected"),
    [("2023-01", "2022-12"), ("2022-12", "2022-11"), ("2022-10", "2022-09"), ("2000-03", "2000-02")],
)
def test_previous_month(period, expected):
    assert previous_period(period) == expected


@pytest.mark.parametrize("period", ["2023-1", "2023-13", "2023-00", "Jan-23", "", "2023-01-01"])
def test_a_malformed_period_is_refused(period):
    with pytest.raises(ValueError):
        assess_period(MEASURES, SERIES, period)


@pytest.mark.parametrize(
    "series",
    [
        SERIES.drop(columns=["status"]),
        pd.concat([SERIES, pd.DataFrame([row("1.1", "2022-12", 5.0)])]),  # two rows for one month
        pd.concat([SERIES, pd.DataFrame([row("1.1", "2021-12", 5.0, "maybe")])]),  # unknown status
        pd.concat([SERIES, pd.DataFrame([row("1.1", "2021-1", 5.0)])]),  # malformed period
    ],
)
def test_a_bad_series_is_refused(series):
    with pytest.raises(ValueError):
        assess_period(MEASURES, series, "2022-12")


def test_an_empty_series_gives_missing_rows():
    empty = pd.DataFrame(columns=["ref", "period", "value", "status", "numerator", "denominator"])
    result = assess_period(MEASURES, empty, "2022-12")
    assert list(result["status"]) == ["missing"] * len(MEASURES)


def test_a_hundred_measures_over_ten_years_assess_quickly():
    generator = np.random.default_rng(2023)
    months = [f"{year}-{month:02d}" for year in range(2013, 2023) for month in range(1, 13)]
    measures = [
        make_measure(
            f"{index // 10 + 1}.{index % 10 + 1}",
            "percent",
            ("higher", "lower")[index % 2],
            1,
            Target(kind="at_least", low=50, tolerance=5),
        )
        for index in range(100)
    ]
    series = pd.DataFrame(
        {
            "ref": np.repeat([measure.ref for measure in measures], len(months)),
            "period": np.tile(months, len(measures)),
            "value": generator.normal(55, 5, len(measures) * len(months)),
            "status": "ok",
            "numerator": NAN,
            "denominator": NAN,
        }
    )
    result = assess_period(measures, series, "2022-12")
    assert len(result) == 100 and set(result["spc_points"]) == {120}


def test_a_measure_with_no_spc_reading_keeps_the_contracts_variation_and_says_why():
    # A rolling 12-month figure gets no SPC reading ("no-reading" in the assessment); `assess --json` gives only the
    # contract's variations, so its record says "insufficient" (no SPC judgement) and `spc_on` and `basis` say why.
    rolling = replace(make_measure("6.1", "percent", "higher", 1, Target(kind="at_least", low=12)), basis="rolling-12")
    series = pd.DataFrame([row("6.1", month, value) for month, value in zip(MONTHS_2022, SHIFT_OF_SEVEN, strict=True)])
    (assessment,) = assess_all([rolling], series, "2022-12")
    assert (assessment.variation, assessment.assurance, assessment.spc_on) == ("no-reading", "none", "none")
    (record,) = assessment_records([assessment])
    assert (record["variation"], record["assurance"], record["spc_on"], record["basis"]) == (
        "insufficient",
        "none",
        "none",
        "rolling-12",
    )
    assert record["explanation"] == assessment.explanation and record["explanation"].startswith("No SPC reading")
    (framed,) = assessment_records(assess_period([rolling], series, "2022-12"))
    assert framed == record
