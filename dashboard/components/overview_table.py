"""The Measures that Matter table: grouped by area, figures for the last months, computed change,
target rating, SPC variation and a trend line. Every judgement carries words as well as colour."""

from __future__ import annotations

from dash import html

from dashboard.components.sparkline import sparkline
from measures.formatting import (
    ASSURANCE_TEXT,
    DIRECTION_ARROW,
    RAG_TEXT,
    STATUS_EXPLANATION,
    VARIATION_TEXT,
    change_text,
    polarity_text,
)
from measures.overview import MonthFigure, OverviewModel, OverviewRow
from measures.periods import long_label, short_label

SYNTHETIC_MARK = "†"


def _figure_cell(figure: MonthFigure, is_latest: bool) -> html.Td:
    classes = ["figure"]
    content: list = [figure.text]
    if figure.status != "ok":
        classes.append(f"status-{figure.status}")
    if figure.synthetic:
        classes.append("synthetic")
        content.append(html.Sup(SYNTHETIC_MARK, title="Synthetic demonstration figure, not real data",
                                className="synthetic-mark"))
        content.append(html.Span(" (synthetic)", className="visually-hidden"))
    if is_latest:
        classes.append("latest")
    title = STATUS_EXPLANATION.get(figure.status, "") or figure.note
    return html.Td(content, className=" ".join(classes), title=title or None)


def _change_cell(assessment: dict) -> html.Td:
    direction = assessment.get("direction", "none")
    judgement = assessment.get("judgement", "none")
    arrow = DIRECTION_ARROW.get(direction, "")
    return html.Td(
        [html.Span(arrow, className="arrow", **{"aria-hidden": "true"}) if arrow else None,
         html.Span(change_text(direction, judgement))],
        className=f"change judgement-{judgement}",
    )


def _rag_cell(row: OverviewRow) -> html.Td:
    rag = row.assessment.get("rag", "none")
    target = row.measure.target
    children: list = [html.Span(RAG_TEXT.get(rag, "No target"), className=f"badge rag-{rag}")]
    if target is not None:
        children.append(html.Span(f"Target: {target.describe()}", className="small muted block"))
    return html.Td(children, className="rag")


def _spc_cell(row: OverviewRow) -> html.Td:
    variation = row.assessment.get("variation", "insufficient")
    assurance = row.assessment.get("assurance", "none")
    text = VARIATION_TEXT.get(variation, variation)
    children: list = [html.Span(text, className=f"badge variation-{variation}")]
    if variation == "insufficient":
        points = row.assessment.get("spc_points")
        if points is not None:
            children.append(html.Span(f"{points} of 12 months", className="small muted block"))
    if ASSURANCE_TEXT.get(assurance):
        children.append(html.Span(ASSURANCE_TEXT[assurance], className="small block"))
    return html.Td(children, className="spc")


def _measure_cell(row: OverviewRow) -> html.Td:
    measure = row.measure
    children: list = [html.Span(measure.short_title, className="measure-name"),
                      html.Span(measure.title, className="measure-title small muted block")]
    if "polarity-doubtful" in measure.flags:
        children.append(html.Span("Check: the source's 'good looks like' may be wrong for this measure.",
                                  className="small flag block"))
    if row.assessment.get("small_denominator"):
        children.append(html.Span("Small numbers: fewer than 10 in the denominator, read with care.",
                                  className="small flag block"))
    return html.Td(children, className="measure")


def _row(row: OverviewRow) -> html.Tr:
    last = len(row.figures) - 1
    return html.Tr(
        [
            html.Th(row.measure.ref, scope="row", className="ref"),
            _measure_cell(row),
            html.Td(polarity_text(row.measure), className="polarity small"),
            *[_figure_cell(figure, index == last) for index, figure in enumerate(row.figures)],
            _change_cell(row.assessment),
            _rag_cell(row),
            _spc_cell(row),
            html.Td(sparkline(row.measure, row.trend), className="trend"),
        ],
        id=f"measure-{row.measure.ref.replace('.', '-')}",
        className="measure-row",
        **{"data-ref": row.measure.ref},
    )


def overview_table(model: OverviewModel) -> html.Table:
    """Return the accessible HTML table of the overview model."""
    columns = len(model.columns) + 7
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
        ]
    )
    body = []
    for area, rows in model.groups:
        body.append(
            html.Tr(
                html.Th(
                    [html.Span(f"{area.number}. {area.title}", className="area-title"),
                     html.Span(area.description, className="area-description small")],
                    colSpan=columns, scope="colgroup", id=f"area-{area.number}",
                ),
                className="area-row",
            )
        )
        body.extend(_row(row) for row in rows)
    caption = f"Measures that Matter as at {long_label(model.period)}" if model.period else "Measures that Matter"
    return html.Table(
        [html.Caption(caption, className="visually-hidden"), html.Thead(header), html.Tbody(body)],
        className="mtm-table",
    )
