"""Assess measures for one month: the one pipeline that makes every `Assessment` the pages, the meeting pack and
`python -m measures assess` read.

`assess_measure` assesses one measure from its own service-level monthly rows; `assess_all` assesses every
measure of a month from the service-level series as a frame; `assess_period` and `assessment_records` are thin
views of those Assessments as a frame and as JSON-safe records.

Only rows with status "ok" and a finite value count as values: a "tbc", "new", "na" or "suppressed" row is shown
with its status and is never treated as zero, never compared and never put on an SPC chart. Each measure's SPC
reading follows its own settings (`Measure.spc`).

A measure whose figures are not monthly (`Measure.basis`) is never charted as if they were: a year-to-date
measure with counts is read on the monthly figures derived from consecutive year-to-date counts within a
financial year (`monthly_from_year_to_date`); a year-to-date measure without counts and a rolling 12-month
measure (whose monthly counts cannot be recovered from rolling totals) get no SPC reading, with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from measures.assessment.change import (
    direction,
    judgement,
    moved_within_band,
    rag,
    round_half_up,
    small_denominator,
)
from measures.assessment.model import ASSESSMENT_COLUMNS, RECORD_KEYS, Assessment, SpcOn, Status
from measures.assessment.spc import SpcResult, assurance_sentence, no_reading, spc_with_changes
from measures.domain.catalogue import Measure
from measures.domain.formatting import NO_SPC_READING_TEXT
from measures.domain.periods import PERIOD_PATTERN, financial_year, parse_period, previous_period
from measures.domain.rating_window import rating_window_months, within_window

SERIES_COLUMNS = ("ref", "period", "value", "status", "numerator", "denominator")
STATUSES = ("ok", "tbc", "new", "na", "suppressed")

__all__ = [
    "ASSESSMENT_COLUMNS",
    "RECORD_KEYS",
    "SERIES_COLUMNS",
    "STATUSES",
    "MonthlyFigure",
    "ServiceMonth",
    "assess_all",
    "assess_measure",
    "assess_period",
    "assessment_records",
    "monthly_from_year_to_date",
]


class MonthlyFigure(Protocol):
    """What `assess_measure` reads of one month of a measure's whole-service series.

    `status` is "ok", "tbc", "new", "na", "suppressed", or "missing" (a gap: treated as no row); `value`,
    `numerator` and `denominator` are numbers or None/NaN.
    """

    @property
    def period(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def value(self) -> float | None: ...

    @property
    def numerator(self) -> float | None: ...

    @property
    def denominator(self) -> float | None: ...


@dataclass(frozen=True)
class ServiceMonth:
    """One stored month of a measure's whole-service series, as `assess_all` passes it to `assess_measure`."""

    period: str
    status: str
    value: float | None
    denominator: float | None = None
    numerator: float | None = None


def _finite(number: object) -> float | None:
    if number is None or number is pd.NA:
        return None
    value = float(number)  # type: ignore[arg-type]
    return value if math.isfinite(value) else None


