"""The measure page's data as plain values: a month of the series, the year to date, benchmarks, commentary,
revisions and the `MeasureDetail` that holds them with the month's `Assessment`.

Both `measures.views.measure` (which builds a MeasureDetail) and `measures.views.summary` (which words one) import
these; neither imports the other's module back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from measures.assessment.change import Direction, Judgement, Rag
from measures.assessment.model import Assessment
from measures.assessment.spc import SpcPoint, SpcResult
from measures.domain.catalogue import Area, Measure
from measures.domain.periods import long_label
from measures.views.national_model import MeasureComparators, NoComparator

Status = Literal["ok", "tbc", "new", "na", "suppressed", "missing"]
PointKind = Literal["improvement", "concern", "neither", "common", "unassessed"]
BenchmarkKind = Literal["england", "region", "neighbours", "council", "neighbour", "other"]


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
    "mean" (the average of the monthly values), "latest" (the latest figure of the year so far, for a rolling or
    year-to-date measure, whose figures are never added up or averaged; its counts as reported) or "none" (no
    month of the year has a figure).
    `label` says which, in words. `months_not_counted` lists months of the year so far without a figure.
    """

    financial_year: str
    first_period: str
    last_period: str
    method: Literal["counts", "mean", "latest", "none"]
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
    average, the council's own published figure, the named neighbours by name, then any others."""

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
class ChartNote:
    """Something that happened in a month, drawn on the measure's chart and listed under it: `kind` "event" (noted
    by an officer, e.g. "MASH co-located") or "action" (an improvement action completed that month). `text` is as
    typed: readers show it as text, never as markup."""

    period: str
    text: str
    kind: str = "event"


@dataclass(frozen=True)
class MeasureDetail:
    """Everything the measure page shows, as at `period`.

    - `series`: every month from the measure's first stored month to `period`, gaps filled with "missing".
    - `current`, `previous`, `same_month_last_year`: those months (status "missing" when there is no row).
    - `last_counted`: the newest month up to `period` with a figure (None if there is none).
    - `assessment`: the month's `Assessment`, made by `measures.assessment.assess_measure` from this series,
      the same one the overview, the area page, the pack and `assess --json` read. `direction`, `judgement`,
      `rag`, `spc` and `spc_periods` are read from it (the XmR chart over the counted months up to `period`,
      one period per point of `spc.points`).
    - `recent_average`: the mean of the counted values in the 12 months before `period`, or None when fewer
      than 6 of them have a figure or the measure's figures are rolling or year-to-date (never averaged);
      `recent_average_months` is how many were used.
    - `benchmarks`: by year, oldest first; `benchmark_year` is the newest year not after the financial year
      of `period` (the one the summary compares with), or None.
    - `commentary`: the latest text per month up to `period`, newest first.
    - `revisions`: every version of `period`'s figure, oldest first; `revised_periods`: months up to `period`
      whose figure has more than one version. For a reader of published months only (`since_publication`), the
      versions are the one in force at the month's publication and later ones, and `revised_periods` the months
      revised since their publication.
    - `summary`: the plain-English summary (see `measures.views.summary.summary_sentence`).
    - `national`: the measure's national comparators (annual, each naming its year), why it has none, or None when
      they were not read.
    - `events`: what happened in the months up to `period` (events noted on the chart, actions completed), by month.
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
    assessment: Assessment
    recent_average: float | None
    recent_average_months: int
    benchmarks: tuple[BenchmarkYear, ...]
    benchmark_year: BenchmarkYear | None
    commentary: tuple[CommentaryEntry, ...]
    revisions: tuple[Revision, ...]
    revised_periods: tuple[str, ...]
    has_team_figures: bool
    summary: str = ""
    since_publication: bool = False
    national: MeasureComparators | NoComparator | None = None
    events: tuple[ChartNote, ...] = ()

    @property
    def direction(self) -> Direction:
        """The change since the previous month at display precision (the Assessment's)."""
        return self.assessment.direction

    @property
    def judgement(self) -> Judgement:
        """Whether that change is better, worse or the same (the Assessment's)."""
        return self.assessment.judgement

    @property
    def rag(self) -> Rag:
        """This month's figure against the target (the Assessment's)."""
        return self.assessment.rag

    @property
    def spc(self) -> SpcResult:
        """The XmR chart over the months with a figure up to `period` (the Assessment's)."""
        return self.assessment.spc

    @property
    def spc_periods(self) -> tuple[str, ...]:
        """The months of the SPC chart's points, oldest first (the Assessment's)."""
        return self.assessment.spc_periods

    @property
    def small_denominator(self) -> bool:
        """True when this month has a figure and its denominator is below 10, so its percentage should be read
        with care (the Assessment's flag, as on every page)."""
        return self.assessment.small_denominator

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
        cause, or "unassessed" when there are too few months for SPC or no SPC reading. Raises nothing."""
        return point_kind(point, self.measure.polarity, self.spc.variation in ("insufficient", "no-reading"))


def point_kind(point: SpcPoint, polarity: str, insufficient: bool = False) -> PointKind:
    """Return how one SPC point reads for a measure of this polarity.

    A high-side special-cause point is "improvement" when higher is better and "concern" when lower is
    better (the low side the reverse); for `range` and `none` measures it is "neither". Points that are not
    special cause are "common"; with `insufficient` (too few months for limits) every point is "unassessed", as is a
    point of a segment too short for limits of its own.
    Raises nothing.
    """
    if insufficient or not point.assessed:
        return "unassessed"
    if not point.special_cause or point.side is None:
        return "common"
    if polarity in ("higher", "lower"):
        improving = "high" if polarity == "higher" else "low"
        return "improvement" if point.side == improving else "concern"
    return "neither"
