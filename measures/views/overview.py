"""The Measures that Matter table as data: every measure as at a month, grouped by area, with its last
months' figures, the computed change and judgements, and its trend. The dashboard only renders this."""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine

from measures.assessment.assess import assess_all
from measures.assessment.model import Assessment
from measures.assessment.spc import Variation
from measures.domain.catalogue import Area, Catalogue, Measure
from measures.domain.formatting import format_figure
from measures.domain.periods import period_range, shift_period
from measures.storage import assessments as stored
from measures.storage import catalogue_records, reads


@dataclass(frozen=True)
class MonthFigure:
    """One month's cell: display text, status (ok, tbc, new, missing), whether the figure is synthetic, and its
    value and counts as stored (None when missing)."""

    period: str
    text: str
    status: str
    synthetic: bool
    value: float | None
    note: str = ""
    numerator: float | None = None
    denominator: float | None = None


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
    def as_at(self) -> str:
        """The month shown (YYYY-MM). Raises ValueError when there is none, because the database holds no
        figures for it: callers check `period` first and draw a notice instead."""
        if self.period is None:
            raise ValueError("There is no month to show: no figures are stored.")
        return self.period

    @property
    def rows(self) -> list[OverviewRow]:
        """Every row, in catalogue order."""
        return [row for _, rows in self.groups for row in rows]

    def summary(self) -> dict[str, int]:
        """Counts for the headline, each a number of measures.

        The SPC reading first: "improvement" and "concern" (special cause, significant), "unusual" (special
        cause, neither better nor worse), "common" (within normal variation), "too_few" (too few months for a
        reading) and "no_reading" (a rolling or year-to-date figure with no SPC reading): every measure is in
        exactly one of these six, so they add up to "measures". Apart from them, "failing" (the assurance: will
        consistently miss the target; such a measure is also counted in one of the six). Then compared with last
        month only: "better", "worse", "same" and, apart from "same", "within_range" (moved within a target
        band). Then against target: "off_target"
        (rated red, from the latest figure within the rating window) of which "off_target_earlier" read an
        earlier month's figure because the month has none; "special_cause" (improvement, concern or unusual)
        and "measures".
        """
        counts = dict.fromkeys(SUMMARY_KEYS, 0)
        for row in self.rows:
            assessment = row.assessment
            counts["measures"] += 1
            counts[VARIATION_COUNTS[assessment.variation]] += 1
            counts["failing"] += assessment.assurance == "fail"
            if assessment.within_target_range:
                counts["within_range"] += 1
            elif assessment.judgement in ("better", "worse", "same"):
                counts[assessment.judgement] += 1
            if assessment.off_target:
                counts["off_target"] += 1
                counts["off_target_earlier"] += assessment.rated_earlier
            counts["special_cause"] += assessment.special_cause
        return counts

    def off_target_earlier_months(self) -> tuple[str, ...]:
        """The months (YYYY-MM, oldest first) whose figures rate the measures counted as off target although
        this month has no figure for them."""
        return tuple(
            sorted(
                {
                    row.assessment.rag_as_of
                    for row in self.rows
                    if row.assessment.off_target and row.assessment.rated_earlier and row.assessment.rag_as_of
                }
            )
        )


SUMMARY_KEYS = (
    "improvement",
    "concern",
    "unusual",
    "common",
    "too_few",
    "no_reading",
    "failing",
    "better",
    "worse",
    "same",
    "within_range",
    "off_target",
    "off_target_earlier",
    "special_cause",
    "measures",
)
# Each SPC reading's count in `OverviewModel.summary()`: one for every variation, so the counts add up.
VARIATION_COUNTS: dict[Variation, str] = {
    "improvement": "improvement",
    "concern": "concern",
    "neither": "unusual",
    "common": "common",
    "insufficient": "too_few",
    "no-reading": "no_reading",
}


def _clean(number) -> float | None:
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return None
    return float(number)


@dataclass(frozen=True, eq=False)
class OverviewInputs:
    """What the table is computed from, as read from the database.

    `period` is the month asked for, or the latest month with figures (None when there are none);
    `available_periods` every month with a figure; `series` the whole-service rows up to `period`
    (`reads.service_series`); `assessments` the measures' assessments as at `period` already made from these rows
    (ref -> Assessment, `measures.storage.assessments`), so they are not made again; the others are made.
    """

    catalogue: Catalogue
    period: str | None
    available_periods: tuple[str, ...]
    series: pd.DataFrame
    assessments: Mapping[str, Assessment] = field(default_factory=dict)