def assess_measure(
    measure: Measure, rows: Iterable[MonthlyFigure], period: str, window: int | None = None
) -> Assessment:
    """Return the assessment of `measure` as at `period` (YYYY-MM) from its whole-service monthly rows.

    `rows` are this measure's months in any order; rows after `period` are ignored and rows with status
    "missing" count as no row. The assessment holds:
    - status: this month's status, or "missing" when there is no row;
    - value, previous: this month's and the previous calendar month's figures, None unless the row has status
      "ok" and a finite value;
    - direction, judgement: `change.direction` / `change.judgement` at the measure's display precision;
      within_target_range: `change.moved_within_band` (a move inside a target band, "same" as a judgement);
    - rag, rag_as_of: `change.rag` of the latest figure within the rating window (`window` months, default the
      MEASURES_RATING_WINDOW_MONTHS setting, 3) rounded to display precision, so the colour agrees with the
      figure shown, and that figure's month: this month's own figure when it has one; when it has none (TBC,
      not reported, ...), the newest earlier month with a figure at most `window` months before, so a TBC
      never hides a known failure; "none" and None when there is none in the window;
    - variation, assurance, explanation, variation_side, spc, spc_periods: `spc.spc` with the measure's own
      settings (`measure.spc`) over the months up to and including `period` that have a figure, in time order;
      the assurance is "none" when the newest figure lies outside the rating window; the explanation is the
      variation's and, when there is an assurance, its sentence (`spc.assurance_sentence`);
      for a year-to-date measure with counts, over the monthly figures derived from them
      (`monthly_from_year_to_date`, spc_on "derived-monthly"); for a rolling 12-month measure or a year-to-date
      measure without counts, no reading (`spc.no_reading`, spc_on "none") with the reason as explanation;
    - basis: the measure's basis;
    - small_denominator: this month has a figure and its denominator is below 10 (`change.small_denominator`):
      a month without a figure has no percentage to read with care;
    - has_target: the measure has a target.

    Raises ValueError if `period` or a row's period is not YYYY-MM, a status is unknown, or two rows share a
    month.
    """
    parse_period(period)
    ordered: dict[str, MonthlyFigure] = {}
    for row in rows:
        if row.status == "missing":
            continue
        if row.status not in STATUSES:
            raise ValueError(
                f"Measure {measure.ref}: unknown status {row.status!r} for {row.period}: expected ok, tbc, new, na "
                "or suppressed."
            )
        parse_period(row.period)
        if row.period in ordered:
            raise ValueError(f"Measure {measure.ref} has more than one row for {row.period}.")
        ordered[row.period] = row
    return _assess(measure, ordered, period, rating_window_months() if window is None else window)


def _counted(row: MonthlyFigure | None) -> float | None:
    """Return the row's value if it counts as a figure (status ok, finite value), else None."""
    if row is None or row.status != "ok":
        return None
    return _finite(row.value)


def _derivable(measure: Measure) -> bool:
    """True when a year-to-date measure's monthly figures can be worked out from its figures: a count, or a
    percentage reported with its numerator and denominator."""
    return measure.unit == "count" or (measure.unit == "percent" and measure.counts)


def _year_to_date_counts(measure: Measure, row: MonthlyFigure | None) -> tuple[float, float | None] | None:
    """The year-to-date counts of a row with a figure: (count, None) for a count measure, (numerator,
    denominator) for a percentage; None when the row has no figure or lacks a count."""
    if _counted(row) is None or row is None:
        return None
    if measure.unit == "count":
        return (float(row.value), None)  # type: ignore[arg-type]
    numerator, denominator = _finite(row.numerator), _finite(row.denominator)
    if numerator is None or denominator is None:
        return None
    return (numerator, denominator)


def monthly_from_year_to_date(measure: Measure, rows: dict[str, MonthlyFigure], period: str) -> list[tuple[str, float]]:
    """Return the monthly figures derived from a year-to-date measure's counts, as (month, figure) in time order,
    for the months up to and including `period`.

    A financial year runs April to March. April's monthly count is April's year-to-date count; a later month's
    is its year-to-date count less the previous month's, in the same financial year. A percentage's monthly
    figure is 100 × (numerator difference) / (denominator difference). A month is left out when it or (after
    April) the month before has no figure or no counts, when its denominator difference is zero (no cases that
    month), or when a difference is negative or the numerator's exceeds the denominator's (the year-to-date
    counts went down: a correction, not a month's count). Raises nothing for rows already checked.
    """
    derived: list[tuple[str, float]] = []
    for month in sorted(month for month in rows if month <= period):
        counts = _year_to_date_counts(measure, rows[month])
        if counts is None:
            continue
        before = previous_period(month)
        if parse_period(month)[1] == 4:
            earlier: tuple[float, float | None] | None = (0.0, None if measure.unit == "count" else 0.0)
        elif financial_year(before) == financial_year(month):
            earlier = _year_to_date_counts(measure, rows.get(before))
        else:
            earlier = None
        if earlier is None:
            continue
        numerator = counts[0] - earlier[0]
        if measure.unit == "count":
            if numerator >= 0:
                derived.append((month, numerator))
            continue
        denominator = counts[1] - earlier[1]  # type: ignore[operator]
        if denominator > 0 and 0 <= numerator <= denominator:
            derived.append((month, 100.0 * numerator / denominator))
    return derived


