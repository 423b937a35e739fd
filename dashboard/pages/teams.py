"""Teams drill-down (`/teams/3.1?period=2023-01`): the whole-service figure of a measure for a month, each team's
figure as a bar chart (service value and target marked) and as a table, with links down to workers' caseloads
where worker figures exist and the reader may see them."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.components.charts.chart_text import plain_text, wrapped
from dashboard.components.charts.figure_data import bar, down_plot, scatter
from dashboard.components.charts.figure_data import figure as plain_figure
from dashboard.components.charts.sparkline import sparkline
from dashboard.components.downloads import chart_download_buttons, table_download_buttons
from dashboard.components.judgements import rating_badge, rating_words, synthetic_mark, target_badge, target_line
from dashboard.components.navigation import month_navigation, view_search
from dashboard.components.notices import month_notices, refusal_notice, synthetic_notice
from dashboard.components.palette import (
    BAR_COLOUR,
    SECONDARY_TEXT_COLOUR,
    SYNTHETIC_MARK,
    TARGET_BAND_FILL,
    TARGET_COLOUR,
    TEXT_COLOUR,
    TEXT_ON_DARK_COLOUR,
    WHOLE_SERVICE_COLOUR,
)
from dashboard.components.publication import draft_banner
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.catalogue import Measure
from measures.domain.formatting import STATUS_TEXT, format_counts, format_number, format_value
from measures.domain.numbers import displayed_number
from measures.domain.periods import is_period, long_label
from measures.views.drilldown import LevelFigure, TeamBreakdown, team_breakdown

dash.register_page(
    __name__,
    path_template="/teams/<ref>",
    name="Teams",
    title=lambda ref=None, **_: f"Teams, measure {ref}: Measures that Matter",
    nav=False,
    required_permission=users.VIEW_TEAMS,
    cached=True,
)

STATUS_WORDS = {
    "ok": "Reported",
    "tbc": "TBC (to be confirmed)",
    "new": "New measure",
    "na": "Not applicable",
    "suppressed": "Suppressed (small number)",
    "missing": "No figure",
}


def _labels(measure: Measure) -> tuple[str, str]:
    numerator = measure.numerator_label or "Number"
    denominator = measure.denominator_label or "Out of"
    return numerator[:1].upper() + numerator[1:], denominator[:1].upper() + denominator[1:]


def _has_counts(breakdown: TeamBreakdown) -> bool:
    return breakdown.measure.unit == "percent" and any(t.figure.numerator is not None for t in breakdown.teams)


# A team's name runs onto more lines beyond this many characters, so that on a phone the names leave the bars room.
TEAM_LABEL_LENGTH = 18


def _team_label(team: str) -> str:
    return wrapped(plain_text(team), TEAM_LABEL_LENGTH)


def teams_figure(breakdown: TeamBreakdown) -> dict:
    """Return the horizontal bar chart of the teams' values for the month, as plotly's figure data (a dict): teams
    in name order from the top, each bar labelled with its figure (synthetic ones marked †), the whole-service value
    as a dashed line and the target line or band shaded."""
    measure = breakdown.measure
    shown = [team for team in breakdown.teams if team.figure.status == "ok" and team.figure.value is not None]
    labels = [team.figure.text + (SYNTHETIC_MARK if team.figure.synthetic else "") for team in shown]
    data = [
        bar(
            y=[_team_label(team.team) for team in shown],
            x=[team.figure.value for team in shown],
            orientation="h",
            marker={"color": BAR_COLOUR},
            text=labels,
            textposition="auto",
            insidetextanchor="start",
            insidetextfont={"size": 13, "color": TEXT_ON_DARK_COLOUR},
            outsidetextfont={"size": 13, "color": TEXT_COLOUR},
            cliponaxis=False,
            name="Team",
            showlegend=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    ]
    shapes: list[dict] = []
    # The reference lines are named in the legend rather than labelled on the plot, where they would collide
    # with the bars' labels.
    target = measure.target
    if target is not None and target.kind == "band":
        shapes.append(
            down_plot(
                "rect",
                target.low,
                target.high,
                fillcolor=TARGET_BAND_FILL,
                layer="below",
                line={"width": 0},
                name=f"Target range {target.low:g}–{target.high:g}",
                showlegend=True,
            )
        )
    elif target is not None:
        level = target.low if target.kind == "at_least" else target.high
        shapes.append(
            down_plot(
                "line",
                level,
                level,
                line={"color": TARGET_COLOUR, "dash": "dot", "width": 2.5},
                name=f"Target: {plain_text(target.describe())}",
                showlegend=True,
            )
        )
    service = breakdown.service
    # A count is the teams' counts added up, so a team is compared with the service only for rates and averages.
    if service is not None and service.status == "ok" and service.value is not None and measure.unit != "count":
        shapes.append(
            down_plot(
                "line",
                service.value,
                service.value,
                line={"color": WHOLE_SERVICE_COLOUR, "dash": "dash", "width": 2},
                name=f"Whole service {format_value(measure, service.value)}",
                showlegend=True,
            )
        )
    zeros = [
        (_team_label(team.team), label) for team, label in zip(shown, labels, strict=True) if team.figure.value == 0
    ]
    if zeros:  # a bar of zero has no length to hold its label
        data.append(
            scatter(
                y=[team for team, _ in zeros],
                x=[0] * len(zeros),
                mode="text",
                text=[label for _, label in zeros],
                textposition="middle right",
                textfont={"size": 13, "color": TEXT_COLOUR},
                showlegend=False,
                hoverinfo="skip",
            )
        )
    # A team with no figure (suppressed, not applicable, TBC) keeps its line, with the word where the bar would
    # be: left out, it would simply vanish from the chart with nothing to say why.
    unshown = [team for team in breakdown.teams if team not in shown]
    if unshown:
        words = [STATUS_TEXT.get(team.figure.status, STATUS_TEXT["missing"]) for team in unshown]
        data.append(
            scatter(
                y=[_team_label(team.team) for team in unshown],
                x=[0] * len(unshown),
                mode="text",
                text=words,
                textposition="middle right",
                cliponaxis=False,
                textfont={"size": 13, "color": SECONDARY_TEXT_COLOUR},
                showlegend=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
    values = [team.figure.value for team in shown if team.figure.value is not None]  # every one of them
    if service is not None and service.value is not None and measure.unit != "count":
        values.append(service.value)
    top = max(values + ([float(target.high or target.low or 0)] if target else [])) if values else 1
    x_range = [0, 100] if measure.unit == "percent" else [0, top * 1.25 or 1]
    return plain_figure(
        data,
        **({"shapes": shapes} if shapes else {}),
        height=90 + 46 * max(len(breakdown.teams), 1),
        # The names' width sets the left margin (the axis's automargin): a fixed one would take half a phone.
        margin={"l": 16, "r": 24, "t": 48, "b": 48},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        bargap=0.35,
        yaxis={
            "autorange": "reversed",
            "fixedrange": True,
            "showgrid": False,
            "ticks": "outside",
            "ticklen": 4,
            "categoryorder": "array",
            "categoryarray": [_team_label(team.team) for team in breakdown.teams],
        },
        xaxis={
            "range": x_range,
            "fixedrange": True,
            "ticksuffix": "%" if measure.unit == "percent" else "",
            "title": {
                "text": wrapped(plain_text(measure.short_title) + (" (%)" if measure.unit == "percent" else ""), 36)
            },
        },
    )


def teams_summary(breakdown: TeamBreakdown) -> str:
    """Return the words a screen reader hears for the teams chart: every team's figure and the service's."""
    measure = breakdown.measure
    parts = [f"{team.team} {team.figure.text}" for team in breakdown.teams]
    text = f"Bar chart of {measure.ref} {measure.short_title} by team, {long_label(breakdown.as_at)}: "
    text += "; ".join(parts) + "."
    if breakdown.service is not None:
        text += f" Whole service {breakdown.service.text}."
    if measure.target is not None:
        text += f" Target: {measure.target.describe()}."
    return text


def teams_frame(breakdown: TeamBreakdown) -> pd.DataFrame:
    """Return the teams table as a DataFrame for download (the download buttons make text cells safe)."""
    measure = breakdown.measure
    rows = []
    for team in breakdown.teams:
        figure = team.figure
        rows.append(
            {
                "Ref": measure.ref,
                "Measure": measure.short_title,
                "Month": breakdown.period,
                "Team": team.team,
                "Numerator": figure.numerator,
                "Denominator": figure.denominator,
                "Value": displayed_number(figure.value, measure.decimals),
                "Status": STATUS_WORDS.get(figure.status, figure.status),
                "Against target": rating_words(figure.rag, measure.target is not None),
                "Synthetic": "yes" if figure.synthetic else "",
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "Ref",
            "Measure",
            "Month",
            "Team",
            "Numerator",
            "Denominator",
            "Value",
            "Status",
            "Against target",
            "Synthetic",
        ],
    )
    if measure.unit != "percent":
        frame = frame.drop(columns=["Numerator", "Denominator"])
    return frame


def _value_cell(figure: LevelFigure, measure: Measure) -> html.Td:
    if figure.status != "ok" or figure.value is None:
        return html.Td(STATUS_TEXT.get(figure.status, "No figure"), className="figure status-" + figure.status)
    content: list = [format_value(measure, figure.value)]
    if figure.synthetic:
        content += synthetic_mark()
    return html.Td(content, className="figure value" + (" synthetic" if figure.synthetic else ""))


def _rag_cell(rag: str, measure: Measure) -> html.Td:
    return html.Td(rating_badge(rag, measure.target is not None))


def _service_rating(breakdown: TeamBreakdown, service: LevelFigure) -> dcc.Link:
    """The whole service's rating as every page gives it: the measure's assessment (the latest figure within the
    rating window, saying its month), so a TBC month reads "Off target, as at ..." here as on the overview."""
    if breakdown.service_assessment is None:
        return rating_badge(service.rag, breakdown.measure.target is not None)
    return target_badge(breakdown.service_assessment)


def _service_rag_cell(breakdown: TeamBreakdown, service: LevelFigure) -> html.Td:
    return html.Td(_service_rating(breakdown, service))


def _workers_link(breakdown: TeamBreakdown, team: str) -> dcc.Link:
    query = urlencode({"team": team, "period": breakdown.period})
    return dcc.Link(
        "Caseloads",
        href=f"/workers/{breakdown.measure.ref}?{query}",
        className="workers-link",
        title=f"Worker caseloads, {team}",
    )


def _table(breakdown: TeamBreakdown) -> html.Table:
    measure = breakdown.measure
    counts = _has_counts(breakdown)
    workers = breakdown.has_workers and access.may_see_worker_level()
    numerator_label, denominator_label = _labels(measure)
    header = [html.Th("Team", scope="col")]
    if counts:
        header += [
            html.Th(numerator_label, scope="col", className="figure"),
            html.Th(denominator_label, scope="col", className="figure"),
        ]
    header += [
        html.Th("Value", scope="col", className="figure"),
        html.Th("Status", scope="col"),
        html.Th("Against target", scope="col"),
        html.Th("Real or synthetic", scope="col"),
        html.Th("Last 12 months", scope="col"),
    ]
    if workers:
        header.append(html.Th("Workers (managers only)", scope="col"))
    body = []
    for team in breakdown.teams:
        figure = team.figure
        cells = [html.Th(team.team, scope="row", className="team-name")]
        if counts:
            cells += [
                html.Td(format_number(figure.numerator), className="figure numerator"),
                html.Td(format_number(figure.denominator), className="figure denominator"),
            ]
        cells += [
            _value_cell(figure, measure),
            html.Td(STATUS_WORDS.get(figure.status, figure.status)),
            _rag_cell(figure.rag, measure),
            html.Td(
                "Synthetic (demo)" if figure.synthetic else "Real", className="synthetic" if figure.synthetic else None
            ),
            html.Td(sparkline(measure, tuple((p.period, p.value) for p in team.trend), breakdown.period)),
        ]
        if workers:
            cells.append(html.Td(_workers_link(breakdown, team.team) if team.has_workers else "None recorded"))
        body.append(html.Tr(cells, className="team-row", **{"data-team": team.team}))
    footer = []
    totals = breakdown.team_totals() if counts else None
    span = len(header) - 4  # the note fills the columns after team, numerator, denominator and value
    if totals is not None:
        numerator, denominator = totals
        value = 100.0 * numerator / denominator if denominator else None
        footer.append(
            html.Tr(
                [
                    html.Th("All teams added up", scope="row"),
                    html.Td(format_number(numerator), className="figure numerator"),
                    html.Td(format_number(denominator), className="figure denominator"),
                    html.Td(format_value(measure, value), className="figure value"),
                    html.Td(_totals_note(breakdown, totals), colSpan=span, className="small"),
                ],
                className="totals-row",
            )
        )
    team_sum = breakdown.team_sum()
    if team_sum is not None:
        footer.append(
            html.Tr(
                [
                    html.Th("All teams added up", scope="row"),
                    html.Td(format_value(measure, team_sum), className="figure value"),
                    html.Td(_sum_note(breakdown, team_sum), colSpan=len(header) - 2, className="small"),
                ],
                className="totals-row",
            )
        )
    service = breakdown.service
    if service is not None:
        service_cells = [html.Th("Whole service", scope="row")]
        if counts:
            service_cells += [
                html.Td(format_number(service.numerator), className="figure"),
                html.Td(format_number(service.denominator), className="figure"),
            ]
        service_cells += [
            _value_cell(service, measure),
            html.Td(STATUS_WORDS.get(service.status, service.status)),
            _service_rag_cell(breakdown, service),
            html.Td("Synthetic (demo)" if service.synthetic else "Real"),
            html.Td(""),
        ]
        if workers:
            service_cells.append(
                html.Td(
                    dcc.Link("All caseloads", href=f"/workers/{measure.ref}?" + urlencode({"period": breakdown.period}))
                )
            )
        footer.append(html.Tr(service_cells, className="service-row"))
    caption = f"{measure.ref} {measure.short_title} by team, {long_label(breakdown.as_at)}"
    return html.Table(
        [html.Caption(caption), html.Thead(html.Tr(header)), html.Tbody(body), html.Tfoot(footer)],
        className="report-table teams-table",
    )


def _sum_note(breakdown: TeamBreakdown, team_sum: float) -> str:
    service = breakdown.service
    if service is None or service.value is None:
        return ""
    if service.value == team_sum:
        return "The teams add up to the whole-service figure."
    return (
        f"The teams add up to {format_value(breakdown.measure, team_sum)}, not the whole-service "
        f"{format_value(breakdown.measure, service.value)}: check the return."
    )


def _totals_note(breakdown: TeamBreakdown, totals: tuple[float, float]) -> str:
    service = breakdown.service
    if service is None or service.numerator is None or service.denominator is None:
        return ""
    if (service.numerator, service.denominator) == totals:
        return "The teams add up to the whole-service figure."
    return (
        f"The teams add up to {format_counts(*totals)}, not the whole-service "
        f"{format_counts(service.numerator, service.denominator)}: check the return."
    )


def _not_found(ref) -> html.Div:
    return html.Div(
        [
            html.H1("Measure not found"),
            html.P(f"There is no measure “{ref}”. Measures are numbered by area, for example 3.1."),
            html.P(dcc.Link("Go to the Measures that Matter table", href="/")),
        ],
        className="not-found",
    )


def _breadcrumbs(measure: Measure, period: str | None) -> html.Nav:
    query = "?" + urlencode({"period": period}) if period else ""
    return html.Nav(
        html.Ol(
            [
                html.Li(dcc.Link("Measures that Matter", href="/" + query)),
                html.Li(dcc.Link(f"Area {measure.area}", href=f"/area/{measure.area}{query}")),
                html.Li(dcc.Link(f"Measure {measure.ref}", href=f"/measure/{measure.ref}{query}")),
                html.Li("Teams", **{"aria-current": "page"}),
            ],
            className="breadcrumbs",
        ),
        **{"aria-label": "Breadcrumb"},
    )


@single_query_values
def layout(ref: str | None = None, period: str | None = None, **_query) -> html.Div:
    """Return the teams page of measure `ref` for `period` (query string; default the latest month with teams)."""
    refused = refusal_notice("Teams", users.VIEW_TEAMS)
    if refused:
        return refused
    chosen = period if is_period(period) else None
    try:
        breakdown = team_breakdown(engine(), str(ref), chosen, visible=access.visible_months())
    except KeyError:
        return _not_found(ref)
    measure = breakdown.measure
    header = html.Div(
        [
            _breadcrumbs(measure, breakdown.period),
            html.H1(f"{measure.ref} {measure.short_title}: teams"),
            html.P(measure.title, className="lede"),
        ],
        className="page-header",
    )
    notices = month_notices(period)
    back = dcc.Link(
        f"Back to measure {measure.ref}",
        href=f"/measure/{measure.ref}" + (f"?{urlencode({'period': breakdown.period})}" if breakdown.period else ""),
    )
    if not breakdown.available_periods:
        return html.Div(
            [
                header,
                *notices,
                html.P(
                    [
                        f"Measure {measure.ref} is reported for the whole service only: there are no team figures. ",
                        back,
                    ],
                    className="notice notice-info",
                ),
            ]
        )
    options = [{"label": long_label(p), "value": p} for p in reversed(breakdown.available_periods)]
    if breakdown.period not in breakdown.available_periods:
        options.insert(0, {"label": long_label(breakdown.as_at), "value": breakdown.as_at})
    picker = html.Div(
        [
            html.Label("Month", htmlFor=ids.TEAMS_PERIOD_PICKER, className="picker-label"),
            dcc.Dropdown(
                id=ids.TEAMS_PERIOD_PICKER,
                options=options,
                value=breakdown.period,
                clearable=False,
                searchable=False,
                className="period-picker",
            ),
            dcc.Store(id=ids.TEAMS_SHOWN, data=view_search(period=breakdown.period)),
        ],
        className="controls",
    )
    if not breakdown.has_teams:
        return html.Div(
            [
                header,
                picker,
                *notices,
                html.P(
                    [f"There are no team figures for {measure.ref} in {long_label(breakdown.as_at)}. ", back],
                    className="notice notice-info",
                ),
            ]
        )
    if breakdown.shows_synthetic:
        notices.append(synthetic_notice("The team figures (marked †)"))
    service = breakdown.service
    service_block = (
        html.Div(
            [
                html.Span(f"Whole service, {long_label(breakdown.as_at)}", className="picker-label"),
                html.Span(
                    [service.text, *(synthetic_mark() if service.synthetic else [])],
                    className="card-figure service-value",
                ),
                _service_rating(breakdown, service),
                html.Span(target_line(measure), className="small muted") if measure.target else None,
            ],
            className="service-figure",
            id="service-figure",
        )
        if service is not None
        else None
    )
    chart = html.Div(
        dcc.Graph(
            id=ids.TEAMS_CHART, figure=teams_figure(breakdown), config={"displayModeBar": False, "responsive": True}
        ),
        role="img",
        className="drill-chart",
        **{"aria-label": teams_summary(breakdown)},
    )
    chart = html.Div([chart, chart_download_buttons(ids.TEAMS_CHART, f"teams-{measure.ref}-{breakdown.period}")])
    workers_note = None
    if breakdown.has_workers and access.may_see_worker_level():
        workers_note = html.P("Worker caseloads are staff personal data, for managers only.", className="small muted")
    return html.Div(
        [
            header,
            picker,
            *notices,
            draft_banner(breakdown.period),
            service_block,
            html.H2(f"Teams, {long_label(breakdown.as_at)}"),
            chart,
            html.Div(
                _table(breakdown),
                id=ids.TEAMS_TABLE,
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": "Teams table"},
            ),
            workers_note,
            table_download_buttons(
                ids.TEAMS_TABLE,
                teams_frame(breakdown),
                f"teams-{measure.ref}-{breakdown.period}",
                f"teams table for {measure.ref}",
            ),
            html.P(back),
        ],
        className="teams-page",
    )


month_navigation(ids.TEAMS_PERIOD_PICKER, ids.TEAMS_SHOWN)
