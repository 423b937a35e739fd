"""The pieces that show national comparators: the overview's cell, the measure page's annual chart and table by
year, the table of every council, and the source credit every page with national figures carries.

The words come from `measures.views.national_wording` only; every figure names its year, and national figures are
drawn on their own annual chart, never across the months of the SPC chart as if they were a month's.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard.components.charts.chart_text import plain_text
from dashboard.components.charts.figure_data import figure as plain_figure
from dashboard.components.charts.figure_data import scatter
from dashboard.components.charts.spc_chart import graph_config
from dashboard.components.charts.template import FONT_SIZE
from dashboard.components.palette import BENCHMARK_COLOURS
from dashboard.components.reading_help import section_href
from measures.domain.national_years import parse_year
from measures.domain.numbers import displayed_number
from measures.views.national_model import ComparatorYear, EveryCouncil, MeasureComparators, NoComparator
from measures.views.national_wording import (
    CREDIT_LINE,
    LICENCE_LINE,
    NO_COMPARATOR_SHORT,
    NO_FIGURE,
    QUARTILE_MEANING,
    RANK_MEANING,
    SEPARATOR,
    comparator_line,
    edition_text,
    figure_or_status,
    newer_year_note,
    quartile_hint,
    quartile_text,
    value_text,
    year_text,
)

Comparators = MeasureComparators | NoComparator
# How each series of the annual chart is told apart without colour: its line's dash and its marker's shape.
SERIES_STYLE: dict[str, dict[str, str]] = {
    "council": {"dash": "solid", "symbol": "circle", "colour": BENCHMARK_COLOURS["council"]},
    "england": {"dash": "dashdot", "symbol": "square", "colour": BENCHMARK_COLOURS["england"]},
    "region": {"dash": "longdash", "symbol": "diamond", "colour": BENCHMARK_COLOURS["region"]},
    "neighbours": {"dash": "dot", "symbol": "triangle-up", "colour": BENCHMARK_COLOURS["neighbours"]},
}
COUNCIL_ROW = "council-row"  # the council's own row, the target of "Go to the council's row"
SORTS = {"rank": "Rank", "name": "Authority", "region": "Region", "value": "Figure"}


def credit(extra: str = "") -> html.P:
    """The source credit every page with national figures carries, with the licence."""
    return html.P(
        [html.Strong(CREDIT_LINE), f". {LICENCE_LINE}", f" {extra}" if extra else ""], className="national-credit small"
    )


def national_meaning() -> html.P:
    """What a rank and a quartile band mean and that national figures are annual, with a link to read more."""
    return html.P(
        [
            f"National figures are annual. {RANK_MEANING} {QUARTILE_MEANING} ",
            dcc.Link(
                [
                    "How to read national comparisons",
                    html.Span(" (How to read these pages)", className="visually-hidden"),
                ],
                href=section_href("national"),
                className="small",
            ),
        ],
        className="national-meaning small",
    )


def short_line(comparators: MeasureComparators, year: ComparatorYear | None = None) -> list:
    """The short line of a year's comparators as page content: the quartile letter carries its meaning as a
    tooltip, and a screen reader hears it in words ('quartile C (A is the best quarter)')."""
    chosen = year or comparators.latest
    if chosen is None:
        return [comparator_line(comparators)]
    if not chosen.quartile:
        return [comparator_line(comparators, chosen)]
    without = comparator_line(comparators, chosen)[: -len(SEPARATOR + chosen.quartile)]
    return [
        without,
        SEPARATOR,
        html.Abbr(
            chosen.quartile, title=quartile_hint(chosen.quartile), className="quartile", **{"aria-hidden": "true"}
        ),
        html.Span(quartile_text(chosen.quartile), className="visually-hidden"),
    ]


def comparator_cell(comparators: Comparators | None, ref: str) -> html.Td:
    """The overview's cell for one measure: the latest year's short line with a link to the measure's national
    figures, or a short honest cell saying there is no comparator, its reason one click away."""
    if isinstance(comparators, MeasureComparators) and comparators.latest is not None:
        return html.Td(
            [
                html.Span(short_line(comparators), className="national-line"),
                html.Span(newer_year_note(comparators), className="national-later block")
                if newer_year_note(comparators)
                else None,
                dcc.Link(
                    ["Compared nationally", html.Span(f" (measure {ref})", className="visually-hidden")],
                    href=f"/measure/{ref}#national-heading",
                    className="small block",
                ),
            ],
            className="national small",
        )
    if isinstance(comparators, NoComparator):
        reason = comparators.reason.strip() or "The catalogue gives no reason."
    elif isinstance(comparators, MeasureComparators):
        reason = "No national figures for this measure's item have been imported."
    else:
        reason = "No national figures have been imported for this measure."
    return html.Td(
        html.Details(
            [
                html.Summary([NO_COMPARATOR_SHORT, ": ", html.Span("why?", className="why")]),
                html.P(reason, className="small"),
            ],
            className="no-comparator",
        ),
        className="national small",
    )


def _year_axis_label(year: ComparatorYear) -> str:
    return plain_text(year_text(year))


def _series(comparators: MeasureComparators) -> list[tuple[str, str, list[float | None], list[str]]]:
    """Each line of the annual chart: kind, name, a value per year and what a missing value means (the council's
    published marker: "suppressed", "not published"; the comparators carry none)."""
    years = comparators.years
    no_status = ["" for _ in years]
    return [
        (
            "council",
            f"{comparators.council} (annual figure)",
            [y.council for y in years],
            [y.council_status for y in years],
        ),
        ("england", comparators.england or "England", [y.england for y in years], no_status),
        ("region", comparators.region, [y.region for y in years], no_status),
        ("neighbours", "Statistical neighbours' average", [y.neighbours_average for y in years], no_status),
    ]


def national_figure(comparators: MeasureComparators) -> dict:
    """Return the annual chart, as plotly's figure data (a dict): one point per published year for the council,
    England, the region and the neighbours' average, each with its own line dash and marker shape as well as colour,
    the x axis the years as readers write them. A year without a figure leaves a gap, never a zero."""
    labels = [_year_axis_label(year) for year in comparators.years]
    unit, decimals = comparators.unit, comparators.decimals
    data = []
    for kind, name, values, statuses in _series(comparators):
        if kind == "region" and not name:
            continue
        if all(value is None for value in values):
            continue
        style = SERIES_STYLE[kind]
        hover = [
            f"{plain_text(name)}: {figure_or_status(value, status, unit, decimals)} in {label}"
            for value, status, label in zip(values, statuses, labels, strict=True)
        ]
        data.append(
            scatter(
                x=labels,
                y=values,
                name=plain_text(name),
                mode="lines+markers",
                connectgaps=False,
                line={"color": style["colour"], "dash": style["dash"], "width": 3 if kind == "council" else 2},
                marker={"symbol": style["symbol"], "size": 11 if kind == "council" else 9, "color": style["colour"]},
                customdata=[[text] for text in hover],
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )
    axis_title = {"percent": "Per cent", "count": "Number", "average": "Average", "rate": "Rate"}.get(unit, "Figure")
    return plain_figure(
        data,
        font={"size": FONT_SIZE},
        height=420,
        margin={"l": 64, "r": 16, "t": 16, "b": 56},
        # Above the plot, so that on a phone the key wraps upwards instead of over the years' axis.
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 13}},
        showlegend=True,
        xaxis={
            "type": "category",
            "title": {"text": "Year (national figures are annual)"},
            "showline": True,
            "tickangle": -45 if len(labels) > 6 else 0,
        },
        yaxis={
            **({"range": [0, 100], "ticksuffix": "%"} if unit == "percent" else {"rangemode": "tozero"}),
            "showline": True,
            "title": {"text": axis_title},
        },
    )


def national_graph(comparators: MeasureComparators, graph_id: str, filename: str) -> dcc.Graph:
    """Return the annual chart as a dcc.Graph with the download configuration."""
    return dcc.Graph(
        id=graph_id, figure=national_figure(comparators), config=graph_config(filename), className="national-graph"
    )


def _cell(value: float | None, status: str, unit: str, decimals: int) -> html.Td:
    text = figure_or_status(value, status, unit, decimals)
    return html.Td(text, className="figure" if text != NO_FIGURE and value is not None else "figure status-word")


def years_table(comparators: MeasureComparators, table_id: str) -> html.Table:
    """Return the table of every published year, newest first: the council, England, the region, the neighbours'
    average (with how many it counts), the rank of how many, the quartile band and the neighbour groups used."""
    unit, decimals = comparators.unit, comparators.decimals
    header = [
        "Year",
        comparators.council,
        comparators.england or "England",
        comparators.region or "Region",
        "Statistical neighbours' average",
        "Rank (1 is the best)",
        "Quartile (A is the best)",
        "Neighbour groups",
    ]
    rows = []
    for year in reversed(comparators.years):
        average = value_text(year.neighbours_average, unit, decimals) or NO_FIGURE
        if year.neighbours and year.neighbours_average is not None and year.neighbours_counted < len(year.neighbours):
            average += f" ({year.neighbours_counted} of {len(year.neighbours)})"
        rows.append(
            html.Tr(
                [
                    html.Th(year_text(year), scope="row"),
                    _cell(year.council, year.council_status, unit, decimals),
                    _cell(year.england, "", unit, decimals),
                    _cell(year.region, "", unit, decimals),
                    html.Td(average, className="figure"),
                    html.Td(
                        f"{year.rank} of {year.ranked_of}" if year.rank is not None else "not ranked",
                        className="figure",
                    ),
                    html.Td(year.quartile or "none"),
                    html.Td(year.edition or ""),
                ]
            )
        )
    return html.Table(
        [
            html.Caption(
                f"National figures for measure {comparators.ref} by year, newest first", className="visually-hidden"
            ),
            html.Thead(
                html.Tr(
                    [
                        html.Th(text, scope="col", className="figure" if 0 < i < 6 else None)
                        for i, text in enumerate(header)
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        id=table_id,
        className="report-table national-years",
    )


def years_frame(comparators: MeasureComparators) -> pd.DataFrame:
    """Return the table by year for download: numbers as numbers, a marker's meaning in its own column."""
    decimals = comparators.decimals
    records = [
        {
            "Ref": comparators.ref,
            "National item": comparators.item,
            "Year": year_text(year),
            "Year as published": year.year,
            comparators.council: displayed_number(year.council, decimals),
            f"{comparators.council} status": year.council_status,
            "England": displayed_number(year.england, decimals),
            comparators.region or "Region": displayed_number(year.region, decimals),
            "Neighbours' average": displayed_number(year.neighbours_average, decimals),
            "Neighbours counted": year.neighbours_counted,
            "Rank": year.rank,
            "Ranked of": year.ranked_of,
            "Quartile": year.quartile or "",
            "Neighbour groups": year.edition,
        }
        for year in reversed(comparators.years)
    ]
    return pd.DataFrame(records)


