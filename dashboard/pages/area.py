"""Improvement area (`/area/3?period=2023-01`): the area's title, description and expected outcomes, and a card
per measure with the month's figure, what changed, the target rating, the SPC reading and a trend chart.
The quality-of-practice area (4) also shows the month-by-month audit grades as one stacked chart."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.charts.figure_data import across_plot, bar, plot_label, scatter
from dashboard.components.charts.figure_data import figure as plain_figure
from dashboard.components.downloads import chart_download_buttons
from dashboard.components.judgements import (
    against_target,
    change,
    change_class,
    figure_words,
    status_explanation,
    synthetic_mark,
    variation,
)
from dashboard.components.navigation import month_navigation, view_search
from dashboard.components.notices import month_notices, refusal_notice, synthetic_notice
from dashboard.components.palette import (
    AUDIT_GRADE_COLOURS,
    AUDIT_GRADE_TEXT_COLOURS,
    AUDIT_NO_COUNT_MARK_COLOUR,
    BAR_GAP_COLOUR,
    SYNTHETIC_MARK,
    TARGET_BAND_FILL,
    TARGET_COLOUR,
    TEXT_COLOUR,
    TREND_LINE_COLOUR,
)
from dashboard.components.plan import action_card
from dashboard.components.publication import draft_banner, revised_mark
from dashboard.components.reading_help import meaning_link
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.catalogue import Measure
from measures.domain.formatting import STATUS_TEXT, format_counts, format_value, polarity_text
from measures.domain.periods import is_period, long_label, shift_period, short_label
from measures.storage import catalogue_records, publications
from measures.storage.publications import Revision
from measures.views.area import AUDIT_GRADES, AreaView, GradeMonth, MeasureCard, TrendPoint, build_area
from measures.views.plan import PlanView, build_plan, counts_sentence, filter_plan, impact_count_sentence

dash.register_page(
    __name__,
    path_template="/area/<number>",
    name="Improvement area",
    title=lambda number=None, **_: f"Improvement area {number}: Measures that Matter",
    nav=False,
    cached=True,
)

# Audit grades: colour and a fill pattern each, so the stack reads without colour too.
GRADE_PATTERNS = {"Outstanding": "", "Good": "/", "Requires improvement": ".", "Inadequate": "x"}
GRADE_STYLE = {
    grade: {"color": AUDIT_GRADE_COLOURS[grade], "pattern": pattern, "text": AUDIT_GRADE_TEXT_COLOURS[grade]}
    for grade, pattern in GRADE_PATTERNS.items()
}


def _month_date(period: str) -> str:
    return f"{period}-01"


def trend_summary(measure: Measure, series: tuple[TrendPoint, ...]) -> str:
    """Return the words a screen reader hears for a measure's trend chart: first, last, lowest, highest."""
    if len(series) < 2:
        return f"Not enough months to show a trend for {measure.ref}."
    first, last = series[0], series[-1]
    lowest = min(series, key=lambda point: point.value)
    highest = max(series, key=lambda point: point.value)
    text = (
        f"Line chart of {measure.ref} {measure.short_title}, {len(series)} months from {long_label(first.period)} "
        f"({format_value(measure, first.value)}) to {long_label(last.period)} ({format_value(measure, last.value)}); "
        f"lowest {format_value(measure, lowest.value)} in {long_label(lowest.period)}, highest "
        f"{format_value(measure, highest.value)} in {long_label(highest.period)}."
    )
    if measure.target is not None:
        text += f" Target: {measure.target.describe()}."
    synthetic = sum(point.synthetic for point in series)
    if synthetic:
        text += f" {synthetic} of the {len(series)} months are synthetic demonstration figures (hollow points)."
    return text


