"""The plain-English summary, checked against sentences worked out by hand from small series.

Each case writes a few months into an empty database, builds the measure page's data and compares the whole
summary with the sentence a person would write from the same numbers; the same cases are then computed from inputs
built in code, with no database (`measure_detail` over `MeasureInputs`).
"""

from __future__ import annotations

import pandas as pd
import pytest

from measures.storage import recording
from measures.storage.recording import UploadInfo, ValueRow
from measures.views.measure import MeasureInputs, build_measure_detail, measure_detail
from measures.views.summary import average_clause, compare_with, format_benchmark, summary_sentence

UPLOAD = UploadInfo(kind="import", filename="return.xlsx", user_name="officer")
BENCHMARKS_3_1 = [
    {"ref": "3.1", "year": "2021-22", "comparator": "Statistical neighbours", "value": 87.0, "source": "HSCP"},
    {"ref": "3.1", "year": "2021-22", "comparator": "England", "value": 88.0, "source": "HSCP"},
]
TOO_FEW_1 = "Too few months to judge yet: the SPC chart needs at least 15 monthly figures and there is 1."
TOO_FEW_2 = "Too few months to judge yet: the SPC chart needs at least 15 monthly figures and there are 2."
# 10.2 is a year-to-date percentage published without its counts: no SPC reading, and the reason.
NO_READING_YEAR_TO_DATE = (
    "No SPC reading: a year-to-date figure adds each month to the months before it, so its points are not "
    "independent, and without its counts the monthly figures cannot be worked out."
)


def _months(ref: str, first_year: int, values: list[float]) -> list[ValueRow]:
    rows = []
    for index, value in enumerate(values):
        year, month = divmod(index, 12)
        rows.append(ValueRow(ref, f"{first_year + year}-{month + 1:02d}", value=value))
    return rows


# 2.2, range 16-20: fourteen months at 21.0 (January 2022 to February 2023), then 19.0 in March 2023 (15 months,
# the minimum). Mean of the 15 = 313/15 = 20.87; mean moving range = 2/14 = 0.143, so the limits are
# 20.87 ± 0.38 = 20.49 to 21.25: 19.0 is below the lower limit (special cause, "neither" for a range measure).
# A range measure has no improvement direction, so there is no assurance sentence (NHS England's SQL tool).
CASELOADS = _months("2.2", 2022, [21.0] * 14 + [19.0])

# 2.1, higher is better, no target: six months around 61 then six around 67. Mean 64; moving ranges sum to
# 26 over 11, so the limits are 64 ± 6.29 and the two-sigma line is 68.19: no point is outside either, but
# the last six are above the mean (a shift). The 11 months before December (2021-12 has no row) average
# 700 / 11 = 63.6.
# Three earlier months (September to November 2021: 62, 60, 62) make the 15 the chart needs: mean 952/15 = 63.47,
# moving ranges 8 × 2 + 4 + 5 × 2 = 30 over 14 = 2.14, limits 57.77 to 69.17; the last six are still the only
# run above the mean, and the 12 months before December 2022 are unchanged.
STAFFING = [
    ValueRow("2.1", "2021-09", value=62.0),
    ValueRow("2.1", "2021-10", value=60.0),
    ValueRow("2.1", "2021-11", value=62.0),
    *_months("2.1", 2022, [60.0, 62.0, 60.0, 62.0, 60.0, 62.0, 66.0, 68.0, 66.0, 68.0, 66.0, 68.0]),
]