def neighbours_list(comparators: MeasureComparators, year: ComparatorYear) -> html.Table:
    """Return each statistical neighbour's figure for `year`, closest first, a marker in words."""
    unit, decimals = comparators.unit, comparators.decimals
    return html.Table(
        [
            html.Caption(
                f"Each statistical neighbour in {year_text(year)} ({edition_text(year.edition)}), closest first"
            ),
            html.Thead(
                html.Tr([html.Th("Neighbour", scope="col"), html.Th("Figure", scope="col", className="figure")])
            ),
            html.Tbody(
                [
                    html.Tr([html.Th(n.name, scope="row"), _cell(n.value, n.status, unit, decimals)])
                    for n in year.neighbours
                ]
            ),
        ],
        className="report-table national-neighbours",
    )


def _year_sort_key(pair: tuple[str, str]) -> int:
    parsed = parse_year(pair[0])
    return parsed.end_year if parsed else 0


def sorted_rows(councils: EveryCouncil, sort: str, descending: bool) -> list:
    """Return the authorities in the order asked: by rank (those without one last, by name), name, region
    (then rank) or figure (those without one last). Unknown sorts read as rank. Raises nothing."""
    rows = list(councils.rows)
    missing = [row for row in rows if row.value is None]
    present = [row for row in rows if row.value is not None]
    if sort == "name":
        return sorted(rows, key=lambda row: row.name.casefold(), reverse=descending)
    if sort == "region":
        return sorted(
            rows,
            key=lambda row: (row.region.casefold(), row.rank if row.rank is not None else 10**6, row.name.casefold()),
            reverse=descending,
        )
    if sort == "value":
        present.sort(key=lambda row: (row.value, row.name.casefold()), reverse=descending)
    else:
        present.sort(
            key=lambda row: (row.rank if row.rank is not None else 10**6, row.name.casefold()), reverse=descending
        )
    return present + sorted(missing, key=lambda row: row.name.casefold())


