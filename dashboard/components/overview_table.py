"""The Measures that Matter table: grouped by area, figures for the last months, computed change,
target rating, SPC variation and a trend line. Every judgement carries words as well as colour."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.charts.sparkline import sparkline
from dashboard.components.palette import SYNTHETIC_MARK
from measures.assessment.model import Assessment
from measures.domain.formatting import (
    ASSURANCE_TEXT,
    DIRECTION_ARROW,
    RAG_TEXT,
    STATUS_EXPLANATION,
    VARIATION_TEXT,
    change_text,
    polarity_text,
)
from measures.domain.periods import long_label, short_label
from measures.views.overview import MonthFigure, OverviewModel, OverviewRow


def _figure_cell(figure: MonthFigure, is_latest: bool) -> html.Td:
    classes = ["figure"]
    content: list = [figure.text]
    if figure.status != "ok":
        classes.append(f"status-{figure.status}")
    if figure.synthetic:
        classes.append("synthetic")
        content.append(
            html.Sup(SYNTHETIC_MARK, title="Synthetic demonstration figure, not real data", className="synthetic-mark")
        )
        content.append(html.Span(" (synthetic)", className="visually-hidden"))
    if is_latest:
        classes.append("latest")
    title = STATUS_EXPLANATION.get(figure.status, "") or figure.note
    return html.Td(content, className=" ".join(classes), title=title or None)


def _change_cell(assessment: Assessment) -> html.Td:
    direction = assessment.direction
    judgement = assessment.judgement
    arrow = DIRECTION_ARROW.get(direction, "")
    return html.Td(
        [
            html.Span(arrow, className="arrow", **{"aria-hidden": "true"}) if arrow else None,
            html.Span(change_text(direction, judgement)),
        ],
        className=f"change judgement-{judgement}",
    )


def _rag_cell(row: OverviewRow) -> html.Td:
    rag = row.assessment.rag
    target = row.measure.target
    text = RAG_TEXT.get(rag, "No target")
    if rag == "none" and target is not None:
        text = "Not rated: no figure"
    children: list = [html.Span(text, className=f"badge rag-{rag}")]
    if target is not None:
        children.append(html.Span(f"Target: {target.describe()}", className="small muted block"))
    return html.Td(children, className="rag")


def spc_reading_note(row: OverviewRow) -> str | None:
    """Return "Up to <month>" when the month shown has no figure (TBC, not applicable, suppressed, missing) but an
    SPC reading exists: the reading is of the earlier months, and must not pass for a reading of this one."""
    if row.latest.status == "ok" or row.assessment.variation == "insufficient":
        return None
    return f"Up to {long_label(row.trend[-1][0])}" if row.trend else None


def _spc_cell(row: OverviewRow) -> html.Td:
    variation = row.assessment.variation
    assurance = row.assessment.assurance
    text = VARIATION_TEXT.get(variation, variation)
    children: list = [html.Span(text, className=f"badge variation-{variation}")]
    if variation == "insufficient":
        points = row.assessment.spc_points
        if points is not None:
            children.append(
                html.Span(f"{points} of {row.measure.spc.minimum_points} months", className="small muted block")
            )
    note = spc_reading_note(row)
    if note:
        children.append(html.Span(note, className="small muted block spc-reading"))
    if ASSURANCE_TEXT.get(assurance):
        children.append(html.Span(ASSURANCE_TEXT[assurance], className="small block"))
    return html.Td(children, className="spc")


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


def _row(row: OverviewRow, period: str | None, committee_columns: bool) -> html.Tr:
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
            *[_figure_cell(figure, index == last) for index, figure in enumerate(row.figures)],
            _change_cell(row.assessment),
            _rag_cell(row),
            _spc_cell(row),
            html.Td(sparkline(row.measure, row.trend, row.latest.period), className="trend"),
            *(_committee_cells(row) if committee_columns else []),
        ],
        id=f"measure-{row.measure.ref.replace('.', '-')}",
        className="measure-row",
        **{"data-ref": row.measure.ref},
    )


def overview_table(model: OverviewModel, committee_columns: bool = False) -> html.Table:
    """Return the accessible HTML table of the overview model; `committee_columns` adds the committee's
    objective, timescale and best-practice columns."""
    columns = len(model.columns) + 7 + (3 if committee_columns else 0)
    query = f"?period={model.period}" if model.period else ""
    header = html.Tr(
        [
            html.Th("Ref", scope="col"),
            html.Th("Measure", scope="col"),
            html.Th("Good looks like", scope="col"),
            *[html.Th(short_label(period), scope="col", className="figure") for period in model.columns],
            html.Th("Change since last month", scope="col"),
            html.Th("Against target", scope="col"),
            html.Th("Variation (SPC)", scope="col"),
            html.Th("Trend, last 24 months", scope="col"),
            *(
                [html.Th(name, scope="col") for name in ("Objective", "Timescale for progress", "Best practice")]
                if committee_columns
                else []
            ),
        ]
    )
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
                    id=f"area-{area.number}",
                ),
                className="area-row",
            )
        )
        body.extend(_row(row, model.period, committee_columns) for row in rows)
    caption = f"Measures that Matter as at {long_label(model.period)}" if model.period else "Measures that Matter"
    return html.Table(
        [html.Caption(caption, className="visually-hidden"), html.Thead(header), html.Tbody(body)],
        className="mtm-table",
    )
