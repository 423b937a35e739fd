"""One improvement area as data: its title and expected outcomes, and a card per measure with the month's
figure, what changed in words, the target rating, the SPC reading and the series for a trend chart.

For the quality-of-practice area it also gives the audit-grade distribution (measures 4.2-4.5, which the
published paper links to one "chart 4.2"). The dashboard only renders this; nothing here imports Dash.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from measures.domain.catalogue import Area, Catalogue, Measure
from measures.domain.formatting import DIRECTION_TEXT, STATUS_TEXT, change_reading, format_value
from measures.domain.periods import long_label, previous_period, shift_period
from measures.storage import catalogue_records, reads
from measures.views.overview import OverviewModel, OverviewRow, build_overview

TREND_MONTHS = 24
# The audit grades in the order the readers expect them, best first: (ref, grade). 4.1 counts the audits.
AUDIT_GRADES: tuple[tuple[str, str], ...] = (
    ("4.5", "Outstanding"),
    ("4.4", "Good"),
    ("4.3", "Requires improvement"),
    ("4.2", "Inadequate"),
)


@dataclass(frozen=True)
class TrendPoint:
    """One month of a measure's series: the value, its counts, and whether the figure is synthetic."""

    period: str
    value: float
    synthetic: bool
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class MeasureCard:
    """One measure of the area as at the month: the overview row, the trend series and the change in words."""

    row: OverviewRow
    series: tuple[TrendPoint, ...]
    sentence: str
    has_teams: bool

    @property
    def measure(self) -> Measure:
        """The measure this card shows."""
        return self.row.measure


@dataclass(frozen=True)
class GradeMonth:
    """One month of audit grades: counts in AUDIT_GRADES order (None where not reported), the total audited, and
    each grade's status ('ok', or why there is no count: 'tbc', 'new', 'na', 'suppressed', 'missing')."""

    period: str
    counts: tuple[int | None, ...]
    total: int | None
    synthetic: bool
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaView:
    """An improvement area as at `period` (None when there are no figures at all)."""

    area: Area
    period: str | None
    available_periods: tuple[str, ...]
    cards: tuple[MeasureCard, ...]
    grades: tuple[GradeMonth, ...]
    shows_synthetic: bool

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The area's expected outcomes, as the improvement plan words them."""
        return self.area.outcomes


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def change_sentence(measure: Measure, row: OverviewRow) -> str:
    """Return what changed since the previous month in one plain sentence.

    E.g. "Up from 68.0% to 77.6% since December 2022: better.", "No change since December 2022 (17.0).",
    "Not yet reported (TBC)", "Not yet reported (New measure)", "No figure for January 2023." or
    "31 in January 2023; no figure for December 2022 to compare with." Never raises for a row that
    `build_overview` made.
    """
    latest = row.latest
    if latest.status in ("tbc", "new"):
        return f"Not yet reported ({STATUS_TEXT[latest.status]})"
    if latest.status in ("na", "suppressed"):
        return f"{STATUS_TEXT[latest.status]} for {long_label(latest.period)}."
    if latest.status == "missing" or latest.value is None:
        return f"No figure for {long_label(latest.period)}."
    month_before = long_label(previous_period(latest.period))
    now = format_value(measure, latest.value)
    previous = row.assessment.previous
    if previous is None:
        return f"{now} in {long_label(latest.period)}; no figure for {month_before} to compare with."
    before = format_value(measure, previous)
    direction = row.assessment.direction
    judgement = row.assessment.judgement
    if direction == "flat":
        return f"No change since {month_before} ({now})."
    verdict_key = "within-range" if row.assessment.within_target_range else judgement
    reading = change_reading(verdict_key, row.assessment.variation, row.assessment.significant_change)
    verdict = f": {reading}." if reading else "."
    return f"{DIRECTION_TEXT[direction]} from {before} to {now} since {month_before}{verdict}"


def _series(frame, period: str) -> dict[str, tuple[TrendPoint, ...]]:
    series: dict[str, list[TrendPoint]] = {}
    for record in frame.to_dict("records"):
        value = _number(record["value"])
        if record["status"] != "ok" or value is None or record["period"] > period:
            continue
        series.setdefault(record["ref"], []).append(
            TrendPoint(
                record["period"],
                value,
                bool(record["synthetic"]),
                _number(record["numerator"]),
                _number(record["denominator"]),
            )
        )
    return {ref: tuple(points) for ref, points in series.items()}


def audit_grades(
    engine: Engine, period: str, months: int = TREND_MONTHS, visible: reads.Visible = None
) -> tuple[GradeMonth, ...]:
    """Return the audit-grade distribution (4.5, 4.4, 4.3, 4.2: outstanding to inadequate) for the `months`
    months up to `period`, oldest first, one entry per month with any grade reported.

    Raises ValueError for a malformed period.
    """
    start = shift_period(period, -(months - 1))
    refs = [ref for ref, _ in AUDIT_GRADES]
    return grade_months(reads.service_series(engine, refs=refs, since=start, up_to=period, visible=visible))