CASES = [
    pytest.param(
        "3.1",
        None,
        [
            ValueRow("3.1", "2022-12", numerator=198, denominator=291, value=100 * 198 / 291),
            ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=100 * 236 / 304),
        ],
        BENCHMARKS_3_1,
        "Assessments completed in time: 77.6% in January 2023 (236 of 304 assessments completed), up from 68.0% "
        # Two months are too few for SPC to single the change out: no "which is better" (the trend says why).
        "in December 2022; below statistical neighbours (87%) and England (88%) in 2021-22. " + TOO_FEW_2,
        id="published-3.1-with-benchmarks",
    ),
    pytest.param(
        "10.2",
        None,
        [ValueRow("10.2", "2022-12", value=71.4), ValueRow("10.2", "2023-01", status="tbc")],
        [],
        # The rating reads December's figure (within the rating window) and says how it stands.
        "Final EHC plans issued within 20 weeks: the January 2023 figure is to be confirmed (TBC); the latest "
        "figure is 71.4% for December 2022, below the target of at least 90%. " + NO_READING_YEAR_TO_DATE,
        id="tbc-is-never-zero",
    ),
    pytest.param(
        "10.2",
        None,
        [ValueRow("10.2", "2022-12", value=88.0), ValueRow("10.2", "2023-01", value=85.0)],
        [],
        "Final EHC plans issued within 20 weeks: 85.0% in January 2023, down from 88.0% in December 2022; "
        "just below the target of at least 90%. " + NO_READING_YEAR_TO_DATE,
        id="amber-is-just-below-target",
    ),
    pytest.param(
        "10.2",
        None,
        [ValueRow("10.2", "2022-12", value=80.0), ValueRow("10.2", "2023-01", value=72.5)],
        [],
        "Final EHC plans issued within 20 weeks: 72.5% in January 2023, down from 80.0% in December 2022; "
        "below the target of at least 90%. " + NO_READING_YEAR_TO_DATE,
        id="red-is-below-target",
    ),
    pytest.param(
        "2.5",
        None,
        [ValueRow("2.5", "2022-12", value=12), ValueRow("2.5", "2023-01", value=15)],
        [],
        "In-house foster placements offered: 15 in January 2023, up from 12 in December 2022. " + TOO_FEW_2,
        id="no-polarity-no-verdict",
    ),
    pytest.param(
        "10.1",
        None,
        [ValueRow("10.1", "2023-01", status="new")],
        [],
        "EHC plans meeting the quality standard is a new measure: there is no figure for January 2023 yet. "
        "There are no monthly figures yet, so there is no trend to read.",
        id="new-measure",
    ),
    pytest.param(
        "3.1",
        "2023-01",
        [ValueRow("3.1", "2022-11", numerator=217, denominator=328, value=100 * 217 / 328)],
        [],
        "Assessments completed in time: no figure was reported for January 2023; the latest figure is 66.2% "
        "for November 2022. " + TOO_FEW_1,
        id="missing-month",
    ),
    pytest.param(
        "3.1",
        None,
        [ValueRow("3.1", "2023-01", numerator=5, denominator=8, value=62.5)],
        [],
        "Assessments completed in time: 62.5% in January 2023 (5 of 8 assessments completed), no figure for "
        "December 2022 to compare with. This percentage is based on only 8 assessments completed, so one case "
        "more or less changes it a lot: read it with care. " + TOO_FEW_1,
        id="small-denominator",
    ),
    pytest.param(
        "3.1",
        None,
        [
            ValueRow("3.1", "2022-12", status="tbc"),
            ValueRow("3.1", "2023-01", numerator=170, denominator=250, value=68.0),
        ],
        [],
        "Assessments completed in time: 68.0% in January 2023 (170 of 250 assessments completed), no comparison "
        "with December 2022, whose figure is TBC. " + TOO_FEW_1,
        id="previous-month-tbc",
    ),
    pytest.param(
        "3.1",
        None,
        [
            ValueRow("3.1", "2022-12", status="suppressed"),
            ValueRow("3.1", "2023-01", numerator=170, denominator=250, value=68.0),
        ],
        [],
        "Assessments completed in time: 68.0% in January 2023 (170 of 250 assessments completed), no comparison "
        "with December 2022, whose figure is suppressed. " + TOO_FEW_1,
        id="previous-month-suppressed",
    ),
    pytest.param(
        "10.2",
        None,
        [ValueRow("10.2", "2022-12", value=71.4), ValueRow("10.2", "2023-01", status="na")],
        [],
        "Final EHC plans issued within 20 weeks: not applicable for January 2023 (no figure); the latest "
        "figure is 71.4% for December 2022, below the target of at least 90%. " + NO_READING_YEAR_TO_DATE,
        id="not-applicable-is-never-zero",
    ),
    pytest.param(
        "2.3",
        None,
        [ValueRow("2.3", "2022-12", value=10), ValueRow("2.3", "2023-01", status="suppressed")],
        [],
        "Social workers with more than 24 children: the January 2023 figure is suppressed (a small number, not "
        "published); the latest figure is 10 for December 2022, above the target of zero (or low). " + TOO_FEW_1,
        id="suppressed-is-never-zero",
    ),
    pytest.param(
        "3.1",
        None,
        [
            ValueRow("3.1", "2022-12", numerator=198, denominator=291, value=100 * 198 / 291),
            ValueRow("3.1", "2023-01", numerator=170, denominator=250, value=68.0),
        ],
        [],
        "Assessments completed in time: 68.0% in January 2023 (170 of 250 assessments completed), no change from "
        "68.0% in December 2022. " + TOO_FEW_2,
        id="no-change-at-display-precision",
    ),
    pytest.param(
        "2.2",
        None,
        CASELOADS,
        [],
        "Average caseload per social worker: 19.0 in March 2023, down from 21.0 in February 2023, not "
        "significant on its own; below the average of the previous 12 months (21.0); within the target "
        "range of 16 to 20 children per worker. Unusually low, neither better nor worse: the latest month is below "
        "the lower process limit.",
        id="range-measure-back-in-band",
    ),
    pytest.param(
        "2.1",
        "2022-12",
        STAFFING,
        [],
        "Permanent staff as a share of established posts: 68.0% in December 2022, up from 66.0% in November "
        "2022, which is better; better than the average of the 11 months with a figure in the previous 12 "
        "(63.6%). Significant improvement: the last 6 months are above the average.",
        id="shift-in-words",
    ),
]


