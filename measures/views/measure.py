"""One measure in depth, as at a month: its monthly series, SPC chart, comparisons, benchmarks, commentary,
revision history and the plain-English summary. The dashboard's measure page only renders this.

Only rows with status "ok" and a value count as figures: a "tbc" or "new" month, or a month with no row at
all ("missing"), is carried with its status and is never treated as zero, compared or charted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Literal

import pandas as pd
from sqlalchemy import Engine

from measures.assessment.change import (
    Direction,
    Judgement,
    Rag,
    direction,
    judgement,
    rag,
    round_half_up,
    small_denominator,
)
from measures.assessment.spc import SpcPoint, SpcResult, spc
from measures.domain.catalogue import Area, Catalogue, Measure
from measures.domain.comparators import comparator_kind
from measures.domain.council import load_council
from measures.domain.periods import (
    financial_year,
    long_label,
    make_period,
    parse_period,
    period_of,
    period_range,
    previous_period,
    shift_period,
)
from measures.domain.recent_average import MINIMUM_RECENT_MONTHS, RECENT_MONTHS
from measures.domain.spc_settings import SpcOptions
from measures.storage import catalogue_records, reads

Status = Literal["ok", "tbc", "new", "na", "suppressed", "missing"]
PointKind = Literal["improvement", "concern", "neither", "common", "unassessed"]
BenchmarkKind = Literal["england", "region", "neighbours", "council", "neighbour", "other"]

_KIND_ORDER: dict[str, int] = {"england": 0, "region": 1, "neighbours": 2, "council": 3, "neighbour": 4, "other": 5}


@dataclass(frozen=True)
class MonthRow:
    """One month of the whole-service series.

    `status` is "ok", "tbc", "new", or "missing" (no row stored for the month). `value` is None unless the
    month has a figure; a percent value is 0-100. `revised` is True when the figure has been corrected
    at least once (more than one version is recorded).
    """

    period: str
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    status: Status = "missing"
    synthetic: bool = False
    note: str = ""
    small_denominator: bool = False
    revised: bool = False

    @property
    def counted(self) -> bool:
        """True when the month has a figure that counts (status ok and a value)."""
        return self.status == "ok" and self.value is not None

    @property
    def label(self) -> str:
        """The month in words, e.g. 'January 2023'."""
        return long_label(self.period)


@dataclass(frozen=True)
class YearToDate:
    """The financial year (April to March) up to the month shown.

    `method` is "counts" (numerators and denominators added up, for a measure reported as counts),
    "mean" (the average of the monthly values) or "none" (no month of the year has a figure).
    `label` says which, in words. `months_not_counted` lists months of the year so far without a figure.
    """

    financial_year: str
    first_period: str
    last_period: str
    method: Literal["counts", "mean", "none"]
    label: str
    value: float | None
    numerator: float | None
    denominator: float | None
    months_counted: int
    months_not_counted: tuple[str, ...]
    synthetic: bool


@dataclass(frozen=True)
class Benchmark:
    """One comparator's figure for one year (e.g. England, 2021-22, 88)."""

    year: str
    comparator: str
    value: float
    kind: BenchmarkKind
    source: str = ""
    synthetic: bool = False


@dataclass(frozen=True)
class BenchmarkYear:
    """Every comparator's figure for one year, in the order England, the region, statistical neighbours'
    average, the council's own published figure, the named neighbours, then any others."""

    year: str
    values: tuple[Benchmark, ...]

    def get(self, comparator: str) -> Benchmark | None:
        """Return the figure of `comparator` (e.g. 'England') for this year, or None; raises nothing."""
        return next((b for b in self.values if b.comparator == comparator), None)

    def of_kind(self, kind: BenchmarkKind) -> tuple[Benchmark, ...]:
        """Return this year's figures of one kind (e.g. every named 'neighbour'); raises nothing."""
        return tuple(b for b in self.values if b.kind == kind)


@dataclass(frozen=True)
class CommentaryEntry:
    """The latest commentary for a month (later entries supersede earlier ones)."""

    period: str
    text: str
    author: str
    recorded_at: object


@dataclass(frozen=True)
class Revision:
    """One recorded version of the month's figure; `current` marks the version in force."""

    version: int
    numerator: float | None
    denominator: float | None
    value: float | None
    status: str
    note: str
    synthetic: bool
    recorded_at: object
    recorded_by: str
    source: str
    current: bool


