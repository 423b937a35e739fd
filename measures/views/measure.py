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

import pandas as pd
from sqlalchemy import Engine

from measures.assessment.assess import assess_measure
from measures.assessment.change import small_denominator
from measures.assessment.model import Assessment
from measures.domain.catalogue import Area, Catalogue, Measure
from measures.domain.comparators import KIND_ORDER, comparator_kind
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
from measures.storage import assessments as stored
from measures.storage import catalogue_records, chart_changes, plan, publications, reads
from measures.views.measure_model import (
    Benchmark,
    BenchmarkKind,
    BenchmarkYear,
    ChartNote,
    CommentaryEntry,
    MeasureDetail,
    MonthRow,
    PointKind,
    Revision,
    Status,
    YearToDate,
    point_kind,
)
from measures.views.national import measure_comparators
from measures.views.national_model import MeasureComparators, NoComparator
from measures.views.summary import summary_sentence

__all__ = [
    "Benchmark",
    "BenchmarkKind",
    "BenchmarkYear",
    "ChartNote",
    "CommentaryEntry",
    "MeasureDetail",
    "MeasureInputs",
    "MonthRow",
    "PointKind",
    "Revision",
    "Status",
    "YearToDate",
    "benchmark_kind",
    "build_measure_detail",
    "group_benchmarks",
    "load_measure_inputs",
    "measure_detail",
    "point_kind",
]


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


def _benchmark_order(benchmark: Benchmark) -> tuple[int, str]:
    return (KIND_ORDER[benchmark.kind], benchmark.comparator)


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
        value = _number(record["value"]) if status == "ok" else None
        stored[record["period"]] = MonthRow(
            period=record["period"],
            numerator=_number(record["numerator"]),
            denominator=denominator,
            value=value,
            status=status,  # type: ignore[arg-type]
            synthetic=bool(record["synthetic"]),
            note=str(record.get("note") or ""),
            small_denominator=status == "ok" and value is not None and small_denominator(denominator),
            revised=record["period"] in revised,
        )
    if not stored:
        return ()
    return tuple(stored.get(p, MonthRow(p)) for p in period_range(min(stored), period))


def _row_for(rows: dict[str, MonthRow], period: str) -> MonthRow:
    return rows.get(period, MonthRow(period))


def _latest_of_year(
    measure: Measure, heading: str, start: str, period: str, months: list[MonthRow], not_counted: tuple[str, ...]
) -> YearToDate:
    """The year-to-date card of a rolling or year-to-date measure: its latest figure of the year so far, never an
    average or a sum of figures that already cover several months."""
    year = financial_year(period)
    counted = [row for row in months if row.counted]
    if not counted:
        return YearToDate(
            year, start, period, "none", f"{heading}: no figures yet", None, None, None, 0, not_counted, False
        )
    latest = counted[-1]
    if measure.basis == "year-to-date":
        span = long_label(latest.period) if latest.period == start else f"April to {long_label(latest.period)}"
        what = f"the latest year-to-date figure, for {span} as reported"
    else:
        what = (
            f"the latest rolling-year figure, for the 12 months to {long_label(latest.period)}; rolling figures "
            "are not added up or averaged"
        )
    return YearToDate(
        year,
        start,
        period,
        "latest",
        f"{heading}: {what}",
        latest.value,
        latest.numerator,
        latest.denominator,
        1,
        not_counted,
        latest.synthetic,
    )


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
    if measure.basis != "month":
        return _latest_of_year(measure, heading, start, period, months, not_counted)
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


def _commentary(frame: pd.DataFrame, period: str) -> tuple[CommentaryEntry, ...]:
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