def _spc_reading(
    measure: Measure, rows: dict[str, MonthlyFigure], period: str
) -> tuple[SpcResult, tuple[str, ...], SpcOn]:
    """The SPC chart, the months of its points and what it is read on, by the measure's basis."""
    history = sorted(
        (month, figure)
        for month, figure in ((month, _counted(row)) for month, row in rows.items() if month <= period)
        if figure is not None
    )
    months = tuple(month for month, _ in history)
    if measure.basis == "year-to-date" and _derivable(measure):
        derived = monthly_from_year_to_date(measure, rows, period)
        derived_months = tuple(month for month, _ in derived)
        return (
            _chart(measure, derived_months, [figure for _, figure in derived], period),
            derived_months,
            "derived-monthly",
        )
    if measure.basis != "month":
        return no_reading([figure for _, figure in history], NO_SPC_READING_TEXT[measure.basis]), months, "none"
    return _chart(measure, months, [figure for _, figure in history], period), months, "figures"


def _chart(measure: Measure, months: tuple[str, ...], figures: list[float], period: str) -> SpcResult:
    """The chart of monthly figures with the measure's process changes and fixed baseline, against the target in
    force in `period`: each change starts a segment at its month's first point."""
    starts = [sum(1 for month in months if month < change.period) for change in measure.process_changes]
    baseline = None
    if measure.baseline is not None:
        inside = [
            index for index, month in enumerate(months) if measure.baseline.first <= month <= measure.baseline.last
        ]
        baseline = (inside[0], inside[-1] + 1) if inside else None
    return spc_with_changes(figures, measure.polarity, measure.target_for(period), measure.spc, starts, baseline)


def _latest_figure(rows: dict[str, MonthlyFigure], period: str) -> tuple[str, float] | None:
    """The newest month up to `period` with a figure as reported, and that figure; None when there is none."""
    months = sorted((month for month, row in rows.items() if month <= period and _counted(row) is not None))
    return (months[-1], _counted(rows[months[-1]])) if months else None  # type: ignore[return-value]


def _assess(measure: Measure, rows: dict[str, MonthlyFigure], period: str, window: int) -> Assessment:
    """Assess from rows keyed by period, already checked, rating from the latest figure within `window` months."""
    current = rows.get(period)
    value = _counted(current)
    previous = _counted(rows.get(previous_period(period)))
    chart, spc_periods, spc_on = _spc_reading(measure, rows, period)
    status: Status = current.status if current is not None else "missing"  # type: ignore[assignment]
    newest = _latest_figure(rows, period)
    latest = newest if newest is not None and within_window(newest[0], period, window) else None
    # A target changed later does not re-rate a month: the figure is rated against the target in force in its month.
    rating = rag(round_half_up(latest[1], measure.decimals), measure.target_for(latest[0])) if latest else "none"
    target = measure.target_for(period)
    assurance = chart.assurance if latest else "none"
    # The assurance's sentence only when the assurance is kept, so no reader says an assurance the assessment dropped.
    explanation = " ".join(part for part in (chart.explanation, assurance_sentence(assurance, target)) if part)
    return Assessment(
        ref=measure.ref,
        period=period,
        status=status,
        value=value,
        previous=previous,
        direction=direction(value, previous, measure.decimals),
        judgement=judgement(value, previous, measure),
        within_target_range=moved_within_band(value, previous, measure),
        rag=rating,
        variation=chart.variation,
        assurance=assurance,
        explanation=explanation,
        small_denominator=value is not None and current is not None and small_denominator(_finite(current.denominator)),
        has_target=target is not None,
        spc=chart,
        spc_periods=spc_periods,
        variation_side=chart.variation_side if chart.variation in ("improvement", "concern", "neither") else None,
        basis=measure.basis,
        spc_on=spc_on,
        rag_as_of=latest[0] if latest and rating != "none" else None,
    )