def trend_figure(measure: Measure, series: tuple[TrendPoint, ...], period: str) -> dict:
    """Return the small trend chart, as plotly's figure data (a dict): the line of monthly values, published points
    filled and synthetic points hollow (each named in the legend), with the target line or band shaded."""
    dates = [_month_date(point.period) for point in series]
    texts = [format_value(measure, point.value) for point in series]
    data = [
        scatter(
            x=dates,
            y=[p.value for p in series],
            mode="lines",
            showlegend=False,
            line={"color": TREND_LINE_COLOUR, "width": 2},
            hoverinfo="skip",
        )
    ]
    for synthetic, name, symbol in ((False, "Published", "circle"), (True, "Synthetic (demo)", "circle-open")):
        points = [i for i, point in enumerate(series) if point.synthetic is synthetic]
        if not points:
            continue
        data.append(
            scatter(
                x=[dates[i] for i in points],
                y=[series[i].value for i in points],
                mode="markers",
                name=name,
                marker={
                    "symbol": symbol,
                    "size": 7,
                    "color": TREND_LINE_COLOUR,
                    "line": {"width": 1.5, "color": TREND_LINE_COLOUR},
                },
                customdata=[[long_label(series[i].period), texts[i]] for i in points],
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + name + "</extra>",
            )
        )
    target = measure.target
    marks: dict[str, list[dict]] = {}
    label_font = {"size": 11, "color": TARGET_COLOUR}
    if target is not None and target.kind == "band":
        marks["shapes"] = [
            across_plot("rect", target.low, target.high, line={"width": 0}, fillcolor=TARGET_BAND_FILL, layer="below")
        ]
        marks["annotations"] = [plot_label(f"Target {target.low:g}–{target.high:g}", target.high, "top", label_font)]
    elif target is not None:
        level = target.low if target.kind == "at_least" else target.high
        suffix = "%" if measure.unit == "percent" else ""
        marks["shapes"] = [
            across_plot("line", level, level, line={"color": TARGET_COLOUR, "dash": "dash", "width": 1.5})
        ]
        marks["annotations"] = [plot_label(f"Target {level:g}{suffix}", level, "bottom", label_font)]
    return plain_figure(
        data,
        **marks,
        height=210,
        margin={"l": 44, "r": 12, "t": 8, "b": 28},
        font={"size": 12},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom", "font": {"size": 11}},
        showlegend=any(point.synthetic for point in series),
        # Half a month either side, so the first and last points are drawn whole.
        xaxis={
            "range": [f"{shift_period(period, -24)}-16", f"{period}-16"],
            "tickformat": "%b %y",
            "showgrid": False,
            "showline": True,
            "ticks": "outside",
            "fixedrange": True,
        },
        yaxis={"fixedrange": True, "ticksuffix": "%" if measure.unit == "percent" else ""},
    )


def _figure_block(card: MeasureCard, revision: Revision | None = None) -> html.Div:
    measure, latest, assessment = card.measure, card.row.latest, card.row.assessment
    if not assessment.has_figure:
        return html.Div(
            [
                html.P(figure_words(measure, assessment), className="card-figure status-" + assessment.status),
                html.P(status_explanation(assessment.status), className="small muted"),
            ],
            className="card-figure-block",
        )
    value: list = [figure_words(measure, assessment)]
    point = card.series[-1] if card.series and card.series[-1].period == latest.period else None
    counts = ""
    if point is not None and measure.unit == "percent" and point.numerator is not None:
        counts = format_counts(point.numerator, point.denominator)
        value.append(html.Span(f" ({counts})", className="card-figure-counts"))
    if latest.synthetic:
        value += synthetic_mark()
    mark = revised_mark(measure, revision)
    if mark is not None:
        value += [" ", mark]
    children: list = [html.P(value, className="card-figure" + (" synthetic" if latest.synthetic else ""))]
    if (
        counts
        and point is not None
        and point.denominator is not None
        and measure.numerator_label
        and measure.denominator_label
    ):
        children.append(
            html.P(
                f"{point.numerator:,.0f} {measure.numerator_label}, out of {point.denominator:,.0f} "
                f"{measure.denominator_label}.",
                className="card-counts small",
            )
        )
    return html.Div(children, className="card-figure-block")