def load_overview_inputs(
    engine: Engine, catalogue: Catalogue, period: str | None = None, visible: reads.Visible = None
) -> OverviewInputs:
    """Return what `overview_model` needs as at `period` (default: the latest month with figures), in two queries,
    reading only the `visible` months (None: every month): a month not visible is as one with no figures.

    Raises ValueError for a malformed period and sqlalchemy errors if the database cannot be read.
    """
    available = tuple(reads.available_periods(engine, visible))
    if period is None:
        period = available[-1] if available else None
    if period is None:
        return OverviewInputs(catalogue, None, available, pd.DataFrame())
    shift_period(period, 0)  # validates
    return OverviewInputs(catalogue, period, available, reads.service_series(engine, up_to=period, visible=visible))


def build_overview(
    engine: Engine,
    period: str | None = None,
    months: int = 3,
    trend_months: int = 24,
    catalogue: Catalogue | None = None,
    visible: reads.Visible = None,
) -> OverviewModel:
    """Return the table as at `period` (default: the latest month with figures): `overview_model` over
    `load_overview_inputs`, reused while the data version and the catalogue are unchanged. Only the `visible`
    months are read (None: every month).

    `months` columns of figures end at `period`; the trend covers up to `trend_months`. A period with no
    figures at all still renders (every cell 'No figure'). Raises ValueError for a malformed period.
    """
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    return _overview_for_version(engine, reads.data_version(engine), catalogue, period, months, trend_months, visible)


# Several app workers each keep their own copies; they never disagree, because the key includes the data
# version read from the database on every request, so an upload makes every worker compute afresh.
# The assessments themselves are kept in the database per data version, so another worker's first render of this or
# any page reading them (the area, the pack, the measure page) does not make them again.
@lru_cache(maxsize=32)
def _overview_for_version(
    engine: Engine,
    version: str,
    catalogue: Catalogue,
    period: str | None,
    months: int,
    trend_months: int,
    visible: reads.Visible,
) -> OverviewModel:
    inputs = load_overview_inputs(engine, catalogue, period, visible)
    if inputs.period is None:
        return overview_model(inputs, months, trend_months)
    made = stored.reuse(engine, version, catalogue.measures, inputs.period, visible)
    model = overview_model(replace(inputs, assessments=made.found), months, trend_months)
    made.keep(row.assessment for row in model.rows)
    return model


def overview_model(inputs: OverviewInputs, months: int = 3, trend_months: int = 24) -> OverviewModel:
    """Return the table computed from `inputs` alone (no database): every measure of the catalogue as at
    `inputs.period`, grouped by area, with `months` columns of figures ending at that month, its `Assessment`
    (`inputs.assessments`, else made by `measures.assessment.assess_all`) and its status-ok values of the last
    `trend_months` months.

    Raises ValueError for a malformed period or series (see `assess_all`).
    """
    catalogue, period, available = inputs.catalogue, inputs.period, inputs.available_periods
    if period is None:
        return OverviewModel(None, (), tuple((area, ()) for area in catalogue.areas), available, False)
    series = inputs.series
    given = inputs.assessments
    unassessed = [measure for measure in catalogue.measures if measure.ref not in given]
    assessments = {**given, **{a.ref: a for a in assess_all(unassessed, series, period)}} if unassessed else given
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
                    _clean(cell.get("numerator")),
                    _clean(cell.get("denominator")),
                )
            )
        trend = tuple(
            (row["period"], float(row["value"]))
            for row in cells.values()
            if row["period"] >= trend_start and row["status"] == "ok" and _clean(row["value"]) is not None
        )
        # The measure as it stood in the month: the target words beside the figures are the month's own target.
        grouped.setdefault(measure.area, []).append(
            OverviewRow(measure.as_at(period), tuple(figures), assessments[measure.ref], trend)
        )
    groups: tuple[tuple[Area, tuple[OverviewRow, ...]], ...] = tuple(
        (area, tuple(grouped.get(area.number, []))) for area in catalogue.areas
    )
    return OverviewModel(period, columns, groups, available, shows_synthetic)


FILTERS = {
    "off-target": "Off target",
    "worse": "Getting worse",
    "special-cause": "Showing an unusual change",
}


def row_matches(row: OverviewRow, filters: AbstractSet[str]) -> bool:
    """True if the row passes every chosen filter ('off-target', 'worse', 'special-cause')."""
    assessment = row.assessment
    checks = {
        "off-target": assessment.off_target,
        "worse": assessment.judgement == "worse",
        "special-cause": assessment.special_cause,
    }
    return all(checks[name] for name in filters if name in checks)


def filter_overview(
    model: OverviewModel, filters: AbstractSet[str] = frozenset(), area: int | None = None
) -> OverviewModel:
    """Return the model keeping only rows that pass every filter and, if given, one area; empty areas drop out."""
    groups = tuple(
        (group_area, tuple(row for row in rows if row_matches(row, filters)))
        for group_area, rows in model.groups
        if area is None or group_area.number == area
    )
    groups = tuple((group_area, rows) for group_area, rows in groups if rows)
    return OverviewModel(model.period, model.columns, groups, model.available_periods, model.shows_synthetic)
