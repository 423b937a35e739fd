"""Drill-down from the whole-service figure to teams, and from teams to workers' caseloads.

Worker figures are staff personal data. `worker_caseloads` refuses (PermissionError) unless its caller says
the reader may see them; the dashboard decides that in one place (`dashboard.server.access`). Nothing here
imports Dash.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import Engine

from measures.assessment import Assessment, ServiceMonth, assess_measure, rag, round_half_up
from measures.domain.catalogue import Catalogue, Measure
from measures.domain.formatting import format_figure
from measures.domain.periods import shift_period
from measures.storage import assessments as stored
from measures.storage import catalogue_records, reads
from measures.views.area import TrendPoint

TEAM_TREND_MONTHS = 12
# Plan measure 2.3 counts "social workers with more than 24 children allocated": the line readers look for.
CASELOAD_LIMIT = 24


@dataclass(frozen=True)
class LevelFigure:
    """The figure of one month for the whole service or one team.

    `status` is ok, tbc, new or missing (no row); `text` is the display text ('59/76 77.6%', 'TBC');
    `rag` the rating against the measure's target at display precision (none without a target or value).
    """

    period: str
    numerator: float | None
    denominator: float | None
    value: float | None
    status: str
    synthetic: bool
    text: str
    rag: str


@dataclass(frozen=True)
class TeamFigures:
    """One team: its figure for the month, its last 12 months (status-ok values) and whether it has workers."""

    team: str
    figure: LevelFigure
    trend: tuple[TrendPoint, ...]
    has_workers: bool


@dataclass(frozen=True)
class TeamBreakdown:
    """A measure's service figure and team figures for a month, teams sorted by name.

    `service_assessment` is the measure's `Assessment` as at the month from its whole-service series, the one
    every other page reads (its rating reads the latest figure within the rating window, and says its month);
    None when there is no month. Teams have no assessment: each team's `figure.rag` rates that month's figure.
    """

    measure: Measure
    period: str | None
    service: LevelFigure | None
    teams: tuple[TeamFigures, ...]
    available_periods: tuple[str, ...]
    service_assessment: Assessment | None = None

    @property
    def as_at(self) -> str:
        """The month shown (YYYY-MM). Raises ValueError when there is none, because the database holds no
        figures for it: callers check `period` first and draw a notice instead."""
        if self.period is None:
            raise ValueError("There is no month to show: no figures are stored.")
        return self.period

    @property
    def has_teams(self) -> bool:
        """True when at least one team has a figure stored for the month."""
        return bool(self.teams)

    @property
    def has_workers(self) -> bool:
        """True when worker-level figures exist for this measure and month."""
        return any(team.has_workers for team in self.teams)

    @property
    def shows_synthetic(self) -> bool:
        """True when any figure shown (service, team or team trend) is synthetic."""
        return bool(self.service and self.service.synthetic) or any(
            team.figure.synthetic or any(point.synthetic for point in team.trend) for team in self.teams
        )

    def team_totals(self) -> tuple[float, float] | None:
        """Return (sum of numerators, sum of denominators) of the teams, or None unless every team has both."""
        numerators = [team.figure.numerator for team in self.teams]
        denominators = [team.figure.denominator for team in self.teams]
        if not self.teams or None in numerators or None in denominators:
            return None
        return (float(sum(numerators)), float(sum(denominators)))  # type: ignore[arg-type]

    def team_sum(self) -> float | None:
        """Return the sum of the teams' values of a count measure (teams' counts add up to the service's), or
        None for other units or unless every team has a value."""
        values = [team.figure.value for team in self.teams]
        if self.measure.unit != "count" or not self.teams or None in values:
            return None
        return float(sum(values))  # type: ignore[arg-type]


@dataclass(frozen=True)
class WorkerCaseload:
    """One pseudonymous worker's caseload (children allocated) in a month."""

    worker: str
    team: str
    caseload: float
    synthetic: bool


@dataclass(frozen=True)
class WorkerCaseloads:
    """Worker caseloads of a measure for a month (one team, or every team when `team` is None).

    `distribution` holds (caseload, number of workers) for every caseload that occurs, ascending; `mean`
    is None when there are no workers; `band` is the measure's target band (e.g. 16-20), None without one.
    """

    measure: Measure
    period: str
    team: str | None
    workers: tuple[WorkerCaseload, ...]
    distribution: tuple[tuple[float, int], ...]
    mean: float | None
    above_limit: int
    within_band: int
    band: tuple[float, float] | None
    limit: int
    teams: tuple[str, ...]

    @property
    def synthetic(self) -> bool:
        """True when any of the worker figures is synthetic."""
        return any(worker.synthetic for worker in self.workers)


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _level_figure(measure: Measure, period: str, record: dict | None) -> LevelFigure:
    if record is None:
        return LevelFigure(period, None, None, None, "missing", False, format_figure(measure, None), "none")
    value = _number(record["value"])
    status = record["status"]
    shown = round_half_up(value, measure.decimals) if status == "ok" and value is not None else None
    return LevelFigure(
        period=period,
        numerator=_number(record["numerator"]),
        denominator=_number(record["denominator"]),
        value=value,
        status=status,
        synthetic=bool(record["synthetic"]),
        text=format_figure(measure, record),
        rag=rag(shown, measure.target),
    )


