"""Overview: the Measures that Matter table as at a month (`/?period=2023-01`)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.overview_table import overview_table
from dashboard.data import engine
from measures.overview import OverviewModel, build_overview
from measures.periods import is_period, long_label

dash.register_page(__name__, path="/", name="Overview", title="Measures that Matter", order=0)


def _headline(model: OverviewModel) -> html.Div:
    counts = model.summary()
    parts = [
        (counts["better"], "better than last month", "better"),
        (counts["worse"], "worse", "worse"),
        (counts["same"], "unchanged", "same"),
        (counts["off_target"], "off target", "off-target"),
        (counts["special_cause"], "showing special-cause variation", "special"),
    ]
    return html.Div(
        [
            html.H2(f"As at {long_label(model.period)}", className="as-at"),
            html.P(
                [html.Span([html.Strong(str(number)), f" {label}"], className=f"headline-item headline-{key}")
                 for number, label, key in parts],
                className="headline",
            ),
            html.P(f"{counts['measures']} measures in {len(model.groups)} improvement areas.", className="muted"),
        ],
        id=ids.OVERVIEW_SUMMARY,
        className="summary",
    )


def _notices(model: OverviewModel, requested: str | None) -> list:
    notices = []
    if requested and not is_period(requested):
        notices.append(html.P(f"“{requested}” is not a month in the form YYYY-MM, so the latest month is shown.",
                              className="notice notice-warning", role="status"))
    elif requested and requested not in model.available_periods:
        notices.append(html.P(f"There are no figures for {long_label(requested)} yet.",
                              className="notice notice-warning", role="status"))
    if model.shows_synthetic:
        notices.append(
            html.P(
                [html.Strong("Demonstration data. "),
                 "Figures marked † are synthetic, made up to show how the dashboard works: they are not real. "
                 "December 2022 and January 2023 whole-service figures are the published ones."],
                className="notice notice-info",
            )
        )
    return notices


def layout(period: str | None = None, **_query) -> html.Div:
    """Return the page for `period` (query string), defaulting to the latest month with figures."""
    chosen = period if is_period(period) else None
    model = build_overview(engine(), period=chosen)
    header = html.Div(
        [
            html.H1("Measures that Matter"),
            html.P("Every measure of the children's services improvement plan, as the improvement board reads it: "
                   "latest figures, the change since last month, the target and the trend.", className="lede"),
        ],
        className="page-header",
    )
    if model.period is None:
        return html.Div([header, html.P("There are no figures yet. Import a monthly return to begin.",
                                        className="notice notice-info")])
    options = [{"label": long_label(p), "value": p} for p in reversed(model.available_periods)]
    picker = html.Div(
        [
            html.Label("As at", htmlFor=ids.PERIOD_PICKER, className="picker-label"),
            dcc.Dropdown(id=ids.PERIOD_PICKER, options=options, value=model.period, clearable=False,
                         searchable=False, className="period-picker"),
            dcc.Store(id=ids.SHOWN_PERIOD, data=model.period),
        ],
        className="controls",
    )
    return html.Div(
        [
            header,
            picker,
            *_notices(model, period),
            _headline(model),
            html.Div(overview_table(model), id=ids.OVERVIEW_TABLE, className="table-scroll", tabIndex="0",
                     role="region", **{"aria-label": "Measures that Matter table"}),
        ]
    )


@callback(
    Output(ids.URL, "search"),
    Input(ids.PERIOD_PICKER, "value"),
    State(ids.SHOWN_PERIOD, "data"),
    prevent_initial_call=True,
)
def choose_period(period: str | None, shown: str | None):
    """Navigate to the chosen month's address (shareable); the pages router then renders the page for it.

    Dash also fires this when the router inserts the page; the month shown then is the month chosen,
    so nothing happens.
    """
    if not is_period(period) or period == shown:
        return no_update
    return f"?period={period}"
