"""The Measures that Matter table as data: every measure as at a month, grouped by area, with its last
months' figures, the computed change and judgements, and its trend. The dashboard only renders this."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from measures.assessment import assess_period, assessment_records
from measures.assessment.model import Assessment
from measures.assessment.spc import spc
from measures.domain.catalogue import Area, Catalogue, Measure
from measures.domain.formatting import format_figure
from measures.domain.periods import period_range, shift_period
from measures.storage import catalogue_records, reads


@dataclass(frozen=True)
class MonthFigure:
    """One month's cell: display text, status (ok, tbc, new, missing) and whether the figure is synthetic."""

    period: str
    text: str
    status: str
    synthetic: bool
    value: float | None
    note: str = ""


@dataclass(frozen=True)
class OverviewRow:
    """One measure's line in the table."""

    measure: Measure
    figures: tuple[MonthFigure, ...]
    assessment: Assessment
    trend: tuple[tuple[str, float], ...]  # (period, value) of ok months, oldest first

    @property
    def latest(self) -> MonthFigure:
        """The figure of the month the table is 'as at'."""
        return self.figures[-1]


@dataclass(frozen=True)
class OverviewModel:
    """The whole table as at `period`."""

    period: str | None
    columns: tuple[str, ...]
    groups: tuple[tuple[Area, tuple[OverviewRow, ...]], ...]
    available_periods: tuple[str, ...]
    shows_synthetic: bool

    @property
    def rows(self) -> list[OverviewRow]:
        """Every row, in catalogue order."""
        return [row for _, rows in self.groups for row in rows]

    def summary(self) -> dict[str, int]:
        """Counts for the headline: better, worse and same than last month; off target (red); special cause."""
        counts = {"better": 0, "worse": 0, "same": 0, "off_target": 0, "special_cause": 0, "measures": 0}
        for row in self.rows:
            counts["measures"] += 1
            judgement = row.assessment.judgement
            if judgement in ("better", "worse", "same"):
                counts[judgement] += 1
            if row.assessment.off_target:
                counts["off_target"] += 1
            if row.assessment.special_cause:
                counts["special_cause"] += 1
        return counts


def _clean(number) -> float | None:
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return None
    return float(number)


def build_overview(
    engine: Engine,
    period: str | None = None,
    months: int = 3,
    trend_months: int = 24,
    catalogue: Catalogue | None = None,
) -> OverviewModel:
    """Return the table as at `period` (default: the latest month with figures).

    `months` columns of figures end at `period`; the trend covers up to `trend_months`. A period with no
    figures at all still renders (every cell 'No figure'). Raises ValueError for a malformed period.
    """
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    return _overview_for_version(engine, reads.data_version(engine), catalogue, period, months, trend_months)


# Several app workers each keep their own copies; they never disagree, because the key includes the data
# version read from the database on every request, so an upload makes every worker compute afresh.
@lru_cache(maxsize=32)
def _overview_for_version(
    engine: Engine, version: str, catalogue: Catalogue, period: str | None, months: int, trend_months: int
) -> OverviewModel:
    available = tuple(reads.available_periods(engine))
    if period is None:
        period = available[-1] if available else None
    if period is None:
        groups = tuple((area, ()) for area in catalogue.areas)
        return OverviewModel(None, (), groups, available, False)
    shift_period(period, 0)  # validates
    series = reads.service_series(engine, up_to=period)
    assessments = _typed_assessments(catalogue.measures, series, period)
    columns = tuple(period_range(shift_period(period, -(months - 1)), period))
    trend_start = shift_period(period, -(trend_months - 1))
    recent = series[series["period"] >= min(trend_start, columns[0])]
    by_ref: dict[str, dict[str, dict]] = {}
    for row in recent.to_dict("records"):
        by_ref.setdefault(row["ref"], {})[row["period"]] = row
    shows_synthetic = False
    grouped: dict[int, list[OverviewRow]] = {area.number: [] for area in catalogue.areas}
    for measure in catalogue.measures:
        cells = by_ref.get(measure.ref, {})
        figures = []
        for column in columns:
            cell = cells.get(column)
            if cell is None:
                figures.append(MonthFigure(column, format_figure(measure, None), "missing", False, None))
                continue
            synthetic = bool(cell["synthetic"])
            shows_synthetic = shows_synthetic or synthetic
            figures.append(
                MonthFigure(
                    column,
                    format_figure(measure, cell),
                    cell["status"],
                    synthetic,
                    _clean(cell["value"]),
                    cell.get("note") or "",
                )
            )
        trend = tuple(
            (row["period"], float(row["value"]))
            for row in cells.values()
            if row["period"] >= trend_start and row["status"] == "ok" and _clean(row["value"]) is not None
        )
        grouped.setdefault(measure.area, []).append(
            OverviewRow(measure, tuple(figures), assessments[measure.ref], trend)
        )
    groups = tuple((area, tuple(grouped.get(area.number, []))) for area in catalogue.areas)
    return OverviewModel(period, columns, groups, available, shows_synthetic)


# A bridge until `measures.assessment` makes the typed Assessment itself: it reads `assess_period`'s frame and
# adds the months the SPC reading used (status "ok" with a finite value, up to `period`, in time order).
def _typed_assessments(measures: tuple[Measure, ...], series: pd.DataFrame, period: str) -> dict[str, Assessment]:
    frame = assess_period(measures, series, period)
    numbers = pd.to_numeric(series["value"], errors="coerce")
    counted = series[(series["status"] == "ok") & np.isfinite(numbers) & (series["period"] <= period)]
    counted = counted.sort_values("period", kind="stable")
    history = {ref: (tuple(rows["period"]), tuple(rows["value"])) for ref, rows in counted.groupby("ref", sort=False)}
    by_ref = {measure.ref: measure for measure in measures}
    assessments: dict[str, Assessment] = {}
    for record in assessment_records(frame):
        measure = by_ref[record["ref"]]
        periods, values = history.get(measure.ref, ((), ()))
        assessments[measure.ref] = Assessment(
            ref=measure.ref,
            period=period,
            status=record["status"],
            value=record["value"],
            previous=record["previous"],
            direction=record["direction"],
            judgement=record["judgement"],
            rag=record["rag"],
            variation=record["variation"],
            assurance=record["assurance"],
            explanation=record["explanation"],
            small_denominator=bool(record["small_denominator"]),
            has_target=measure.target is not None,
            spc=spc([float(value) for value in values], measure.polarity, measure.target),
            spc_periods=periods,
        )
    return assessments


FILTERS = {
    "off-target": "Off target",
    "worse": "Getting worse",
    "special-cause": "Special-cause variation",
}


def row_matches(row: OverviewRow, filters: set[str]) -> bool:
    """True if the row passes every chosen filter ('off-target', 'worse', 'special-cause')."""
    assessment = row.assessment
    checks = {
        "off-target": assessment.off_target,
        "worse": assessment.judgement == "worse",
        "special-cause": assessment.special_cause,
    }
    return all(checks[name] for name in filters if name in checks)


def filter_overview(model: OverviewModel, filters: set[str] = frozenset(), area: int | None = None) -> OverviewModel:
    """Return the model keeping only rows that pass every filter and, if given, one area; empty areas drop out."""
    groups = tuple(
        (group_area, tuple(row for row in rows if row_matches(row, filters)))
        for group_area, rows in model.groups
        if area is None or group_area.number == area
    )
    groups = tuple((group_area, rows) for group_area, rows in groups if rows)
    return OverviewModel(model.period, model.columns, groups, model.available_periods, model.shows_synthetic)
