"""Workers drill-down (`/workers/2.2?team=Assessment+Team+1&period=2022-12`): the distribution of children
allocated per social worker for a month, with the target band and the 24-children line, the average and the
count above 24 in words, and a table of pseudonymous workers. Worker figures are staff personal data, for
managers only: the page asks `dashboard.server.access.may_see_worker_level()` before reading anything."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.components.charts.figure_data import bar, down_plot, plot_top_label
from dashboard.components.charts.figure_data import figure as plain_figure
from dashboard.components.downloads import chart_download_buttons, table_download_buttons
from dashboard.components.judgements import synthetic_mark
from dashboard.components.navigation import month_part, text_part, view_navigation, view_search
from dashboard.components.notices import month_notices, refusal_notice
from dashboard.components.palette import (
    BAR_COLOUR,
    HATCH_COLOUR,
    OVER_LIMIT_COLOUR,
    TARGET_BAND_FILL,
    TARGET_COLOUR,
    TEXT_COLOUR,
)
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.catalogue import Measure
from measures.domain.formatting import format_number
from measures.domain.periods import is_period, long_label
from measures.storage import catalogue_records, reads
from measures.views.drilldown import WorkerCaseloads, worker_caseloads

dash.register_page(
    __name__,
    path_template="/workers/<ref>",
    name="Workers",
    title=lambda ref=None, **_: f"Worker caseloads, measure {ref}: Measures that Matter",
    nav=False,
    required_permission=users.VIEW_WORKERS,
    cached=True,
)

ALL_TEAMS = "__all__"


def _workers_word(count: int) -> str:
    return f"{count} social worker" + ("" if count == 1 else "s")


def caseload_sentence(data: WorkerCaseloads) -> str:
    """Return the month's caseloads in words: how many workers, the average, how many above 24, how many in
    the target band."""
    who = data.team or "all teams"
    if not data.workers or data.mean is None:
        return f"There are no worker caseloads for {who} in {long_label(data.period)}."
    text = (
        f"In {long_label(data.period)} the {_workers_word(len(data.workers))} of {who} had "
        f"{format_number(data.mean, 1)} children each on average; {data.above_limit} "
        f"had more than {data.limit} children"
    )
    if data.band is not None:
        text += (
            f", and {data.within_band} {'was' if data.within_band == 1 else 'were'} within the target range "
            f"of {data.band[0]:g} to {data.band[1]:g}"
        )
    return text + "."


def caseload_figure(data: WorkerCaseloads) -> dict:
    """Return the distribution chart, as plotly's figure data (a dict): workers per caseload as bars, those above
    the limit in a second colour and a hatch pattern (named in the legend), the target band shaded and a labelled
    line at the limit."""
    within = [(load, count) for load, count in data.distribution if load <= data.limit]
    over = [(load, count) for load, count in data.distribution if load > data.limit]
    traces = []
    for points, name, colour, pattern in (
        (within, f"{data.limit} children or fewer", BAR_COLOUR, ""),
        (over, f"More than {data.limit} children", OVER_LIMIT_COLOUR, "/"),
    ):
        if not points:
            continue
        traces.append(
            bar(
                x=[load for load, _ in points],
                y=[count for _, count in points],
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": HATCH_COLOUR, "solidity": 0.3}},
                text=[str(count) for _, count in points],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": 12, "color": TEXT_COLOUR},
                hovertemplate="%{y} workers with %{x} children<extra></extra>",
            )
        )
    shapes, labels = [], []
    if data.band is not None:
        low_edge = data.band[0] - 0.5
        shapes.append(
            down_plot(
                "rect", low_edge, data.band[1] + 0.5, fillcolor=TARGET_BAND_FILL, layer="below", line={"width": 0}
            )
        )
        labels.append(
            plot_top_label(
                f"Target range {data.band[0]:g}–{data.band[1]:g}", low_edge, {"size": 12, "color": TARGET_COLOUR}
            )
        )
    limit = data.limit + 0.5
    shapes.append(down_plot("line", limit, limit, line={"color": OVER_LIMIT_COLOUR, "dash": "dash", "width": 2}))
    labels.append(plot_top_label(f"more than {data.limit} children →", limit, {"size": 12, "color": OVER_LIMIT_COLOUR}))
    loads = [load for load, _ in data.distribution]
    low = min(loads + [data.band[0] if data.band else data.limit]) - 1.5
    high = max(loads + [data.limit + 6]) + 1.5  # room for the label beyond the line
    tallest = max(count for _, count in data.distribution)
    return plain_figure(
        traces,
        shapes=shapes,
        annotations=labels,
        height=380,
        margin={"l": 56, "r": 16, "t": 48, "b": 56},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.08, "yanchor": "bottom"},
        bargap=0.15,
        xaxis={
            "range": [low, high],
            "dtick": 2,
            "title": {"text": "Children allocated to the worker"},
            "fixedrange": True,
            "showgrid": False,
            "ticks": "outside",
        },
        yaxis={
            "range": [0, tallest * 1.25 + 0.5],
            "title": {"text": "Number of social workers"},
            "dtick": 2 if tallest > 6 else 1,
            "fixedrange": True,
        },
    )


def caseload_summary(data: WorkerCaseloads) -> str:
    """Return the words a screen reader hears for the distribution chart: every caseload and its count."""
    parts = [f"{format_number(load)} children: {_workers_word(count)}" for load, count in data.distribution]
    return (
        "Bar chart of the number of social workers by children allocated. "
        + "; ".join(parts)
        + ". "
        + caseload_sentence(data)
    )


def workers_frame(data: WorkerCaseloads) -> pd.DataFrame:
    """Return the workers table as a DataFrame for download (pseudonymous names; the buttons make text safe)."""
    return pd.DataFrame(
        [
            {
                "Ref": data.measure.ref,
                "Month": data.period,
                "Team": w.team,
                "Worker (pseudonym)": w.worker,
                "Children allocated": w.caseload,
                f"More than {data.limit}": "yes" if w.caseload > data.limit else "",
                "Synthetic": "yes" if w.synthetic else "",
            }
            for w in data.workers
        ],
        columns=[
            "Ref",
            "Month",
            "Team",
            "Worker (pseudonym)",
            "Children allocated",
            f"More than {data.limit}",
            "Synthetic",
        ],
    )


def _table(data: WorkerCaseloads) -> html.Table:
    header = html.Tr(
        [
            html.Th("Worker (pseudonym)", scope="col"),
            html.Th("Team", scope="col"),
            html.Th("Children allocated", scope="col", className="figure"),
            html.Th(f"More than {data.limit}?", scope="col"),
            html.Th("Real or synthetic", scope="col"),
        ]
    )
    rows = []
    for worker in data.workers:
        over = worker.caseload > data.limit
        load: list = [format_number(worker.caseload)]
        if worker.synthetic:
            load += synthetic_mark()
        rows.append(
            html.Tr(
                [
                    html.Th(worker.worker, scope="row"),
                    html.Td(worker.team),
                    html.Td(load, className="figure caseload" + (" synthetic" if worker.synthetic else "")),
                    html.Td(html.Strong("Yes, above the line") if over else "No", className="over" if over else None),
                    html.Td("Synthetic (demo)" if worker.synthetic else "Real"),
                ],
                className="worker-row",
                **{"data-worker": worker.worker},
            )
        )
    caption = f"Caseloads per worker, {data.team or 'all teams'}, {long_label(data.period)}"
    return html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(rows)], className="report-table workers-table"
    )


def _stats(data: WorkerCaseloads) -> html.Div:
    stats = [
        html.Div(
            [html.Strong(format_number(data.mean, 1)), "average children per worker"],
            className="stat",
            id="workers-average",
        ),
        html.Div(
            [html.Strong(str(data.above_limit)), f"workers with more than {data.limit} children"],
            className="stat " + ("stat-alert" if data.above_limit else "stat-good"),
            id="workers-above",
        ),
    ]
    if data.band is not None:
        stats.append(
            html.Div(
                [html.Strong(str(data.within_band)), f"within the target range {data.band[0]:g}–{data.band[1]:g}"],
                className="stat",
            )
        )
    stats.append(html.Div([html.Strong(str(len(data.workers))), "social workers counted"], className="stat"))
    return html.Div(stats, className="stat-row")


def _breadcrumbs(measure: Measure, period: str | None) -> html.Nav:
    query = "?" + urlencode({"period": period}) if period else ""
    return html.Nav(
        html.Ol(
            [
                html.Li(dcc.Link("Measures that Matter", href="/" + query)),
                html.Li(dcc.Link(f"Area {measure.area}", href=f"/area/{measure.area}{query}")),
                html.Li(dcc.Link(f"Measure {measure.ref}", href=f"/measure/{measure.ref}{query}")),
                html.Li(dcc.Link("Teams", href=f"/teams/{measure.ref}{query}")),
                html.Li("Workers", **{"aria-current": "page"}),
            ],
            className="breadcrumbs",
        ),
        **{"aria-label": "Breadcrumb"},
    )


def _message_page(title: str, *paragraphs) -> html.Div:
    return html.Div([html.H1(title), *[html.P(p) for p in paragraphs if p is not None]], className="message-page")


def _controls(data: WorkerCaseloads, periods: list[str]) -> html.Div:
    period_options = [{"label": long_label(p), "value": p} for p in reversed(periods)]
    if data.period not in periods:
        period_options.insert(0, {"label": long_label(data.period), "value": data.period})
    team_options = [{"label": "All teams", "value": ALL_TEAMS}] + [{"label": t, "value": t} for t in data.teams]
    return html.Div(
        [
            html.Label("Month", htmlFor=ids.WORKERS_PERIOD_PICKER, className="picker-label"),
            dcc.Dropdown(
                id=ids.WORKERS_PERIOD_PICKER,
                options=period_options,
                value=data.period,
                clearable=False,
                searchable=False,
                className="period-picker",
            ),
            html.Label("Team", htmlFor=ids.WORKERS_TEAM_PICKER, className="picker-label"),
            dcc.Dropdown(
                id=ids.WORKERS_TEAM_PICKER,
                options=team_options,
                value=data.team or ALL_TEAMS,
                clearable=False,
                searchable=False,
                className="team-picker",
            ),
            dcc.Store(id=ids.WORKERS_SHOWN, data=view_search(team=data.team, period=data.period)),
        ],
        className="controls",
    )


@single_query_values
def layout(ref: str | None = None, team: str | None = None, period: str | None = None, **_query) -> html.Div:
    """Return the worker caseloads of measure `ref` for `period` and `team` (query string), for managers only."""
    refused = refusal_notice("Worker caseloads", users.VIEW_WORKERS)
    if refused:
        return refused
    allowed = access.may_see_worker_level()  # True here: passed on so the store checks it too
    catalogue = catalogue_records.read_catalogue(engine())
    try:
        measure = catalogue.measure(str(ref))
    except KeyError:
        return _message_page(
            "Measure not found",
            f"There is no measure “{ref}”.",
            dcc.Link("Go to the Measures that Matter table", href="/"),
        )
    notices = month_notices(period)
    visible = access.visible_months()
    chosen = period if is_period(period) else reads.latest_period(engine(), visible)
    header_parts: list = [_breadcrumbs(measure, chosen), html.H1(f"{measure.ref} {measure.short_title}: workers")]
    if chosen is None:
        return html.Div([*header_parts, html.P("There are no figures yet.", className="notice notice-info")])
    team_name = team if isinstance(team, str) and team and team != ALL_TEAMS else None
    data = worker_caseloads(
        engine(), measure.ref, chosen, team_name, viewer_may_see_workers=allowed, catalogue=catalogue, visible=visible
    )
    if team_name and team_name not in data.teams:
        notices.append(
            html.P(
                f"There are no worker figures for “{team_name}” in {long_label(chosen)}, so every team is shown.",
                className="notice notice-warning",
                role="status",
            )
        )
        data = worker_caseloads(
            engine(), measure.ref, chosen, None, viewer_may_see_workers=allowed, catalogue=catalogue, visible=visible
        )
    privacy = html.P(
        [
            html.Strong("Staff personal data, for managers only. "),
            "Workers are shown by pseudonym (for example “Worker 101”), never by name."
            + (
                " In this demonstration every caseload is synthetic (marked †): made up, not real."
                if data.synthetic
                else ""
            ),
        ],
        className="notice privacy-note",
    )
    back = dcc.Link(
        f"Back to the teams for {measure.ref}", href=f"/teams/{measure.ref}?" + urlencode({"period": chosen})
    )
    if not data.workers:
        return html.Div(
            [
                *header_parts,
                *notices,
                html.P(
                    [f"There are no worker-level figures for {measure.ref} in {long_label(chosen)}. ", back],
                    className="notice notice-info",
                ),
            ]
        )
    periods = reads.available_periods(engine(), visible)
    chart = html.Div(
        dcc.Graph(
            id=ids.WORKERS_CHART, figure=caseload_figure(data), config={"displayModeBar": False, "responsive": True}
        ),
        role="img",
        className="drill-chart",
        **{"aria-label": caseload_summary(data)},
    )
    chart = html.Div([chart, chart_download_buttons(ids.WORKERS_CHART, f"caseloads-{measure.ref}-{data.period}")])
    who = data.team or "all teams"
    return html.Div(
        [
            *header_parts,
            html.P(
                f"How many children each social worker had allocated in {long_label(data.period)}, {who}.",
                className="lede",
            ),
            _controls(data, periods),
            *notices,
            privacy,
            html.P(caseload_sentence(data), id=ids.WORKERS_SUMMARY, className="workers-summary"),
            _stats(data),
            html.H2("Children allocated per worker"),
            chart,
            html.H2("Each worker"),
            html.Div(
                _table(data),
                id=ids.WORKERS_TABLE,
                className="table-scroll table-scroll-limited",
                tabIndex="0",
                role="region",
                **{"aria-label": "Workers table"},
            ),
            table_download_buttons(
                ids.WORKERS_TABLE,
                workers_frame(data),
                f"caseloads-{measure.ref}-{data.period}-{data.team or 'all-teams'}",
                f"worker caseloads for {measure.ref}",
            ),
            html.P(back),
        ],
        className="workers-page",
    )


# Choosing a month or a team navigates to its address, `view_search(team=..., period=...)`, in the browser; a
# month picker without a month navigates nowhere.
view_navigation(
    [
        (ids.WORKERS_TEAM_PICKER, text_part("team", leave_out=[ALL_TEAMS])),
        (ids.WORKERS_PERIOD_PICKER, month_part(required=True)),
    ],
    ids.WORKERS_SHOWN,
)