@pytest.mark.parametrize(("ref", "period", "rows", "benchmarks", "expected"), CASES)
def test_summary_reads_as_worked_out_by_hand(engine, ref, period, rows, benchmarks, expected):
    recording.record_values(engine, rows, UPLOAD, benchmark_rows=benchmarks)
    detail = build_measure_detail(engine, ref, period)
    assert summary_sentence(detail) == expected
    assert detail.summary == expected


def _inputs(catalogue, ref: str, rows: list[ValueRow], benchmarks: list[dict]) -> MeasureInputs:
    """The measure page's inputs for `ref`, built from the rows as the database would return them."""
    service = pd.DataFrame(
        [
            {
                "ref": row.ref,
                "period": row.period,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "value": row.value,
                "status": row.status,
                "note": row.note,
                "synthetic": row.synthetic,
            }
            for row in sorted(rows, key=lambda row: row.period)
            if row.ref == ref
        ],
        columns=["ref", "period", "numerator", "denominator", "value", "status", "note", "synthetic"],
    )
    own = pd.DataFrame(
        [{"synthetic": False, **benchmark} for benchmark in benchmarks if benchmark["ref"] == ref],
        columns=["ref", "year", "comparator", "value", "source", "synthetic"],
    )
    measure = catalogue.measure(ref)
    return MeasureInputs(measure, catalogue.area(measure.area), service, pd.DataFrame(), own, pd.DataFrame(), False)


@pytest.mark.parametrize(("ref", "period", "rows", "benchmarks", "expected"), CASES)
def test_summary_reads_the_same_from_inputs_built_in_code(catalogue, ref, period, rows, benchmarks, expected):
    detail = measure_detail(_inputs(catalogue, ref, rows, benchmarks), period or max(row.period for row in rows))
    assert summary_sentence(detail) == expected
    assert detail.summary == expected


# 4.2, lower is better, 15 months from January 2022 to March 2023. The 12 months before March 2023 (March 2022 to
# February 2023) sum to 601: average 50.08, shown 50.1%. The SPC over all 15: mean 752/15 = 50.13, moving ranges
# sum to 37 over 14 = 2.64, limits 50.13 ± 7.03 = 43.1 to 57.2, two-sigma line 54.8: 53.0 is inside every line and
# ends no run or trend, so the reading is common cause. 53.0 is higher than the average (worse, for 4.2), but
# within normal variation: "in line with".
COMMON_CAUSE_4_2 = _months("4.2", 2022, [50, 48, 52, 49, 51, 50, 48, 52, 49, 51, 50, 48, 52, 49, 53])


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(COMMON_CAUSE_4_2, "in line with the average of the previous 12 months (50.1%)", id="common"),
        # Eight months, too few for SPC: whether 53.0 against the seven before it (348 / 7 = 49.7) is significant
        # cannot be known, so the difference is said as a position, not as worse.
        pytest.param(
            COMMON_CAUSE_4_2[:7] + [ValueRow("4.2", "2022-08", value=53.0)],
            "above the average of the 7 months with a figure in the previous 12 (49.7%)",
            id="too-few-months",
        ),
        # 2.2: unusually low, neither better nor worse (see CASELOADS): below, not better.
        pytest.param(CASELOADS, "below the average of the previous 12 months (21.0)", id="neither"),
        # 2.2: fourteen months at 17.0, then 16.5: mean 254.5/15 = 16.97, mean moving range 0.5/14 = 0.036, limits
        # 16.97 ± 0.09: 16.5 is unusually low. Both 16.5 and the average 17.0 are inside the band of 16 to 20 (neither
        # better nor worse), but the figure is not in line with the average: below.
        pytest.param(
            _months("2.2", 2022, [17.0] * 14 + [16.5]),
            "below the average of the previous 12 months (17.0)",
            id="neither-inside-the-band",
        ),
        # 2.1: a significant improvement (a shift), and the figure above the average: better.
        pytest.param(
            STAFFING,
            "better than the average of the 11 months with a figure in the previous 12 (63.6%)",
            id="significant",
        ),
    ],
)
def test_the_average_is_called_better_or_worse_only_when_the_spc_reading_is_significant(catalogue, rows, expected):
    ref = rows[0].ref
    detail = measure_detail(_inputs(catalogue, ref, rows, []), max(row.period for row in rows))
    assert average_clause(detail) == expected


