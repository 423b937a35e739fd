"""The whole month as tables to download: a headline, one table per improvement area and the improvement plan, each
cell worded and rounded as the pages show it, for the Excel workbook and the CSV offered beside the pack's PDF.

Every verdict is the page's own: the figure at display precision (`displayed_number`), the change since last month,
the rating against target with the month of the figure it rates, the SPC reading and assurance in the words of
`measures.domain.formatting`, the national comparator line of `measures.views.national_wording`, and the month's
commentary. A month not yet published says DRAFT in its title and in every row. Text is returned as it was typed:
the writer of the file makes it safe for a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from measures.domain.catalogue import Area
from measures.domain.council import load_council
from measures.domain.formatting import (
    CHANGE_HEADLINE_LABEL,
    assurance_words,
    change_words,
    headline_assurance,
    headline_change,
    headline_spc,
    headline_target,
    polarity_text,
    reading_up_to_words,
    shown_rag,
    spc_basis_words,
    target_words,
    too_few_words,
    variation_words,
)
from measures.domain.numbers import displayed_number
from measures.domain.periods import long_label, short_label
from measures.domain.plan import brag_colour_name, brag_label
from measures.storage import catalogue_records, publications, reads
from measures.views.national_for_pages import comparators_for_pages
from measures.views.national_model import MeasureComparators, NoComparator
from measures.views.national_wording import (
    NO_COMPARATOR_SHORT,
    comparator_line,
    newer_year_note,
    no_comparator_sentence,
)
from measures.views.overview import OverviewModel, OverviewRow, build_overview
from measures.views.plan import UNRATED, ActionRow, PlanView, build_plan, counts_sentence, impact_count_sentence

Cell = str | int | float | None
DRAFT_WORDS = "DRAFT: not published"
TITLE = "Measures that Matter"


@dataclass(frozen=True)
class ExportTable:
    """One sheet of the download: its `name`, the lines of its `title` above the table, then `columns` and `rows`
    (each row one cell per column; numbers as numbers, None for an empty cell). `row_decimals`, when given, holds
    for each row the decimal places its figures are shown with, so a spreadsheet shows 68.0 as the page does."""

    name: str
    title: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_decimals: tuple[int, ...] = ()


@dataclass(frozen=True)
class MonthExport:
    """The month `period` to download: the headline, a table per area, the plan, and `draft` when the month is not
    published. `measures` is every area's rows in one table with the area named in each row (the CSV)."""

    period: str
    draft: bool
    headline: ExportTable
    areas: tuple[ExportTable, ...]
    plan: ExportTable
    measures: ExportTable

    @property
    def tables(self) -> tuple[ExportTable, ...]:
        """Every sheet of the workbook, in order: the headline, the areas, the plan."""
        return (self.headline, *self.areas, self.plan)

    @property
    def filename(self) -> str:
        """The file name without extension: 'measures-that-matter-2023-01', '...-2023-02-DRAFT' for a draft."""
        return f"measures-that-matter-{self.period}" + ("-DRAFT" if self.draft else "")


@dataclass(frozen=True)
class Publication:
    """Where the month stands in its sign-off, in words: `draft`, and `line` ('Published on 3 February 2023 by Ada
    Admin; 1 figure revised since' or 'DRAFT: not published'), which measures have a figure (`completeness`) and
    the refs of the month's figures revised since it was published (`revised`)."""

    draft: bool
    line: str
    completeness: str
    revised: frozenset[str] = frozenset()