@dataclass(frozen=True)
class MeasureDetail:
    """Everything the measure page shows, as at `period`.

    - `series`: every month from the measure's first stored month to `period`, gaps filled with "missing".
    - `current`, `previous`, `same_month_last_year`: those months (status "missing" when there is no row).
    - `last_counted`: the newest month up to `period` with a figure (None if there is none).
    - `spc`: the XmR chart over the counted months up to `period`; `spc_periods` are those months, one per
      point of `spc.points`.
    - `recent_average`: the mean of the counted values in the 12 months before `period`, or None when fewer
      than 6 of them have a figure; `recent_average_months` is how many were used.
    - `benchmarks`: by year, oldest first; `benchmark_year` is the newest year not after the financial year
      of `period` (the one the summary compares with), or None.
    - `commentary`: the latest text per month up to `period`, newest first.
    - `revisions`: every version of `period`'s figure, oldest first; `revised_periods`: months up to `period`
      whose figure has more than one version.
    - `summary`: the plain-English summary (see `measures.views.summary.summary_sentence`).
    """

    measure: Measure
    area: Area | None
    period: str
    available_periods: tuple[str, ...]
    series: tuple[MonthRow, ...]
    current: MonthRow
    previous: MonthRow
    same_month_last_year: MonthRow
    last_counted: MonthRow | None
    year_to_date: YearToDate
    spc: SpcResult
    spc_periods: tuple[str, ...]
    direction: Direction
    judgement: Judgement
    rag: Rag
    recent_average: float | None
    recent_average_months: int
    benchmarks: tuple[BenchmarkYear, ...]
    benchmark_year: BenchmarkYear | None
    commentary: tuple[CommentaryEntry, ...]
    revisions: tuple[Revision, ...]
    revised_periods: tuple[str, ...]
    has_team_figures: bool
    summary: str = ""

    @property
    def small_denominator(self) -> bool:
        """True when this month's denominator is below 10, so its percentage should be read with care."""
        return self.current.small_denominator

    @property
    def shows_synthetic(self) -> bool:
        """True when any month or benchmark shown is a synthetic demonstration figure."""
        return any(row.synthetic for row in self.series) or any(
            b.synthetic for year in self.benchmarks for b in year.values
        )

    @property
    def spc_points(self) -> tuple[tuple[str, SpcPoint], ...]:
        """(period, point) pairs of the SPC chart, oldest first."""
        return tuple(zip(self.spc_periods, self.spc.points, strict=True))

    def point_kind(self, point: SpcPoint) -> PointKind:
        """Return how a chart point reads: special cause "improvement", "concern" or "neither", "common"
        cause, or "unassessed" when there are too few months for SPC. Raises nothing."""
        return point_kind(point, self.measure.polarity, self.spc.variation == "insufficient")


def point_kind(point: SpcPoint, polarity: str, insufficient: bool = False) -> PointKind:
    """Return how one SPC point reads for a measure of this polarity.

    A high-side special-cause point is "improvement" when higher is better and "concern" when lower is
    better (the low side the reverse); for `range` and `none` measures it is "neither". Points that are not
    special cause are "common"; with `insufficient` (too few months for limits) every point is "unassessed".
    Raises nothing.
    """
    if insufficient:
        return "unassessed"
    if not point.special_cause or point.side is None:
        return "common"
    if polarity in ("higher", "lower"):
        improving = "high" if polarity == "higher" else "low"
        return "improvement" if point.side == improving else "concern"
    return "neither"


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def benchmark_kind(comparator: str) -> BenchmarkKind:
    """Return what a benchmark comparator is: "england", "region", "neighbours" (the statistical neighbours'
    average), "council" (the council's own published figure), a named "neighbour", or "other", for the
    council in force (`measures.domain.council`). Raises CouncilError if the council file is invalid."""
    return comparator_kind(comparator, load_council())


def _benchmark_order(benchmark: Benchmark) -> tuple[int, int, str]:
    neighbours = load_council().statistical_neighbours
    position = neighbours.index(benchmark.comparator) if benchmark.kind == "neighbour" else 0
    return (_KIND_ORDER[benchmark.kind], position, benchmark.comparator)


