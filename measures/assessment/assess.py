"""Assess measures for one month: the one pipeline that makes every `Assessment` the pages, the meeting pack and
`python -m measures assess` read.

`assess_measure` assesses one measure from its own service-level monthly rows; `assess_all` assesses every
measure of a month from the service-level series as a frame; `assess_period` and `assessment_records` are thin
views of those Assessments as a frame and as JSON-safe records.

Only rows with status "ok" and a finite value count as values: a "tbc", "new", "na" or "suppressed" row is shown
with its status and is never treated as zero, never compared and never put on an SPC chart. Each measure's SPC
reading follows its own settings (`Measure.spc`).
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
from measures.assessment.model import ASSESSMENT_COLUMNS, RECORD_KEYS, Assessment, Status
from measures.assessment.spc import spc
from measures.domain.catalogue import Measure
from measures.domain.periods import PERIOD_PATTERN, parse_period, previous_period
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
]


class MonthlyFigure(Protocol):
    """What `assess_measure` reads of one month of a measure's whole-service series.

    `status` is "ok", "tbc", "new", "na", "suppressed", or "missing" (a gap: treated as no row); `value` and
    `denominator` are numbers or None/NaN.
    """

    @property
    def period(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def value(self) -> float | None: ...

    @property
    def denominator(self) -> float | None: ...


@dataclass(frozen=True)
class ServiceMonth:
    """One stored month of a measure's whole-service series, as `assess_all` passes it to `assess_measure`."""

    period: str
    status: str
    value: float | None
    denominator: float | None = None


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
    - variation, assurance, explanation, spc, spc_periods: `spc.spc` with the measure's own settings
      (`measure.spc`) over the months up to and including `period` that have a figure, in time order; the
      assurance is "none" when the newest of those months lies outside the rating window;
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


def _assess(measure: Measure, rows: dict[str, MonthlyFigure], period: str, window: int) -> Assessment:
    """Assess from rows keyed by period, already checked, rating from the latest figure within `window` months."""
    current = rows.get(period)
    value = _counted(current)
    previous = _counted(rows.get(previous_period(period)))
    history = sorted(
        (month, figure)
        for month, figure in ((month, _counted(row)) for month, row in rows.items() if month <= period)
        if figure is not None
    )
    chart = spc([figure for _, figure in history], measure.polarity, measure.target, measure.spc)
    status: Status = current.status if current is not None else "missing"  # type: ignore[assignment]
    latest = history[-1] if history and within_window(history[-1][0], period, window) else None
    rating = rag(round_half_up(latest[1], measure.decimals), measure.target) if latest else "none"
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
        assurance=chart.assurance if latest else "none",
        explanation=chart.explanation,
        small_denominator=value is not None and current is not None and small_denominator(_finite(current.denominator)),
        has_target=measure.target is not None,
        spc=chart,
        spc_periods=tuple(month for month, _ in history),
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
    value or denominator is not numeric, or a ref has two rows for the same month.
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
    unknown = sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise ValueError(
            f"Unknown status(es) {', '.join(map(repr, unknown))}: expected ok, tbc, new, na or suppressed."
        )
    by_ref: dict[str, dict[str, MonthlyFigure]] = {}
    for ref, month, status, value, denominator in zip(refs, periods, statuses, values, denominators, strict=True):
        months = by_ref.setdefault(str(ref), {})
        if month in months:
            raise ValueError(f"Measure {ref} has more than one row for {month}.")
        months[str(month)] = ServiceMonth(str(month), str(status), float(value), float(denominator))
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