def _day(moment: datetime | date | None) -> str:
    return f"{moment.day} {moment:%B %Y}" if moment else "an unknown day"


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def measure_columns(months: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of an area's table, with one column of figures per month of `months` (oldest first)."""
    return (
        "Ref",
        "Measure",
        "Unit",
        "Good looks like",
        "Target",
        "Objective",
        "Timescale",
        "Best practice",
        *(f"Figure {short_label(month)}" for month in months),
        "Figure as shown",
        "Numerator",
        "Denominator",
        "Value",
        "Status",
        "Revised since publication",
        "Previous month's value",
        "Direction",
        "Judgement",
        "Change since last month",
        "RAG",
        "Against target",
        "Rating of the figure of",
        "Variation (SPC)",
        "SPC note",
        "Assurance",
        "National comparator",
        "Commentary",
        "Synthetic",
    )


def _national(comparators: MeasureComparators | NoComparator | None) -> str:
    if isinstance(comparators, MeasureComparators) and comparators.latest is not None:
        later = newer_year_note(comparators)
        return comparator_line(comparators) + (f" ({later})" if later else "")
    if isinstance(comparators, NoComparator):
        return no_comparator_sentence(comparators)
    return NO_COMPARATOR_SHORT


def measure_row(
    row: OverviewRow, national: MeasureComparators | NoComparator | None, commentary: str, revised: bool = False
) -> tuple[Cell, ...]:
    """Return one measure's row of an area's table (see `measure_columns`), every number at display precision;
    `revised` when the month's figure was revised after the month was published."""
    measure, assessment, latest = row.measure, row.assessment, row.latest
    decimals = measure.decimals
    figures = [
        displayed_number(figure.value, decimals) if figure.status == "ok" and figure.value is not None else figure.text
        for figure in row.figures
    ]
    counts = latest.status == "ok" and measure.unit == "percent"
    notes = [spc_basis_words(assessment), too_few_words(measure, assessment), reading_up_to_words(assessment)]
    return (
        measure.ref,
        measure.title,
        measure.unit,
        polarity_text(measure),
        measure.target.describe() if measure.target is not None else "",
        measure.objective,
        measure.timescale,
        measure.best_practice,
        *figures,
        latest.text,
        displayed_number(latest.numerator, 0) if counts else None,
        displayed_number(latest.denominator, 0) if counts else None,
        displayed_number(assessment.value, decimals) if assessment.has_figure else None,
        assessment.status,
        _yes(revised),
        displayed_number(assessment.previous, decimals),
        assessment.direction,
        assessment.judgement,
        change_words(measure, assessment),
        shown_rag(assessment),
        target_words(assessment),
        assessment.rag_as_of or "",
        variation_words(assessment),
        " ".join(note for note in notes if note),
        assurance_words(assessment) or "",
        _national(national),
        commentary,
        _yes(latest.synthetic),
    )


PLAN_COLUMNS = (
    "Area",
    "Action",
    "Action text",
    "Lead",
    "Deadline",
    "Due by the end of",
    "BRAG",
    "BRAG meaning",
    "Rated in",
    "Overdue",
    "Stalled",
    "Completed in",
    "Progress update",
    "Measures it should move",
    "Impact since completion",
    "Synthetic",
)


def plan_row(row: ActionRow) -> tuple[Cell, ...]:
    """Return one action's row of the plan's table (see PLAN_COLUMNS): its latest rating up to the month and the
    month it was given, the flags, the newest progress update and, once completed, the impact sentences."""
    action, latest, entry = row.action, row.latest, row.entry
    return (
        action.area,
        action.number,
        action.text,
        action.lead,
        action.deadline_text,
        action.deadline,
        brag_colour_name(row.brag) if row.brag != UNRATED else "",  # "Not recorded" has no colour
        brag_label(row.brag),
        latest.period if latest is not None else "",
        _yes(row.overdue),
        _yes(row.stalled),
        row.completed or "",
        entry.progress if entry is not None else "",
        ", ".join(measure.ref for measure in row.measures),
        " ".join(line.sentence for line in row.impacts),
        _yes(latest is not None and latest.synthetic),
    )


def _title(words: str, period: str, publication: Publication) -> tuple[str, ...]:
    lines = [f"{words}, as at {long_label(period)}", publication.line]
    if publication.draft:
        lines.insert(0, f"DRAFT: {long_label(period)} is not published. These figures may change.")
    return tuple(lines)


def _headline(
    overview: OverviewModel, plan: PlanView, council: str, publication: Publication, produced: date
) -> ExportTable:
    counts = overview.summary()
    failing, failing_words, _ = headline_assurance(counts)
    plan_counts = plan.counts()
    rows: list[tuple[Cell, ...]] = [
        ("Council", council),
        ("As at", long_label(overview.as_at)),
        ("Publication", publication.line),
        ("Completeness", publication.completeness),
        ("Produced on", _day(produced)),
        *((f"SPC: {words}", number) for number, words, _ in headline_spc(counts)),
        (f"SPC assurance: {failing_words}", failing),
        *((f"{CHANGE_HEADLINE_LABEL} {words}", number) for number, words, _ in headline_change(counts)),
        (f"Against target: {headline_target(counts, overview.off_target_earlier_months())}", counts["off_target"]),
        ("Measures", counts["measures"]),
        ("Improvement areas", len(overview.groups)),
        ("Improvement plan actions", plan_counts["actions"]),
        ("Improvement plan", f"{counts_sentence(plan_counts)}; {impact_count_sentence(plan_counts)}"),
    ]
    if publication.draft:
        rows.insert(0, ("DRAFT", f"{long_label(overview.as_at)} is not published: these figures may change."))
    return ExportTable(
        "Headline", _title(f"{council}: {TITLE}", overview.as_at, publication), ("Item", "Value"), tuple(rows)
    )


def month_export(
    overview: OverviewModel,
    plan: PlanView,
    national: Mapping[str, MeasureComparators | NoComparator],
    commentary: Mapping[str, str],
    publication: Publication,
    council: str,
    produced: date,
) -> MonthExport:
    """Return the month's download from what the pages read (no database): the `overview` as at the month, the
    `plan` as at the same month, each measure's `national` comparators and `commentary` on the month, and where the
    month stands in its sign-off. Raises ValueError when the overview has no month (nothing is stored)."""
    period = overview.as_at
    columns = measure_columns(overview.columns)
    areas: list[ExportTable] = []
    every: list[tuple[Cell, ...]] = []
    every_decimals: list[int] = []
    for area, rows in overview.groups:
        cells = tuple(
            measure_row(
                row,
                national.get(row.measure.ref),
                commentary.get(row.measure.ref, ""),
                row.measure.ref in publication.revised,
            )
            for row in rows
        )
        decimals = tuple(row.measure.decimals for row in rows)
        title = _title(_area_words(area), period, publication)
        areas.append(ExportTable(f"Area {area.number}", title, columns, cells, decimals))
        every += [(period, publication.line, area.number, area.title, *cells_row) for cells_row in cells]
        every_decimals += decimals
    plan_rows = tuple(plan_row(row) for row in plan.rows)
    return MonthExport(
        period=period,
        draft=publication.draft,
        headline=_headline(overview, plan, council, publication, produced),
        areas=tuple(areas),
        plan=ExportTable("Plan", _title("Improvement plan", period, publication), PLAN_COLUMNS, plan_rows),
        measures=ExportTable(
            "Measures",
            _title(f"{council}: {TITLE}", period, publication),
            ("As at", "Publication", "Area", "Area title", *columns),
            tuple(every),
            tuple(every_decimals),
        ),
    )


def _area_words(area: Area) -> str:
    return f"Area {area.number}: {area.title}"


def publication_of(engine: Engine, period: str, refs: list[str]) -> Publication:
    """Return where `period` stands in its sign-off, in words (see `Publication`). Raises sqlalchemy errors."""
    state = publications.month_state(engine, period)
    complete = publications.completeness(engine, refs, period).sentence()
    if not state.published:
        return Publication(True, DRAFT_WORDS, complete)
    revised = frozenset(ref for ref, _ in publications.revised_figures(engine, [period]))
    line = f"Published on {_day(state.at)} by {state.actor}"
    if revised:
        line += f"; {len(revised)} figure{'s' if len(revised) != 1 else ''} revised since: {', '.join(sorted(revised))}"
    return Publication(False, line + ".", complete, revised)


def build_month_export(engine: Engine, period: str | None, visible: reads.Visible = None) -> MonthExport | None:
    """Return the download of the month `period` (default: the latest the reader may see) as a reader who may see
    the `visible` months (None: every month) sees it, or None when there is no such month with figures.
    Raises ValueError for a malformed period and sqlalchemy errors when the database cannot be read."""
    catalogue = catalogue_records.read_catalogue(engine)
    if period is not None and period not in reads.available_periods(engine, visible):
        return None
    overview = build_overview(engine, period=period, catalogue=catalogue, visible=visible)
    if overview.period is None:
        return None
    plan = build_plan(engine, overview.period, catalogue=catalogue, visible=visible)
    publication = publication_of(engine, overview.period, [measure.ref for measure in catalogue.measures])
    return month_export(
        overview,
        plan,
        comparators_for_pages(engine),
        reads.month_commentary(engine, overview.period, visible),
        publication,
        load_council().name,
        date.today(),
    )