def group_benchmarks(frame: pd.DataFrame) -> tuple[BenchmarkYear, ...]:
    """Return benchmark rows (year, comparator, value, source, synthetic) grouped by year, oldest first,
    each year's comparators in reading order (see `BenchmarkYear`). Rows without a value are left out.
    Raises KeyError if the frame lacks the year or comparator column."""
    years: dict[str, list[Benchmark]] = {}
    for record in frame.to_dict("records"):
        value = _number(record.get("value"))
        if value is None:
            continue
        comparator = str(record["comparator"])
        years.setdefault(str(record["year"]), []).append(
            Benchmark(
                year=str(record["year"]),
                comparator=comparator,
                value=value,
                kind=benchmark_kind(comparator),
                source=str(record.get("source") or ""),
                synthetic=bool(record.get("synthetic", False)),
            )
        )
    return tuple(
        BenchmarkYear(year, tuple(sorted(values, key=_benchmark_order))) for year, values in sorted(years.items())
    )


def _month_rows(measure: Measure, frame: pd.DataFrame, period: str, revised: set[str]) -> tuple[MonthRow, ...]:
    stored: dict[str, MonthRow] = {}
    for record in frame.to_dict("records"):
        denominator = _number(record["denominator"])
        status = str(record["status"])
        stored[record["period"]] = MonthRow(
            period=record["period"],
            numerator=_number(record["numerator"]),
            denominator=denominator,
            value=_number(record["value"]) if status == "ok" else None,
            status=status,  # type: ignore[arg-type]
            synthetic=bool(record["synthetic"]),
            note=str(record.get("note") or ""),
            small_denominator=status == "ok" and small_denominator(denominator),
            revised=record["period"] in revised,
        )
    if not stored:
        return ()
    return tuple(stored.get(p, MonthRow(p)) for p in period_range(min(stored), period))


def _row_for(rows: dict[str, MonthRow], period: str) -> MonthRow:
    return rows.get(period, MonthRow(period))


def _year_to_date(measure: Measure, rows: dict[str, MonthRow], period: str) -> YearToDate:
    year = financial_year(period)
    start = make_period(int(year[:4]), 4)
    months = [_row_for(rows, p) for p in period_range(start, period)]
    counted = [row for row in months if row.counted]
    not_counted = tuple(row.period for row in months if not row.counted)
    span = f"{long_label(start)} to {long_label(period)}" if start != period else long_label(period)
    heading = f"Year to date {year} ({span})"
    left_out = ""
    if counted and not_counted:
        left_out = f"; {len(not_counted)} month{'s' if len(not_counted) != 1 else ''} without a figure not included"
    synthetic = any(row.synthetic for row in counted)
    with_counts = [row for row in counted if row.numerator is not None and row.denominator]
    if not counted:
        return YearToDate(
            year, start, period, "none", f"{heading}: no figures yet", None, None, None, 0, not_counted, False
        )
    if measure.counts and measure.unit == "percent" and len(with_counts) == len(counted):
        numerator = sum(row.numerator for row in counted)  # type: ignore[misc]
        denominator = sum(row.denominator for row in counted)  # type: ignore[misc]
        plural = "s" if len(counted) != 1 else ""
        label = f"{heading}: the monthly counts of {len(counted)} month{plural} added together{left_out}"
        return YearToDate(
            year,
            start,
            period,
            "counts",
            label,
            100.0 * numerator / denominator,
            numerator,
            denominator,
            len(counted),
            not_counted,
            synthetic,
        )
    mean = sum(row.value for row in counted) / len(counted)  # type: ignore[misc]
    plural = "s" if len(counted) != 1 else ""
    label = f"{heading}: the average of {len(counted)} monthly figure{plural}{left_out}"
    return YearToDate(year, start, period, "mean", label, mean, None, None, len(counted), not_counted, synthetic)


def _commentary(engine: Engine, ref: str, period: str) -> tuple[CommentaryEntry, ...]:
    frame = reads.commentary_frame(engine, ref)
    latest: dict[str, CommentaryEntry] = {}
    for record in frame.to_dict("records"):  # oldest first: later entries supersede
        if record["period"] <= period and str(record["text"]).strip():
            latest[record["period"]] = CommentaryEntry(
                record["period"], str(record["text"]), str(record.get("author") or ""), record.get("created_at")
            )
    return tuple(latest[p] for p in sorted(latest, reverse=True))


