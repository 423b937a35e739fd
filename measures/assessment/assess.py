"""Assess every measure for one month: value, change, judgement, RAG and the SPC icons.

Input is the service-level monthly series (the caller filters out teams and workers). Only rows with
status "ok" and a finite value count as values: a "tbc", "new", "na" or "suppressed" row is shown with its status and is
never treated as zero, never compared and never put on an SPC chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from measures.assessment.change import direction, judgement, rag, round_half_up, small_denominator
from measures.assessment.spc import spc
from measures.domain.catalogue import Measure
from measures.domain.periods import PERIOD_PATTERN, previous_period
from measures.domain.spc_settings import SpcOptions

SERIES_COLUMNS = ("ref", "period", "value", "status", "numerator", "denominator")
STATUSES = ("ok", "tbc", "new", "na", "suppressed")
RECORD_KEYS = ("ref", "period", "value", "previous", "direction", "judgement", "rag", "variation", "assurance")
ASSESSMENT_COLUMNS = RECORD_KEYS + ("status", "small_denominator", "spc_points", "explanation")


def assess_period(
    measures: Sequence[Measure],
    series: pd.DataFrame,
    period: str,
    options: SpcOptions | None = None,
) -> pd.DataFrame:
    """Return one row per measure, in the order given, assessing `period` (YYYY-MM).

    `series` holds the service-level rows: ref, period ("YYYY-MM"), value (NaN when none),
    status ("ok" | "tbc" | "new" | "na" | "suppressed"), numerator, denominator. Columns of the result:
    - ref, period;
    - value: this month's value, NaN unless the row has status "ok" and a value;
    - previous: the previous calendar month's value, on the same terms (NaN if absent);
    - direction, judgement: `change.direction` / `change.judgement` at the measure's display precision;
    - rag: `change.rag` of the value rounded to display precision, so the colour agrees with the figure
      the reader sees;
    - variation, assurance, explanation: `spc.spc` over the status-ok values up to and including
      `period` (never after it), in time order, missing months skipped, with `options` or, when None,
      each measure's own settings (`Measure.spc`);
    - status: this month's status, or "missing" if there is no row;
    - small_denominator: this month's denominator is below 10 (`change.small_denominator`);
    - spc_points: how many values the SPC used.
    Rows for refs not in `measures` are ignored.

    Raises ValueError if `period` or a series period is not YYYY-MM, a column is missing, a status is
    unknown, a value or denominator is not numeric, or a ref has two rows for the same month.
    """
    month_before = previous_period(period)
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
    duplicated = pd.DataFrame({"ref": refs, "period": periods}).duplicated()
    if duplicated.any():
        first = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise ValueError(f"Measure {refs[first]} has more than one row for {periods[first]}.")
    counts = (statuses == "ok") & np.isfinite(values)
    rows_of = pd.Series(np.arange(len(refs))).groupby(refs, sort=False).indices if len(refs) else {}

    rows = []
    for measure in measures:
        indices = np.asarray(rows_of.get(measure.ref, ()), dtype=int)
        own_periods = periods[indices]
        current_index = indices[own_periods == period]
        previous_index = indices[own_periods == month_before]
        value = _counted_value(current_index, counts, values)
        previous = _counted_value(previous_index, counts, values)
        history = indices[counts[indices] & (own_periods <= period)]
        history = history[np.argsort(periods[history], kind="stable")]
        chart = spc(values[history], measure.polarity, measure.target, options or measure.spc)
        shown = round_half_up(value, measure.decimals)
        rows.append(
            {
                "ref": measure.ref,
                "period": period,
                "value": value,
                "previous": previous,
                "direction": direction(value, previous, measure.decimals),
                "judgement": judgement(value, previous, measure),
                "rag": rag(shown, measure.target),
                "variation": chart.variation,
                "assurance": chart.assurance,
                "status": str(statuses[current_index[0]]) if current_index.size else "missing",
                "small_denominator": bool(current_index.size and small_denominator(denominators[current_index[0]])),
                "spc_points": chart.n,
                "explanation": chart.explanation,
            }
        )
    result = pd.DataFrame(rows, columns=list(ASSESSMENT_COLUMNS))
    return result.astype({"value": float, "previous": float, "small_denominator": bool, "spc_points": int})


def _counted_value(row_index: np.ndarray, counts: np.ndarray, values: np.ndarray) -> float:
    """Return the value of the (at most one) row in `row_index` if it counts, else NaN."""
    if row_index.size and counts[row_index[0]]:
        return float(values[row_index[0]])
    return math.nan


def _json_safe(value: object) -> object:
    """Return `value` as a plain Python object, with NaN and missing markers as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def assessment_records(assessment: pd.DataFrame) -> list[dict]:
    """Return the rows of an `assess_period` result as JSON-safe dicts (NaN -> None, numpy -> Python).

    Each dict starts with exactly the keys ref, period, value, previous, direction, judgement, rag,
    variation, assurance, in that order, followed by any other columns in frame order.
    Raises ValueError if one of those nine columns is missing.
    """
    missing = [key for key in RECORD_KEYS if key not in assessment.columns]
    if missing:
        raise ValueError(f"The assessment is missing column(s): {', '.join(missing)}.")
    columns = list(RECORD_KEYS) + [column for column in assessment.columns if column not in RECORD_KEYS]
    return [
        {column: _json_safe(value) for column, value in zip(columns, row, strict=True)}
        for row in assessment[columns].itertuples(index=False, name=None)
    ]