def assess_all(
    measures: Sequence[Measure], series: pd.DataFrame, period: str, window: int | None = None
) -> tuple[Assessment, ...]:
    """Return one `Assessment` per measure, in the order given, as at `period` (YYYY-MM), each made by
    `assess_measure` from that measure's rows of `series` with the rating window `window` (default the
    MEASURES_RATING_WINDOW_MONTHS setting).

    `series` holds the service-level rows: ref, period ("YYYY-MM"), value (NaN when none), status ("ok" | "tbc" |
    "new" | "na" | "suppressed"), numerator, denominator. Rows for refs not in `measures` are ignored.

    Raises ValueError if `period` or a series period is not YYYY-MM, a column is missing, a status is unknown, a
    value, numerator or denominator is not numeric, or a ref has two rows for the same month.
    """
    parse_period(period)
    missing = [column for column in SERIES_COLUMNS if column not in series.columns]
    if missing:
        raise ValueError(f"The series is missing column(s): {', '.join(missing)}.")
    refs = series["ref"].astype(str).to_numpy()
    period_texts = series["period"].astype(str)
    malformed = ~period_texts.str.fullmatch(PERIOD_PATTERN)
    if malformed.any():
        raise ValueError(f"Series period {period_texts[malformed].iloc[0]!r} is not of the form YYYY-MM.")
    periods = period_texts.to_numpy()
    statuses = series["status"].astype(str).str.strip().str.lower().to_numpy()
    values = pd.to_numeric(series["value"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    denominators = pd.to_numeric(series["denominator"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    numerators = pd.to_numeric(series["numerator"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise ValueError(
            f"Unknown status(es) {', '.join(map(repr, unknown))}: expected ok, tbc, new, na or suppressed."
        )
    by_ref: dict[str, dict[str, MonthlyFigure]] = {}
    for ref, month, status, value, denominator, numerator in zip(
        refs, periods, statuses, values, denominators, numerators, strict=True
    ):
        months = by_ref.setdefault(str(ref), {})
        if month in months:
            raise ValueError(f"Measure {ref} has more than one row for {month}.")
        months[str(month)] = ServiceMonth(str(month), str(status), float(value), float(denominator), float(numerator))
    window_months = rating_window_months() if window is None else window
    return tuple(_assess(measure, by_ref.get(measure.ref, {}), period, window_months) for measure in measures)


def assess_period(measures: Sequence[Measure], series: pd.DataFrame, period: str) -> pd.DataFrame:
    """Return the assessments of `assess_all` as a frame: one row per measure, in the order given, with the
    columns of ASSESSMENT_COLUMNS (`Assessment.record()`), missing numbers as NaN.

    Raises ValueError as `assess_all` does.
    """
    records = [assessment.record() for assessment in assess_all(measures, series, period)]
    result = pd.DataFrame(records, columns=list(ASSESSMENT_COLUMNS))
    result = result.astype({"value": float, "previous": float, "small_denominator": bool, "spc_points": int})
    return result


def _json_safe(value: object) -> object:
    """Return `value` as a plain Python object, with NaN and missing markers as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def assessment_records(assessment: pd.DataFrame | Iterable[Assessment]) -> list[dict]:
    """Return assessments as JSON-safe dicts: `Assessment.record()` of each Assessment given, or the rows of an
    `assess_period` frame (NaN -> None, numpy -> Python).

    Each dict starts with exactly the keys ref, period, value, previous, direction, judgement, rag, variation,
    assurance, in that order, followed by the other columns in ASSESSMENT_COLUMNS (or frame) order.
    Raises ValueError if a frame lacks one of those nine columns.
    """
    if not isinstance(assessment, pd.DataFrame):
        return [item.record() for item in assessment]
    missing = [key for key in RECORD_KEYS if key not in assessment.columns]
    if missing:
        raise ValueError(f"The assessment is missing column(s): {', '.join(missing)}.")
    columns = list(RECORD_KEYS) + [column for column in assessment.columns if column not in RECORD_KEYS]
    return [
        {column: _json_safe(value) for column, value in zip(columns, row, strict=True)}
        for row in assessment[columns].itertuples(index=False, name=None)
    ]