def _judgements(card: MeasureCard) -> html.Dl:
    measure, assessment = card.measure, card.row.assessment
    return html.Dl(
        [
            html.Dt("Change since last month"),
            html.Dd(change(measure, assessment), className=f"card-change-words {change_class(assessment)}"),
            html.Dt("Good looks like"),
            html.Dd(polarity_text(measure)),
            html.Dt("Against target"),
            html.Dd(against_target(measure, assessment), className="card-rag"),
            html.Dt("Variation (SPC)"),
            html.Dd(variation(measure, assessment), className="card-spc"),
        ],
        className="card-judgements",
    )


def _chart(card: MeasureCard, period: str) -> html.Div:
    if len(card.series) < 2:
        return html.P("Not enough months to draw a trend.", className="muted small card-chart-empty")
    summary = trend_summary(card.measure, card.series)
    return html.Div(
        # No toolbar inside the card's role="img" chart (axe: nested-interactive); the card links to the
        # measure page, whose full chart downloads as PNG or SVG.
        dcc.Graph(
            figure=trend_figure(card.measure, card.series, period),
            config={"displayModeBar": False, "responsive": True},
            className="card-graph",
        ),
        role="img",
        className="card-chart",
        **{"aria-label": summary},
    )


def _card(card: MeasureCard, period: str, revised: Mapping[tuple[str, str], Revision]) -> html.Article:
    measure = card.measure
    query = urlencode({"period": period})
    links: list = []
    if card.has_teams and access.may_see_teams():
        links.append(
            dcc.Link(
                f"Teams: how each team compares on {measure.ref}",
                href=f"/teams/{measure.ref}?{query}",
                className="card-teams-link",
            )
        )
    if measure.ref in {ref for ref, _ in AUDIT_GRADES}:
        links.append(html.A("See all four audit grades in one chart", href="#" + ids.AREA_GRADES, className="small"))
    slug = measure.ref.replace(".", "-")
    return html.Article(
        [
            html.H3(
                dcc.Link(
                    [html.Span(measure.ref, className="card-ref"), " ", measure.short_title],
                    href=f"/measure/{measure.ref}?{query}",
                    className="card-link",
                ),
                id=f"card-{slug}-heading",
            ),
            html.P(measure.title, className="small muted card-title"),
            _figure_block(card, revised.get((card.measure.ref, card.row.latest.period))),
            html.P(card.sentence, className="card-change"),
            _judgements(card),
            _chart(card, period),
            html.P(links, className="card-links") if links else None,
        ],
        id=f"card-{slug}",
        className="measure-card",
        **{"data-ref": measure.ref, "aria-labelledby": f"card-{slug}-heading"},
    )


def _grade_status(month: GradeMonth, index: int) -> str:
    """The words for a grade with no count this month: 'Suppressed (small number)', 'Not applicable', 'TBC'..."""
    status = month.statuses[index] if month.statuses else "missing"
    return STATUS_TEXT.get(status, STATUS_TEXT["missing"])


def _no_count_marks(months: tuple[GradeMonth, ...], labels: list[str], tallest: float) -> dict | None:
    """A mark above each month's bar where a grade has no count (suppressed, not applicable, TBC, not reported):
    the stack alone would show that grade as nothing, which reads as zero."""
    marked = [
        (label, month)
        for label, month in zip(labels, months, strict=True)
        if any(count is None for count in month.counts)
    ]
    if not marked:
        return None
    words = [
        "; ".join(
            f"{grade.lower()} {_grade_status(month, index).lower()}"
            for index, (_, grade) in enumerate(AUDIT_GRADES)
            if month.counts[index] is None
        )
        for _, month in marked
    ]
    return scatter(
        x=[label for label, _ in marked],
        y=[max(month.total or 0, sum(c or 0 for c in month.counts)) + tallest * 0.12 for _, month in marked],
        mode="markers",
        marker={"symbol": "asterisk-open", "size": 11, "color": AUDIT_NO_COUNT_MARK_COLOUR, "line": {"width": 1.5}},
        name="A grade with no figure (see the table)",  # short enough for a phone; the hover says which
        legendrank=1,  # with the legend reversed, the lowest rank comes last, after the four grades
        customdata=[[long_label(month.period), text] for (_, month), text in zip(marked, words, strict=True)],
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
    )


