"""The Measures that Matter table: grouped by area, figures for the last months, computed change,
target rating, SPC variation and a trend line. Every judgement carries words as well as colour."""

from __future__ import annotations

from collections.abc import Mapping

from dash import dcc, html

from dashboard.components.charts.sparkline import sparkline
from dashboard.components.judgements import change_cell, figure_cell, target_cell, variation_cell
from dashboard.components.national import Comparators, comparator_cell
from dashboard.components.publication import revised_mark
from dashboard.components.stacked_table import STACKED, label_cells
from measures.domain.formatting import polarity_text
from measures.domain.periods import long_label, short_label
from measures.storage.publications import Revision
from measures.views.overview import MonthFigure, OverviewModel, OverviewRow

NATIONAL_HEADING = "National comparison, latest year"
COMMITTEE_HEADINGS = ("Objective", "Timescale for progress", "Best practice")
Revisions = Mapping[tuple[str, str], Revision]


def _measure_cell(row: OverviewRow, query: str) -> html.Td:
    measure = row.measure
    children: list = [
        dcc.Link(measure.short_title, href=f"/measure/{measure.ref}{query}", className="measure-name"),
        html.Span(measure.title, className="measure-title small muted block"),
    ]
    if "polarity-doubtful" in measure.flags:
        children.append(
            html.Span(
                "Check: the source's 'good looks like' may be wrong for this measure.", className="small flag block"
            )
        )
    if "polarity-from-target" in measure.flags:
        children.append(
            html.Span(
                "Check: the source does not say whether higher or lower is better; it is taken from the target.",
                className="small flag block",
            )
        )
    if row.assessment.small_denominator:
        children.append(
            html.Span("Small numbers: fewer than 10 in the denominator, read with care.", className="small flag block")
        )
    return html.Td(children, className="measure")


def _committee_cells(row: OverviewRow) -> list[html.Td]:
    measure = row.measure
    return [
        html.Td(text or "Not stated", className="committee small")
        for text in (measure.objective, measure.timescale, measure.best_practice)
    ]


def figure_cell_marked(row: OverviewRow, figure: MonthFigure, latest: bool, revised: Revisions) -> html.Td:
    """The month's figure, with the revised mark when it changed after its month was published."""
    cell = figure_cell(figure, latest)
    mark = revised_mark(row.measure, revised.get((row.measure.ref, figure.period)))
    if mark is not None:
        children = cell.children if isinstance(cell.children, list) else [cell.children]
        cell.children = [*children, " ", mark]
    return cell


def _row(
    row: OverviewRow,
    period: str | None,
    committee_columns: bool,
    revised: Revisions,
    national: Mapping[str, Comparators] | None,
) -> html.Tr:
    last = len(row.figures) - 1
    query = f"?period={period}" if period else ""
    return html.Tr(
        [
            html.Th(
                dcc.Link(
                    row.measure.ref,
                    href=f"/measure/{row.measure.ref}{query}",
                    title=f"Measure {row.measure.ref} in detail",
                ),
                scope="row",
                className="ref",
            ),
            _measure_cell(row, query),
            html.Td(polarity_text(row.measure), className="polarity small"),
            *[figure_cell_marked(row, figure, index == last, revised) for index, figure in enumerate(row.figures)],
            change_cell(row.measure, row.assessment),
            target_cell(row.measure, row.assessment),
            variation_cell(row.measure, row.assessment),
            html.Td(sparkline(row.measure, row.trend, row.latest.period), className="trend"),
            *([comparator_cell(national.get(row.measure.ref), row.measure.ref)] if national is not None else []),
            *(_committee_cells(row) if committee_columns else []),
        ],
        id=f"measure-{row.measure.ref.replace('.', '-')}",
        className="measure-row",
        **{"data-ref": row.measure.ref},
    )


def overview_table(
    model: OverviewModel,
    committee_columns: bool = False,
    revised: Revisions | None = None,
    national: Mapping[str, Comparators] | None = None,
) -> html.Table:
    """Return the accessible HTML table of the overview model; `committee_columns` adds the committee's
    objective, timescale and best-practice columns; `revised` (by ref and month) marks the figures revised since
    their month was published; `national` (by ref) adds the national comparison of the latest published year."""
    columns = len(model.columns) + 7 + (3 if committee_columns else 0) + (1 if national is not None else 0)
    query = f"?period={model.period}" if model.period else ""
    headings = [
        "Ref",
        "Measure",
        "Good looks like",
        *[short_label(period) for period in model.columns],
        "Change since last month",
        "Against target",
        "Variation (SPC)",
        "Trend, last 24 months",
        *([NATIONAL_HEADING] if national is not None else []),
        *(COMMITTEE_HEADINGS if committee_columns else []),
    ]
    months = range(3, 3 + len(model.columns))
    header = html.Tr(
        [
            html.Th(
                text,
                scope="col",
                role="columnheader",
                className="figure" if index in months else "national" if text == NATIONAL_HEADING else None,
            )
            for index, text in enumerate(headings)
        ],
        role="row",
    )
    # Stacked on a narrow screen, a row starts with its ref and measure, which need no label.
    cell_labels = ["", "", *headings[2:]]
    body = []
    for area, rows in model.groups:
        body.append(
            html.Tr(
                html.Th(
                    [
                        dcc.Link(
                            f"{area.number}. {area.title}", href=f"/area/{area.number}{query}", className="area-title"
                        ),
                        html.Span(area.description, className="area-description small"),
                    ],
                    colSpan=columns,
                    scope="colgroup",
                    role="columnheader",
                    id=f"area-{area.number}",
                ),
                className="area-row",
                role="row",
            )
        )
        measure_rows = [_row(row, model.period, committee_columns, revised or {}, national) for row in rows]
        body.extend(label_cells(measure_rows, cell_labels))
    caption = f"Measures that Matter as at {long_label(model.period)}" if model.period else "Measures that Matter"
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(header, role="rowgroup"),
            html.Tbody(body, role="rowgroup"),
        ],
        className=" ".join(
            [
                "mtm-table",
                STACKED,
                *(["with-committee"] if committee_columns else []),
                *(["with-national"] if national else []),
            ]
        ),
        role="table",
    )