def _latest_team_period(periods: list[str], engine: Engine, ref: str, visible: reads.Visible) -> str | None:
    if periods:
        return periods[-1]
    return reads.latest_period(engine, visible, ref) or reads.latest_period(engine, visible)


@dataclass(frozen=True)
class TeamInputs:
    """What `team_breakdown` reads from the database for one measure and month.

    `period` is the month chosen (None when the measure has no figures at all); `team_rows` the team-level rows of
    the measure in the 12 months up to the month, `service_row` the whole-service row of the month (None when there
    is none), `teams_with_workers` the teams with worker figures that month, `available_periods` the months with
    team figures, oldest first; `service_history` the whole-service rows up to and including the month (what its
    assessment reads; empty: only `service_row`); `service_assessment` that assessment when it was already made
    (`measures.storage.assessments`; None: made from `service_history`).
    """

    measure: Measure
    period: str | None
    team_rows: tuple[dict, ...]
    service_row: dict | None
    teams_with_workers: frozenset[str]
    available_periods: tuple[str, ...]
    service_history: tuple[dict, ...] = ()
    service_assessment: Assessment | None = None


def load_team_inputs(
    engine: Engine,
    ref: str,
    period: str | None = None,
    catalogue: Catalogue | None = None,
    visible: reads.Visible = None,
) -> TeamInputs:
    """Return what the team breakdown of measure `ref` for `period` needs from the database, reading only the
    `visible` months (None: every month). `period` None means the latest month with team figures for the measure
    (or, without any, its latest service month). Raises KeyError for an unknown ref, ValueError for a malformed
    period and sqlalchemy errors."""
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    measure = catalogue.measure(ref)
    if period is not None:
        shift_period(period, 0)  # validates
    available = tuple(reads.team_periods(engine, ref, visible))
    period = period or _latest_team_period(list(available), engine, ref, visible)
    if period is None:
        return TeamInputs(measure, None, (), None, frozenset(), available)
    measure = measure.as_at(period)
    service_history = tuple(reads.service_series(engine, refs=[ref], up_to=period, visible=visible).to_dict("records"))
    service_row = next((row for row in service_history if row["period"] == period), None)
    worker_teams = reads.teams_with_workers(engine, ref, period, visible)
    # Only the months a team's trend shows are read, never every team's whole history.
    frame = reads.team_series(
        engine, ref, visible=visible, since=shift_period(period, -(TEAM_TREND_MONTHS - 1)), up_to=period
    )
    team_rows = tuple(frame.to_dict("records")) if not frame.empty else ()
    return TeamInputs(measure, period, team_rows, service_row, worker_teams, available, service_history)


def _service_assessment(inputs: TeamInputs, period: str) -> Assessment:
    if inputs.service_assessment is not None and inputs.service_assessment.period == period:
        return inputs.service_assessment
    history = inputs.service_history or ((inputs.service_row,) if inputs.service_row else ())
    months = [
        ServiceMonth(
            str(row["period"]),
            str(row["status"]),
            _number(row["value"]),
            _number(row.get("denominator")),
            _number(row.get("numerator")),
        )
        for row in history
    ]
    return assess_measure(inputs.measure, months, period)


def team_breakdown_of(inputs: TeamInputs) -> TeamBreakdown:
    """Return the breakdown computed from `inputs` (no database): the service figure and its assessment
    (`assess_measure` over `service_history`) and each team's figure for the month, sorted by team, each with its
    status-ok values for the 12 months up to the month. Raises nothing for inputs `load_team_inputs` made."""
    measure, period = inputs.measure, inputs.period
    if period is None:
        return TeamBreakdown(measure, None, None, (), inputs.available_periods)
    service = _level_figure(measure, period, inputs.service_row)
    start = shift_period(period, -(TEAM_TREND_MONTHS - 1))
    by_team: dict[str, list[dict]] = {}
    for row in inputs.team_rows:
        by_team.setdefault(row["team"], []).append(row)
    teams = []
    for team in sorted(by_team):
        rows = by_team[team]
        record = next((row for row in rows if row["period"] == period), None)
        if record is None:
            continue
        trend = tuple(
            TrendPoint(
                r["period"], float(r["value"]), bool(r["synthetic"]), _number(r["numerator"]), _number(r["denominator"])
            )
            for r in sorted(rows, key=lambda row: row["period"])
            if start <= r["period"] <= period and r["status"] == "ok" and _number(r["value"]) is not None
        )
        teams.append(
            TeamFigures(team, _level_figure(measure, period, record), trend, team in inputs.teams_with_workers)
        )
    return TeamBreakdown(
        measure, period, service, tuple(teams), inputs.available_periods, _service_assessment(inputs, period)
    )