def _revisions(history: pd.DataFrame, period: str) -> tuple[Revision, ...]:
    month = history[history["period"] == period] if not history.empty else history
    return tuple(
        Revision(
            version=int(record["version"]),
            numerator=_number(record["numerator"]),
            denominator=_number(record["denominator"]),
            value=_number(record["value"]),
            status=str(record["status"]),
            note=str(record.get("note") or ""),
            synthetic=bool(record["synthetic"]),
            recorded_at=record.get("recorded_at"),
            recorded_by=str(record.get("recorded_by") or ""),
            source=str(record.get("source") or ""),
            current=bool(record["current"]),
        )
        for record in month.to_dict("records")
    )


def _recent_average(rows: dict[str, MonthRow], period: str) -> tuple[float | None, int]:
    window = period_range(shift_period(period, -RECENT_MONTHS), previous_period(period))
    values = [rows[p].value for p in window if p in rows and rows[p].counted]
    if len(values) < MINIMUM_RECENT_MONTHS:
        return None, len(values)
    return sum(values) / len(values), len(values)  # type: ignore[arg-type]


def build_measure_detail(
    engine: Engine,
    ref: str,
    period: str | None = None,
    catalogue: Catalogue | None = None,
    options: SpcOptions | None = None,
) -> MeasureDetail:
    """Return the measure `ref` in depth as at `period` ('YYYY-MM').

    `period` defaults to the latest month with any whole-service figure (the month the overview table is
    "as at"), or the current calendar month when the database holds no figures. Nothing after `period` is
    used. The SPC chart uses `options`, or the measure's own settings (`Measure.spc`) when None. Raises
    KeyError for a ref that is not in the catalogue, ValueError for a malformed period, and
    sqlalchemy errors if the database cannot be read.
    """
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    catalogue.measure(ref)  # KeyError for an unknown ref
    if period is not None:
        parse_period(period)  # ValueError for a malformed period
    else:
        period = reads.latest_period(engine) or period_of(date.today())
    options = options or catalogue.measure(ref).spc
    return _detail_for_version(engine, reads.data_version(engine), catalogue, ref, period, options)


# Each app worker keeps its own copies; they never disagree, because the key includes the data version
# read from the database on every request, so an upload makes every worker compute afresh.
@lru_cache(maxsize=64)
def _detail_for_version(
    engine: Engine, version: str, catalogue: Catalogue, ref: str, period: str, options: SpcOptions
) -> MeasureDetail:
    from measures.views.summary import summary_sentence

    measure = catalogue.measure(ref)
    try:
        area: Area | None = catalogue.area(measure.area)
    except KeyError:
        area = None

    history = reads.value_history(engine, ref)
    if not history.empty:
        history = history[history["period"] <= period]
        versions = history.groupby("period")["version"].nunique()
        revised = {str(p) for p, count in versions.items() if count > 1}
    else:
        revised = set()
    frame = reads.service_series(engine, refs=[ref], up_to=period)
    series = _month_rows(measure, frame, period, revised)
    rows = {row.period: row for row in series}
    current = _row_for(rows, period)
    previous = _row_for(rows, previous_period(period))
    counted = [row for row in series if row.counted]
    chart = spc([row.value for row in counted], measure.polarity, measure.target, options)  # type: ignore[misc]
    average, average_months = _recent_average(rows, period)
    benchmarks = group_benchmarks(reads.benchmark_frame(engine, refs=[ref]))
    this_year = financial_year(period)
    comparable = [year for year in benchmarks if year.year <= this_year]
    all_periods = set(reads.service_series(engine, refs=[ref])["period"]) | {period}
    shown = round_half_up(current.value, measure.decimals) if current.counted else None

    detail = MeasureDetail(
        measure=measure,
        area=area,
        period=period,
        available_periods=tuple(sorted(all_periods)),
        series=series,
        current=current,
        previous=previous,
        same_month_last_year=_row_for(rows, shift_period(period, -12)),
        last_counted=counted[-1] if counted else None,
        year_to_date=_year_to_date(measure, rows, period),
        spc=chart,
        spc_periods=tuple(row.period for row in counted),
        direction=direction(current.value, previous.value, measure.decimals),
        judgement=judgement(current.value, previous.value, measure),
        rag=rag(shown, measure.target),
        recent_average=average,
        recent_average_months=average_months,
        benchmarks=benchmarks,
        benchmark_year=comparable[-1] if comparable else None,
        commentary=_commentary(engine, ref, period),
        revisions=_revisions(history, period),
        revised_periods=tuple(sorted(revised)),
        has_team_figures=not reads.team_series(engine, ref).empty,
    )
    return replace(detail, summary=summary_sentence(detail))