def test_synthetic_history_is_named_in_the_summary(engine):
    history = [ValueRow(row.ref, row.period, value=row.value, synthetic=True) for row in STAFFING[:-1]]
    recording.record_values(engine, [*history, STAFFING[-1]], UPLOAD)
    summary = build_measure_detail(engine, "2.1", "2022-12").summary
    assert summary.endswith(
        "Some earlier months are synthetic demonstration figures, so the average and the trend "
        "are for illustration only."
    )


def test_a_synthetic_month_says_so_beside_its_figure(engine):
    recording.record_values(engine, [ValueRow("2.1", "2023-01", value=59.0, synthetic=True)], UPLOAD)
    summary = build_measure_detail(engine, "2.1").summary
    assert summary.startswith(
        "Permanent staff as a share of established posts: 59.0% in January 2023, a synthetic "
        "demonstration figure, no figure for December 2022 to compare with."
    )
    assert "All these figures are synthetic demonstration data, not real." in summary


def test_mixed_benchmarks_are_joined_with_but(engine):
    rows = [ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=100 * 236 / 304)]
    benchmarks = [
        *BENCHMARKS_3_1,
        {"ref": "3.1", "year": "2021-22", "comparator": "West Midlands", "value": 70.0, "source": "x"},
    ]
    recording.record_values(engine, rows, UPLOAD, benchmark_rows=benchmarks)
    summary = build_measure_detail(engine, "3.1").summary
    assert (
        "above the West Midlands (70%) but below statistical neighbours (87%) and England (88%) in 2021-22." in summary
    )


def test_benchmarks_of_a_later_year_are_not_used(engine):
    rows = [ValueRow("3.1", "2021-05", numerator=70, denominator=100, value=70.0)]
    later = [{"ref": "3.1", "year": "2022-23", "comparator": "England", "value": 90.0, "source": "x"}]
    recording.record_values(engine, rows, UPLOAD, benchmark_rows=later)
    assert "England" not in build_measure_detail(engine, "3.1", "2021-05").summary


@pytest.mark.parametrize(
    ("ref", "value", "other", "expected"),
    [
        ("3.1", 77.6, 65.3, "better"),  # higher is better
        ("3.1", 65.3, 77.6, "worse"),
        ("3.1", 68.04, 68.0, "same"),  # equal at one decimal place
        ("2.3", 12, 13, "better"),  # lower is better
        ("2.2", 17.2, 18.3, "same"),  # both inside the 16-20 band
        ("2.2", 21.0, 23.0, "better"),  # nearer the band
        ("2.2", 15.0, 17.0, "worse"),  # left the band
        ("2.5", 15.0, 12.0, "above"),  # no direction of good
        ("2.5", 11.0, 12.0, "below"),
        ("10.3", 90.8, 89.9, "better"),  # higher is better, from its "at least 90%" target
    ],
)
def test_comparisons_follow_polarity_at_display_precision(catalogue, ref, value, other, expected):
    assert compare_with(value, other, catalogue.measure(ref)) == expected


@pytest.mark.parametrize(("ref", "value", "text"), [("3.1", 87.0, "87%"), ("3.1", 87.5, "87.5%"), ("2.2", 17.0, "17")])
def test_benchmarks_read_as_published(catalogue, ref, value, text):
    assert format_benchmark(catalogue.measure(ref), value) == text


def test_the_national_comparators_follow_everything_about_the_months_in_sentences_that_name_their_year(catalogue):
    from dataclasses import replace

    from tests.national_examples import comparators, no_comparator, year

    rows = [
        ValueRow("3.1", "2022-12", numerator=198, denominator=291, value=100 * 198 / 291),
        ValueRow("3.1", "2023-01", numerator=170, denominator=250, value=68.0),
    ]
    inputs = _inputs(catalogue, "3.1", rows, [])
    plain = measure_detail(inputs, "2023-01").summary
    with_national = measure_detail(replace(inputs, national=comparators(year(), ref="3.1")), "2023-01").summary
    # Everything about the months is unchanged and comes first; the annual figures come last, in sentences of
    # their own, their year named before any figure.
    assert with_national.startswith(plain + " Latest national figures are for 2023-24. In 2023-24 Herefordshire's")
    assert with_national.endswith(
        "rank 97 of 151 councils with a figure (1 is the best), quartile C (A is the best quarter)."
    )
    assert measure_detail(replace(inputs, national=no_comparator("3.1")), "2023-01").summary == plain