def _recent_average(measure: Measure, rows: dict[str, MonthRow], period: str) -> tuple[float | None, int]:
    """The average of the previous months' figures and how many there were; none for a rolling or year-to-date
    measure, whose figures overlap and are never averaged."""
    if measure.basis != "month":
        return None, 0
    window = period_range(shift_period(period, -RECENT_MONTHS), previous_period(period))
    values = [rows[p].value for p in window if p in rows and rows[p].counted]
    if len(values) < MINIMUM_RECENT_MONTHS:
        return None, len(values)
    return sum(values) / len(values), len(values)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class MeasureInputs:
    """What the measure page is computed from, as read from the database for one measure (every month).

    - `service`: the whole-service rows (`reads.service_series`), oldest first;
    - `history`: every recorded version of its figures (`reads.value_history`);
    - `benchmarks`: its benchmark rows (`reads.benchmark_frame`);
    - `commentary`: its commentary entries, oldest first (`reads.commentary_frame`);
    - `has_team_figures`: whether any team figure is stored for it;
    - `revised_since_publication`: for a reader of published months only, the months whose figure was revised after
      their publication (`publications.revised_figures`); None for a reader of every version, whose revised months
      are those with more than one version;
    - `national`: its national comparators, or why it has none (None: not read);
    - `events`: what happened in its months (`chart_notes`);
    - `assessment`: its assessment already made from these rows (`measures.storage.assessments`), used for the
      month it is as at instead of making it again (None: made from `service`).
    """

    measure: Measure
    area: Area | None
    service: pd.DataFrame
    history: pd.DataFrame
    benchmarks: pd.DataFrame
    commentary: pd.DataFrame
    has_team_figures: bool
    revised_since_publication: frozenset[str] | None = None
    national: MeasureComparators | NoComparator | None = None
    events: tuple[ChartNote, ...] = ()
    assessment: Assessment | None = None


def load_measure_inputs(engine: Engine, catalogue: Catalogue, ref: str, visible: reads.Visible = None) -> MeasureInputs:
    """Return everything `measure_detail` needs about measure `ref`, for every `visible` month (None: every month),
    in five queries (six for a reader limited to `visible` months, whose revised months are those revised since
    publication), and its national comparators (public statistics: no publication step).

    Raises KeyError for a ref that is not in `catalogue`, and sqlalchemy errors if the database cannot be read.
    """
    measure = catalogue.measure(ref)
    try:
        area: Area | None = catalogue.area(measure.area)
    except KeyError:
        area = None
    return MeasureInputs(
        measure=measure,
        area=area,
        service=reads.service_series(engine, refs=[ref], visible=visible),
        history=reads.value_history(engine, ref, visible=visible),
        benchmarks=reads.benchmark_frame(engine, refs=[ref]),
        commentary=reads.commentary_frame(engine, ref, visible),
        has_team_figures=reads.has_team_figures(engine, ref, visible),
        national=measure_comparators(engine, ref),
        events=chart_notes(engine, ref, visible),
        revised_since_publication=None
        if visible is None
        else frozenset(
            period
            for (revised_ref, period) in publications.revised_figures(engine, sorted(visible))
            if revised_ref == ref
        ),
    )