def grades_summary(months: tuple[GradeMonth, ...]) -> str:
    """Return the words a screen reader hears for the audit-grade chart: the range and the latest month."""
    if not months:
        return "No audit grades reported."
    last = months[-1]
    parts = [
        f"{count} {grade.lower()}" if count is not None else f"{grade.lower()} {_grade_status(last, index).lower()}"
        for index, ((_, grade), count) in enumerate(zip(AUDIT_GRADES, last.counts, strict=True))
    ]
    total = f" of {last.total} audits" if last.total is not None else ""
    return (
        f"Stacked bar chart of audit grades for each month from {long_label(months[0].period)} to "
        f"{long_label(last.period)}. In {long_label(last.period)}: {', '.join(parts)}{total}."
    )


def grades_figure(months: tuple[GradeMonth, ...]) -> dict:
    """Return the stacked audit-grade chart, as plotly's figure data (a dict): outstanding on top down to inadequate
    at the bottom, each grade with its own colour and fill pattern, counts written in the bars and the total audits
    above each bar. Synthetic months are marked † on the axis."""
    labels = [short_label(m.period).replace("-", "<br>") + (SYNTHETIC_MARK if m.synthetic else "") for m in months]
    tallest = max((m.total or sum(c or 0 for c in m.counts)) for m in months) or 1
    data = []
    # Bars stack in trace order from the bottom, so inadequate is added first; the legend is reversed to read
    # outstanding, good, requires improvement, inadequate.
    for index in reversed(range(len(AUDIT_GRADES))):
        grade = AUDIT_GRADES[index][1]
        style = GRADE_STYLE[grade]
        counts = [m.counts[index] for m in months]
        data.append(
            bar(
                x=labels,
                y=counts,
                name=grade,
                marker={
                    "color": style["color"],
                    "line": {"color": BAR_GAP_COLOUR, "width": 1},
                    "pattern": {"shape": style["pattern"], "fgcolor": style["text"], "solidity": 0.15, "size": 7},
                },
                # A count is written in its segment only where the segment is tall enough to hold it.
                text=[str(c) if c and c / tallest >= 0.08 else "" for c in counts],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                textfont={"color": style["text"], "size": 11},
                customdata=[long_label(m.period) for m in months],
                hovertemplate="%{customdata}: %{y} " + grade.lower() + "<extra></extra>",
            )
        )
    data.append(
        scatter(
            x=labels,
            y=[m.total for m in months],
            mode="text",
            text=[str(m.total or "") for m in months],
            textposition="top center",
            showlegend=False,
            textfont={"size": 11, "color": TEXT_COLOUR},
            customdata=[long_label(m.period) for m in months],
            hovertemplate="%{customdata}: %{y} audits<extra></extra>",
        )
    )
    marks = _no_count_marks(months, labels, tallest)
    if marks is not None:
        data.append(marks)
    return plain_figure(
        data,
        barmode="stack",
        height=360,
        margin={"l": 48, "r": 12, "t": 40, "b": 40},
        font={"size": 12},
        legend={"orientation": "h", "traceorder": "reversed", "x": 0, "y": 1.02, "yanchor": "bottom"},
        uniformtext={"minsize": 9, "mode": "hide"},
        bargap=0.25,
        yaxis={"title": {"text": "Audits"}, "fixedrange": True},
        xaxis={"fixedrange": True, "showgrid": False, "tickangle": 0},
    )