def team_breakdown(
    engine: Engine,
    ref: str,
    period: str | None = None,
    catalogue: Catalogue | None = None,
    visible: reads.Visible = None,
) -> TeamBreakdown:
    """Return measure `ref` for the month `period`: the whole-service figure and each team's, sorted by team
    (`team_breakdown_of` over `load_team_inputs`).

    Each team also gets its status-ok values for the 12 months up to `period` (for a small chart) and
    whether worker-level figures exist for it that month. `period` None means the latest month with team
    figures for the measure (or, without any, its latest service month). A measure without team figures
    gives an empty `teams`. Only the `visible` months are read (None: every month): a month not visible is as one
    with no figures. Raises KeyError for an unknown ref and ValueError for a malformed period.
    """
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    version = reads.data_version(engine)
    inputs = load_team_inputs(engine, ref, period, catalogue, visible)
    if inputs.period is None:
        return team_breakdown_of(inputs)
    # The service's assessment is the overview's and the measure page's: read it when one of them made it.
    made = stored.reuse(engine, version, [catalogue.measure(ref)], inputs.period, visible)
    breakdown = team_breakdown_of(replace(inputs, service_assessment=made.found.get(ref)))
    if breakdown.service_assessment is not None:
        made.keep([breakdown.service_assessment])
    return breakdown


def worker_caseloads(
    engine: Engine,
    ref: str,
    period: str,
    team: str | None = None,
    *,
    viewer_may_see_workers: bool,
    catalogue: Catalogue | None = None,
    visible: reads.Visible = None,
) -> WorkerCaseloads:
    """Return the worker caseloads of measure `ref` for `period`, for one `team` or every team (None).

    Gives each pseudonymous worker's caseload (sorted by team, then worker), the distribution (workers per
    caseload), the mean, how many workers have more than 24 children (`CASELOAD_LIMIT`), how many lie
    within the measure's target band, and the band itself. No worker figures gives empty workers and a
    None mean. `teams` lists every team with worker figures that month, whatever `team` is.

    Worker figures are staff personal data: raises PermissionError unless `viewer_may_see_workers` is True
    (checked before anything is read). Raises KeyError for an unknown ref and ValueError for a malformed
    period.
    """
    if viewer_may_see_workers is not True:
        raise PermissionError("Worker-level figures are for managers only.")
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    shift_period(period, 0)  # validates
    measure = catalogue.measure(ref).as_at(period)
    frame = reads.worker_values(engine, ref, period, visible=visible)
    return caseloads_of(measure, period, team, tuple(frame.to_dict("records")) if not frame.empty else ())


def caseloads_of(measure: Measure, period: str, team: str | None, rows: tuple[dict, ...]) -> WorkerCaseloads:
    """Return the worker caseloads computed from a month's worker rows of `measure` (no database), for one
    `team` or every team (None); see `worker_caseloads`. Raises nothing for rows `reads.worker_values` gives."""
    teams = tuple(sorted({row["team"] for row in rows}))
    chosen = [row for row in rows if not team or row["team"] == team]
    workers = tuple(
        WorkerCaseload(r["worker"], r["team"], float(r["value"]), bool(r["synthetic"]))
        for r in chosen
        if r["status"] == "ok" and _number(r["value"]) is not None
    )
    caseloads = [worker.caseload for worker in workers]
    counts = Counter(caseloads)
    band = measure.band
    return WorkerCaseloads(
        measure=measure,
        period=period,
        team=team or None,
        workers=workers,
        distribution=tuple(sorted(counts.items())),
        mean=sum(caseloads) / len(caseloads) if caseloads else None,
        above_limit=sum(1 for load in caseloads if load > CASELOAD_LIMIT),
        within_band=sum(1 for load in caseloads if band and band[0] <= load <= band[1]),
        band=band,
        limit=CASELOAD_LIMIT,
        teams=teams,
    )