def who_text(is_council: bool, is_neighbour: bool) -> str:
    """Return who an authority is to the council: 'This council', 'Statistical neighbour' or ''."""
    if is_council:
        return "This council"
    return "Statistical neighbour" if is_neighbour else ""


def every_council_frame(councils: EveryCouncil, rows: list) -> pd.DataFrame:
    """Return every authority's row for download (names are text; the download neutralises formulas)."""
    return pd.DataFrame(
        [
            {
                "Ref": councils.ref,
                "National item": councils.item,
                "Year": councils.label,
                "Rank": row.rank,
                "Ranked of": councils.ranked_of,
                "Authority": row.name,
                "DfE code": row.la_code,
                "Region": row.region,
                "Figure": displayed_number(row.value, councils.decimals),
                "Status": row.status,
                "Who": who_text(row.is_council, row.is_neighbour),
            }
            for row in rows
        ]
    )


def every_council_table(
    councils: EveryCouncil, rows: list, sort: str, descending: bool, path: str, table_id: str
) -> html.Table:
    """Return the table of every authority for the year: the council and its neighbours marked in words and in
    bold (not by colour alone); each column header a link that sorts by it (again: the other way), its state said
    by `aria-sort`."""
    unit, decimals = councils.unit, councils.decimals

    def header(key: str, numeric: bool = False) -> html.Th:
        active = sort == key
        flip = not descending if active else key == "value" and councils.polarity == "higher"
        href = f"{path}?{urlencode({'year': councils.year, 'sort': key, 'order': 'desc' if flip else 'asc'})}"
        state = ("descending" if descending else "ascending") if active else "none"
        return html.Th(
            dcc.Link(
                [SORTS[key], html.Span(f", sort {'descending' if flip else 'ascending'}", className="visually-hidden")],
                href=href,
                className="sort-link",
            ),
            scope="col",
            className="figure" if numeric else None,
            **{"aria-sort": state},
        )

    body = []
    for row in rows:
        who = who_text(row.is_council, row.is_neighbour)
        body.append(
            html.Tr(
                [
                    html.Td(str(row.rank) if row.rank is not None else "not ranked", className="figure"),
                    html.Th(
                        [row.name, html.Span(f" ({who})", className="who-mark") if who else None],
                        scope="row",
                        **({"id": COUNCIL_ROW, "tabIndex": "-1"} if row.is_council else {}),
                    ),
                    _cell(row.value, row.status, unit, decimals),
                    html.Td(row.region),
                ],
                className="council-self" if row.is_council else "council-neighbour" if row.is_neighbour else None,
            )
        )
    return html.Table(
        [
            html.Caption(
                f"Every council's figure for {councils.label}, ranked of {councils.ranked_of} with a figure",
                className="visually-hidden",
            ),
            html.Thead(
                html.Tr(
                    [
                        header("rank", True),
                        header("name"),
                        header("value", True),
                        header("region"),
                    ]
                )
            ),
            html.Tbody(body),
        ],
        id=table_id,
        className="report-table every-council",
    )


def latest_years(councils: EveryCouncil) -> list[tuple[str, str]]:
    """Return the years with figures, newest first (as `EveryCouncil.years`, checked in order)."""
    return sorted(councils.years, key=_year_sort_key, reverse=True)