def _grades_table(months: tuple[GradeMonth, ...]) -> html.Details:
    header = html.Tr(
        [
            html.Th("Month", scope="col"),
            *[html.Th(grade, scope="col") for _, grade in AUDIT_GRADES],
            html.Th("Audits", scope="col"),
        ]
    )
    rows = []
    for month in reversed(months):
        label = [long_label(month.period), *(synthetic_mark() if month.synthetic else [])]
        rows.append(
            html.Tr(
                [
                    html.Th(label, scope="row"),
                    *[
                        html.Td(str(c), className="figure")
                        if c is not None
                        else html.Td(_grade_status(month, index), className="figure status-text")
                        for index, c in enumerate(month.counts)
                    ],
                    html.Td("" if month.total is None else str(month.total), className="figure"),
                ]
            )
        )
    return html.Details(
        [
            html.Summary("Show the audit grades as a table"),
            html.Div(
                html.Table(
                    [
                        html.Caption("Audit grades per month, newest first", className="visually-hidden"),
                        html.Thead(header),
                        html.Tbody(rows),
                    ],
                    className="report-table grades-table",
                ),
                className="table-scroll report-scroll",
            ),
        ],
        className="grades-details",
    )


def _grades_section(view: AreaView) -> html.Section | None:
    if not view.grades:
        return None
    months = view.grades
    refs = ", ".join(ref for ref, _ in reversed(AUDIT_GRADES))
    return html.Section(
        [
            html.H2("Audit grades month by month", id="grades-heading"),
            html.P(
                f"The grades of the case file audits completed each month (measures {refs}; the total is 4.1). "
                "Outstanding at the top, inadequate at the bottom; each grade has its own pattern.",
                className="muted",
            ),
            html.Div(
                dcc.Graph(
                    id=ids.AREA_GRADES_CHART,
                    figure=grades_figure(months),
                    config={"displayModeBar": False, "responsive": True},
                ),
                role="img",
                className="grades-chart",
                **{"aria-label": grades_summary(months)},
            ),
            chart_download_buttons(
                ids.AREA_GRADES_CHART, f"audit-grades-{months[-1].period}" if months else "audit-grades"
            ),
            html.P("† synthetic demonstration month, not real data.", className="small muted")
            if any(m.synthetic for m in months)
            else None,
            _grades_table(months),
        ],
        id=ids.AREA_GRADES,
        className="grades-section",
        **{"aria-labelledby": "grades-heading"},
    )


def _actions_section(area_plan: PlanView, area_number: int, period: str) -> html.Section | None:
    """The area's actions in the improvement plan as at `period` (`area_plan`: the plan kept to the area), with
    their counts; None when it has none."""
    rows = area_plan.rows
    if not rows:
        return None
    counts = area_plan.counts()
    return html.Section(
        [
            html.H2(f"Actions as at {long_label(period)}", id="actions-heading"),
            html.P(
                [
                    html.Strong(f"{len(rows)} actions: "),
                    f"{counts_sentence(counts)}; {impact_count_sentence(counts)}. ",
                    dcc.Link("See the whole plan", href=f"/plan?period={period}&area={area_number}"),
                    " or ",
                    html.A("go to the measures", href="#" + ids.AREA_CARDS),
                    ". ",
                    meaning_link("plan"),
                ],
                className="plan-counts",
            ),
            html.Div([action_card(row, period) for row in rows], className="action-grid"),
        ],
        id=ids.AREA_ACTIONS,
        className="area-actions",
        **{"aria-labelledby": "actions-heading"},
    )


def _not_found(number) -> html.Div:
    areas = catalogue_records.read_catalogue(engine()).areas
    return html.Div(
        [
            html.H1("Improvement area not found"),
            html.P(f"There is no improvement area “{number}”. The improvement plan has these areas:"),
            html.Ul(
                [html.Li(dcc.Link(f"{area.number}. {area.title}", href=f"/area/{area.number}")) for area in areas],
                className="area-list",
            ),
            html.P(dcc.Link("Go to the Measures that Matter table", href="/")),
        ],
        className="not-found",
    )