def measure_detail(inputs: MeasureInputs, period: str) -> MeasureDetail:
    """Return the measure in depth as at `period` ('YYYY-MM'), computed from `inputs` alone (no database).

    Nothing after `period` is used. The month's judgements are the `Assessment` of
    `measures.assessment.assess_measure` over the same monthly rows, so they are the ones every other page shows.
    Raises ValueError for a malformed period.
    """
    parse_period(period)
    measure = inputs.measure.as_at(period)  # the target in force in the month, on every part of the page
    history = inputs.history
    if not history.empty:
        history = history[history["period"] <= period]
        versions = history.groupby("period")["version"].nunique()
        revised = {str(p) for p, count in versions.items() if count > 1}
    else:
        revised = set()
    if inputs.revised_since_publication is not None:
        revised = {p for p in inputs.revised_since_publication if p <= period}
    service = inputs.service
    frame = service[service["period"] <= period] if not service.empty else service
    series = _month_rows(measure, frame, period, revised)
    rows = {row.period: row for row in series}
    current = _row_for(rows, period)
    counted = [row for row in series if row.counted]
    average, average_months = _recent_average(measure, rows, period)
    benchmarks = group_benchmarks(inputs.benchmarks)
    this_year = financial_year(period)
    comparable = [year for year in benchmarks if year.year <= this_year]
    all_periods = (set(service["period"]) if not service.empty else set()) | {period}

    detail = MeasureDetail(
        measure=measure,
        area=inputs.area,
        period=period,
        available_periods=tuple(sorted(all_periods)),
        series=series,
        current=current,
        previous=_row_for(rows, previous_period(period)),
        same_month_last_year=_row_for(rows, shift_period(period, -12)),
        last_counted=counted[-1] if counted else None,
        year_to_date=_year_to_date(measure, rows, period),
        assessment=inputs.assessment
        if inputs.assessment is not None and inputs.assessment.period == period
        else assess_measure(measure, series, period),
        recent_average=average,
        recent_average_months=average_months,
        benchmarks=benchmarks,
        benchmark_year=comparable[-1] if comparable else None,
        commentary=_commentary(inputs.commentary, period),
        revisions=_revisions(history, period),
        revised_periods=tuple(sorted(revised)),
        has_team_figures=inputs.has_team_figures,
        since_publication=inputs.revised_since_publication is not None,
        national=inputs.national,
        events=tuple(note for note in inputs.events if note.period <= period),
    )
    return replace(detail, summary=summary_sentence(detail))


def chart_notes(engine: Engine, ref: str, visible: reads.Visible = None) -> tuple[ChartNote, ...]:
    """Return what happened in measure `ref`'s `visible` months (None: every month), by month: the events noted on
    its chart and the improvement actions linked to it completed in those months (read on the `visible` months'
    ratings, each in the month its final run of Blue began). Raises sqlalchemy errors if the database cannot be
    read."""
    notes = [ChartNote(event.period, event.text, "event") for event in chart_changes.chart_events(engine, ref, visible)]
    notes += [
        ChartNote(month, f"{action.number} {action.text}", "action")
        for action, month in plan.completed_actions(engine, ref, visible=visible)
        if visible is None or month in visible
    ]
    return tuple(sorted(notes, key=lambda note: note.period))


def build_measure_detail(
    engine: Engine,
    ref: str,
    period: str | None = None,
    catalogue: Catalogue | None = None,
    visible: reads.Visible = None,
) -> MeasureDetail:
    """Return the measure `ref` in depth as at `period` ('YYYY-MM'): `measure_detail` over
    `load_measure_inputs`, reused while the data version and the catalogue are unchanged.

    `period` defaults to the latest month with any whole-service figure (the month the overview table is
    "as at"), or the current calendar month when the database holds no figures. Nothing after `period` is
    used, and only the `visible` months are read (None: every month). Raises KeyError for a ref that is not in the
    catalogue, ValueError for a malformed period, and
    sqlalchemy errors if the database cannot be read.
    """
    catalogue = catalogue or catalogue_records.read_catalogue(engine)
    catalogue.measure(ref)  # KeyError for an unknown ref
    if period is not None:
        parse_period(period)  # ValueError for a malformed period
    else:
        period = reads.latest_period(engine, visible) or period_of(date.today())
    return _detail_for_version(engine, reads.data_version(engine), catalogue, ref, period, visible)


# Each app worker keeps its own copies; they never disagree, because the key includes the data version
# read from the database on every request, so an upload makes every worker compute afresh.
# The assessment itself is kept in the database per data version, shared with the overview and every worker.
@lru_cache(maxsize=64)
def _detail_for_version(
    engine: Engine, version: str, catalogue: Catalogue, ref: str, period: str, visible: reads.Visible
) -> MeasureDetail:
    inputs = load_measure_inputs(engine, catalogue, ref, visible)
    made = stored.reuse(engine, version, [inputs.measure], period, visible)
    detail = measure_detail(replace(inputs, assessment=made.found.get(ref)), period)
    made.keep([detail.assessment])
    return detail