def grade_months(frame: pd.DataFrame) -> tuple[GradeMonth, ...]:
    """Return the audit-grade distribution of whole-service rows of 4.2-4.5 (`reads.service_series` columns),
    oldest first, one entry per month with any grade reported. Computes from `frame` alone; raises nothing for a
    frame with those columns."""
    refs = [ref for ref, _ in AUDIT_GRADES]
    by_month: dict[str, dict[str, dict]] = {}
    for stored in frame.to_dict("records"):
        by_month.setdefault(str(stored["period"]), {})[str(stored["ref"])] = stored
    months_out = []
    for month in sorted(by_month):
        records = by_month[month]
        counts = []
        statuses = []
        totals = set()
        for ref in refs:
            record = records.get(ref)
            numerator = _number(record["numerator"]) if record and record["status"] == "ok" else None
            counts.append(None if numerator is None else int(round(numerator)))
            statuses.append(
                "ok"
                if numerator is not None
                else record["status"]
                if record and record["status"] != "ok"
                else "missing"
            )
            denominator = _number(record["denominator"]) if record else None
            if denominator is not None:
                totals.add(int(round(denominator)))
        if all(count is None for count in counts):
            continue
        total = totals.pop() if len(totals) == 1 else None
        synthetic = any(bool(record["synthetic"]) for record in records.values())
        months_out.append(GradeMonth(month, tuple(counts), total, synthetic, tuple(statuses)))
    return tuple(months_out)


@dataclass(frozen=True, eq=False)
class AreaInputs:
    """What an area view is computed from, as read from the database.

    `overview` is the table as at the month (its rows carry each measure's `Assessment`); `series` the
    whole-service rows of the area's measures for the trend window; `refs_with_teams` the measures with team
    figures that month; `grades` the audit-grade distribution (empty unless the area holds 4.2-4.5).
    """

    area: Area
    overview: OverviewModel
    series: pd.DataFrame
    refs_with_teams: frozenset[str]
    grades: tuple[GradeMonth, ...]


def load_area_inputs(
    engine: Engine, catalogue: Catalogue, number: int, period: str | None = None, visible: reads.Visible = None
) -> AreaInputs:
    """Return what `area_view` needs for improvement area `number` as at `period` (default: the latest month with
    figures), reading only the `visible` months (None: every month). Raises KeyError for an unknown area number and
    ValueError for a malformed period."""
    area = catalogue.area(number)
    if period is not None:
        shift_period(period, 0)  # validates
    model = build_overview(engine, period=period, catalogue=catalogue, visible=visible)
    if model.period is None:
        return AreaInputs(area, model, pd.DataFrame(), frozenset(), ())
    refs = [row.measure.ref for row in _area_rows(model, area)]
    frame = reads.service_series(
        engine, refs=refs, since=shift_period(model.period, -(TREND_MONTHS - 1)), up_to=model.period, visible=visible
    )
    with_teams = reads.refs_with_team_figures(engine, refs, model.period, visible)
    grades: tuple[GradeMonth, ...] = ()
    if set(refs) >= {ref for ref, _ in AUDIT_GRADES}:
        grades = audit_grades(engine, model.period, visible=visible)
    return AreaInputs(area, model, frame, with_teams, grades)


def _area_rows(model: OverviewModel, area: Area) -> tuple[OverviewRow, ...]:
    return next((rows for group_area, rows in model.groups if group_area.number == area.number), ())


def build_area(
    engine: Engine,
    number: int,
    period: str | None = None,
    catalogue: Catalogue | None = None,
    visible: reads.Visible = None,
) -> AreaView:
    """Return improvement area `number` as at `period` (default: the latest month with figures): `area_view`
    over `load_area_inputs`.

    Each measure of the area gets its overview row (figures and its `Assessment`), its status-ok values for the
    last 24 months up to `period` (synthetic ones flagged), the change in a sentence (`change_sentence`), and
    whether team figures exist for the month. The area holding
    measures 4.2-4.5 also gets the audit-grade distribution. Only the `visible` months are read (None: all).
    Raises KeyError for an unknown area number and ValueError for a malformed period.
    """
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    return area_view(load_area_inputs(engine, catalogue, number, period, visible))


def area_view(inputs: AreaInputs) -> AreaView:
    """Return the area view computed from `inputs` alone (no database); see `build_area`. Raises nothing for
    inputs that `load_area_inputs` made."""
    area, model = inputs.area, inputs.overview
    if model.period is None:
        return AreaView(area, None, model.available_periods, (), (), False)
    series = _series(inputs.series, model.period) if not inputs.series.empty else {}
    cards = []
    shows_synthetic = False
    for row in _area_rows(model, area):
        ref = row.measure.ref
        points = series.get(ref, ())
        shows_synthetic = shows_synthetic or row.latest.synthetic or any(point.synthetic for point in points)
        cards.append(
            MeasureCard(
                row=row,
                series=points,
                sentence=change_sentence(row.measure, row),
                has_teams=ref in inputs.refs_with_teams,
            )
        )
    shows_synthetic = shows_synthetic or any(month.synthetic for month in inputs.grades)
    return AreaView(area, model.period, model.available_periods, tuple(cards), inputs.grades, shows_synthetic)