def _notices(view: AreaView, requested, synthetic_ratings: bool = False) -> list:
    notices = month_notices(requested, view.available_periods)
    if view.shows_synthetic and synthetic_ratings:
        notices.append(synthetic_notice("Figures and action ratings marked †, and hollow points on the charts,"))
    elif view.shows_synthetic:
        notices.append(synthetic_notice("Figures marked † and hollow points on the charts"))
    elif synthetic_ratings:
        notices.append(synthetic_notice("Action ratings marked †", real_months=False))
    return notices


@single_query_values
def layout(number: str | None = None, period: str | None = None, **_query) -> html.Div:
    """Return the page of improvement area `number` as at `period` (query string, default the latest month)."""
    refused = refusal_notice("Improvement area", users.VIEW_SERVICE)
    if refused:
        return refused
    try:
        area_number = int(str(number))
    except ValueError:
        return _not_found(number)
    chosen = period if is_period(period) else None
    try:
        view = build_area(engine(), area_number, period=chosen, visible=access.visible_months())
    except KeyError:
        return _not_found(number)
    area = view.area
    header = html.Div(
        [
            html.Nav(
                html.Ol(
                    [
                        html.Li(dcc.Link("Measures that Matter", href="/")),
                        html.Li(f"Area {area.number}", **{"aria-current": "page"}),
                    ],
                    className="breadcrumbs",
                ),
                **{"aria-label": "Breadcrumb"},
            ),
            html.H1(f"Area {area.number}: {area.title}", id="area-title"),
            html.P(area.description, className="lede"),
        ],
        className="page-header",
    )
    outcomes = html.Section(
        [
            html.H2("Expected outcomes", id="outcomes-heading"),
            html.Ul([html.Li(outcome) for outcome in view.outcomes], className="outcomes")
            if view.outcomes
            else html.P("The plan states no expected outcomes for this area.", className="muted"),
        ],
        className="outcomes-section",
        **{"aria-labelledby": "outcomes-heading"},
    )
    if view.period is None:
        return html.Div(
            [
                header,
                outcomes,
                html.P("There are no figures yet. Import a monthly return to begin.", className="notice notice-info"),
            ]
        )
    options = [{"label": long_label(p), "value": p} for p in reversed(view.available_periods)]
    if view.period not in view.available_periods:
        options.insert(0, {"label": long_label(view.period), "value": view.period})
    picker = html.Div(
        [
            html.Label("As at", htmlFor=ids.AREA_PERIOD_PICKER, className="picker-label"),
            dcc.Dropdown(
                id=ids.AREA_PERIOD_PICKER,
                options=options,
                value=view.period,
                clearable=False,
                searchable=False,
                className="period-picker",
            ),
            dcc.Store(id=ids.AREA_SHOWN, data=view_search(period=view.period)),
        ],
        className="controls",
    )
    revised = publications.revised_figures(engine(), [view.period])
    area_plan = filter_plan(build_plan(engine(), period=view.period, visible=access.visible_months()), area=area.number)
    cards = html.Section(
        [
            html.H2(f"Measures as at {long_label(view.period)}", id="measures-heading"),
            html.Div([_card(card, view.period, revised) for card in view.cards], className="card-grid"),
        ],
        id=ids.AREA_CARDS,
        **{"aria-labelledby": "measures-heading"},
    )
    return html.Div(
        [
            header,
            picker,
            *_notices(view, period, area_plan.shows_synthetic),
            draft_banner(view.period),
            outcomes,
            _actions_section(area_plan, area.number, view.period),
            _grades_section(view),
            cards,
        ],
        className="area-page",
    )


month_navigation(ids.AREA_PERIOD_PICKER, ids.AREA_SHOWN)
