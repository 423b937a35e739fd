"""The figures as the previous release built them, with plotly's `go.Figure`, kept as the reference the plain-data
builders of `dashboard.components.charts` are compared with (tests/unit/test_figure_data.py, bench/figures.py):
the same inputs must give the same JSON.

The functions are the previous release's, unchanged but for their imports; the helpers that never built a plotly
object are imported from where they live now.
"""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go

from dashboard.components.charts.chart_text import plain_text, wrapped
from dashboard.components.charts.spc_chart import (
    BENCHMARK_STYLE,
    BENCHMARK_SUFFIXES,
    FONT_SIZE,
    LEGEND_LINE_LENGTH,
    NEIGHBOURS_TITLE,
    NO_READING_LEGEND,
    ORIGINAL_VIEW_NAME,
    POINT_STYLE,
    _change_months,
    _counts_lines,
    _event_hover,
    _hover_template,
    _year_span,
    month_date,
    point_reading,
    segment_label,
)
from dashboard.components.charts.template import FONT_SIZE as NATIONAL_FONT_SIZE
from dashboard.components.charts.template import TEMPLATE
from dashboard.components.national import SERIES_STYLE, _series, _year_axis_label, figure_or_status
from dashboard.components.palette import (
    AUDIT_NO_COUNT_MARK_COLOUR,
    BAR_COLOUR,
    BAR_GAP_COLOUR,
    CHART_EVENT_COLOUR,
    HATCH_COLOUR,
    OVER_LIMIT_COLOUR,
    SECONDARY_TEXT_COLOUR,
    SPC_LIMIT_COLOUR,
    SPC_MEAN_COLOUR,
    SPC_MONTHLY_LINE_COLOUR,
    SPC_ORIGINAL_LIMIT_COLOUR,
    SYNTHETIC_MARK,
    TARGET_BAND_FILL,
    TARGET_COLOUR,
    TEXT_COLOUR,
    TEXT_ON_DARK_COLOUR,
    TREND_LINE_COLOUR,
    WHOLE_SERVICE_COLOUR,
)
from measures.assessment.spc import SpcPoint
from measures.domain.catalogue import Measure
from measures.domain.formatting import STATUS_TEXT, format_value
from measures.domain.periods import long_label, make_period, parse_period, shift_period, short_label
from measures.views.area import AUDIT_GRADES, GradeMonth, TrendPoint
from measures.views.drilldown import TeamBreakdown, WorkerCaseloads
from measures.views.measure import Benchmark, MeasureDetail, MonthRow
from measures.views.national_model import MeasureComparators
from measures.views.summary import format_benchmark


def _point_traces(detail: MeasureDetail) -> list[go.Scatter]:
    measure = detail.measure
    rows = {row.period: row for row in detail.series}
    derived = detail.assessment.spc_on == "derived-monthly"
    by_kind: dict[str, list[tuple[MonthRow, SpcPoint]]] = {}
    for period, point in detail.spc_points:
        kind = detail.point_kind(point)
        # Derived monthly figures are what the chart reads: the point is the month's own figure, not the
        # year-to-date figure reported.
        row = replace(rows[period], value=point.value) if derived else rows[period]
        by_kind.setdefault(kind, []).append((row, point))
    traces = []
    for kind in ("common", "unassessed", "improvement", "concern", "neither"):
        members = by_kind.get(kind)
        if not members:
            continue
        style = POINT_STYLE[kind]
        # The legend draws a trace's first point: put a real (filled) one first. Order does not matter on the chart.
        members = sorted(members, key=lambda member: member[0].synthetic)
        customdata = []
        for row, point in members:
            numerator, denominator = _counts_lines(measure, row)
            reading = point_reading(detail, point)
            if derived:
                reading += "<br>The month's own figure, derived from the year-to-date counts"
            if row.synthetic:
                reading += "<br><i>Synthetic demonstration figure, not real data</i>"
            if row.small_denominator:
                reading += "<br>Small numbers: read with care"
            customdata.append([row.label, format_value(measure, row.value), numerator, denominator, reading])
        traces.append(
            go.Scatter(
                x=[month_date(row.period) for row, _ in members],
                y=[row.value for row, _ in members],
                mode="markers",
                name=NO_READING_LEGEND if detail.spc.variation == "no-reading" else str(style["name"]),
                legendgroup="points",
                legendrank=10,
                marker={
                    "color": style["color"],
                    "size": style["size"],
                    # Synthetic demonstration figures are hollow: the same shape, open.
                    "symbol": [f"{style['symbol']}-open" if row.synthetic else style["symbol"] for row, _ in members],
                    "line": {"color": style["color"], "width": 2},
                },
                customdata=customdata,
                hovertemplate=_hover_template(measure),
            )
        )
    if any(row.synthetic for row, _ in (m for members in by_kind.values() for m in members)):
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name="Hollow marker: synthetic figure, not real data",
                legendgroup="points",
                legendrank=11,
                marker={"symbol": "circle-open", "color": SECONDARY_TEXT_COLOUR, "size": 9, "line": {"width": 2}},
                hoverinfo="skip",
            )
        )
    return traces


def _status_trace(detail: MeasureDetail, y: float) -> go.Scatter | None:
    """Months with no figure (TBC, new, not applicable, suppressed, missing) are written on the chart, never
    plotted as zero."""
    words = {"tbc": "TBC", "new": "New", "na": "Not applicable", "suppressed": "Suppressed", "missing": "No figure"}
    rows = [row for row in detail.series if not row.counted]
    if not rows:
        return None
    first, last = detail.series[0].period, detail.series[-1].period
    # The axis ends half a month either side of the series: a word centred on the first or last month would be
    # cut at the edge ('Suppress'), so there it is written inwards from its month.
    positions = [
        "top center"
        if first == last
        else "top right"
        if row.period == first
        else "top left"
        if row.period == last
        else "top center"
        for row in rows
    ]
    return go.Scatter(
        x=[month_date(row.period) for row in rows],
        y=[y] * len(rows),
        # A short upright tick marks the month itself, so a word written inwards still says which month it is.
        mode="markers+text",
        marker={
            "symbol": "line-ns-open",
            "size": 12,
            "color": SECONDARY_TEXT_COLOUR,
            "line": {"width": 2, "color": SECONDARY_TEXT_COLOUR},
        },
        text=[words.get(row.status, "No figure") for row in rows],
        textposition=positions,
        textfont={"color": SECONDARY_TEXT_COLOUR, "size": 12},
        name="No figure (TBC, new, not applicable, suppressed)",
        legendrank=12,
        customdata=[[row.label, words.get(row.status, "No figure")] for row in rows],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: no figure to plot<extra></extra>",
    )


def _horizontal(
    x0: str, x1: str, y: float, name: str, line: dict, group: str, show: bool = True, rank: int = 20, hover: str = ""
) -> go.Scatter:
    return go.Scatter(
        x=[x0, x1],
        y=[y, y],
        mode="lines",
        name=name,
        line=line,
        legendgroup=group,
        showlegend=show,
        legendrank=rank,
        hovertemplate=(hover or name) + "<extra></extra>",
    )


def _limit_traces(detail: MeasureDetail, x0: str, x1: str) -> list[go.Scatter]:
    result, measure = detail.spc, detail.measure
    if result.segments:
        return _segment_traces(detail) + _original_traces(detail, x0, x1)
    if result.mean is None or result.upper_limit is None or result.lower_limit is None:
        return []
    mean = format_value(measure, result.mean)
    upper, lower = format_value(measure, result.upper_limit), format_value(measure, result.lower_limit)
    limit_line = {"color": SPC_LIMIT_COLOUR, "width": 1.5, "dash": "dash"}
    return [
        _horizontal(
            x0,
            x1,
            result.mean,
            # Said over which months: the measure's summary also speaks of an average, of the previous 12 months.
            f"Average of the {result.n} months ({mean})",
            {"color": SPC_MEAN_COLOUR, "width": 1.5},
            "mean",
            rank=20,
            hover=f"Average of {result.n} months: {mean}",
        ),
        _horizontal(
            x0,
            x1,
            result.upper_limit,
            f"Process limits ({lower} to {upper})",
            limit_line,
            "limits",
            rank=21,
            hover=f"Upper process limit: {upper}",
        ),
        _horizontal(
            x0,
            x1,
            result.lower_limit,
            "Lower process limit",
            limit_line,
            "limits",
            show=False,
            hover=f"Lower process limit: {lower}",
        ),
    ]


def _segment_traces(detail: MeasureDetail) -> list[go.Scatter]:
    """Each segment's own mean and limits over its months, one legend entry each; a segment with too few months
    draws none."""
    measure, periods = detail.measure, detail.spc_periods
    traces: list[go.Scatter] = []
    limit_line = {"color": SPC_LIMIT_COLOUR, "width": 1.5, "dash": "dash"}
    for number, segment in enumerate(detail.spc.segments):
        if segment.mean is None or segment.upper_limit is None or segment.lower_limit is None:
            continue
        x0, x1 = month_date(periods[segment.start]), month_date(periods[segment.stop - 1])
        words = segment_label(detail, segment)
        mean = format_value(measure, segment.mean)
        upper, lower = format_value(measure, segment.upper_limit), format_value(measure, segment.lower_limit)
        traces += [
            _horizontal(
                x0,
                x1,
                segment.mean,
                f"Average {words} ({mean})",
                {"color": SPC_MEAN_COLOUR, "width": 1.5},
                f"mean-{number}",
                rank=20 + 2 * number,
            ),
            _horizontal(
                x0,
                x1,
                segment.upper_limit,
                f"Process limits {words} ({lower} to {upper})",
                limit_line,
                f"limits-{number}",
                rank=21 + 2 * number,
                hover=f"Upper process limit {words}: {upper}",
            ),
            _horizontal(
                x0,
                x1,
                segment.lower_limit,
                "Lower process limit",
                limit_line,
                f"limits-{number}",
                show=False,
                hover=f"Lower process limit {words}: {lower}",
            ),
        ]
    return traces


def _original_traces(detail: MeasureDetail, x0: str, x1: str) -> list[go.Scatter]:
    """The mean and limits of the whole series as if nothing had been recalculated: in the key, shown on a click, so
    nobody can hide a deterioration by recalculating the limits."""
    original, measure = detail.spc.original, detail.measure
    if original is None or original.mean is None or original.upper_limit is None or original.lower_limit is None:
        return []
    line = {"color": SPC_ORIGINAL_LIMIT_COLOUR, "width": 1.5, "dash": "dot"}
    mean = format_value(measure, original.mean)
    upper, lower = format_value(measure, original.upper_limit), format_value(measure, original.lower_limit)
    traces = [
        _horizontal(x0, x1, original.mean, f"{ORIGINAL_VIEW_NAME}: average ({mean})", line, "original", rank=35),
        _horizontal(
            x0,
            x1,
            original.upper_limit,
            f"{ORIGINAL_VIEW_NAME}: limits ({lower} to {upper})",
            line,
            "original",
            show=False,
            hover=f"{ORIGINAL_VIEW_NAME}: upper process limit {upper}",
        ),
        _horizontal(
            x0,
            x1,
            original.lower_limit,
            "",
            line,
            "original",
            show=False,
            hover=f"{ORIGINAL_VIEW_NAME}: lower process limit {lower}",
        ),
    ]
    for trace in traces:
        trace.update(visible="legendonly")
    traces[0].update(name=f"{ORIGINAL_VIEW_NAME}: average {mean}, limits {lower} to {upper} (select to show)")
    return traces


def _event_trace(detail: MeasureDetail, y: float, step: float) -> go.Scatter | None:
    """Events and completed actions as numbered markers along the top of the chart, each with its text on hover;
    the same numbers head the list under the chart."""
    shown = [(number, note) for number, note in enumerate(detail.events, start=1)]
    if not shown:
        return None
    # Two in the same month are stacked, so neither number hides the other.
    heights: list[float] = []
    seen: dict[str, int] = {}
    for _, note in shown:
        count = seen[note.period] = seen.get(note.period, -1) + 1
        heights.append(y - step * count)
    return go.Scatter(
        x=[month_date(note.period) for _, note in shown],
        y=heights,
        mode="markers+text",
        text=[str(number) for number, _ in shown],
        textposition="top center",
        textfont={"color": CHART_EVENT_COLOUR, "size": 13},
        marker={"symbol": "triangle-down", "size": 13, "color": CHART_EVENT_COLOUR},
        name="Event or action completed (numbered as listed under the chart)",
        legendrank=13,
        customdata=[[long_label(note.period), _event_hover(note)] for _, note in shown],
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
    )


def _target_traces(measure: Measure, x0: str, x1: str, suffix: str = "") -> list[go.Scatter]:
    target = measure.target
    if target is None:
        return []
    if target.kind == "band" and target.low is not None and target.high is not None:
        name = f"Target range: {plain_text(target.describe())}{suffix}"
        return [
            go.Scatter(
                x=[x0, x1, x1, x0, x0],
                y=[target.low, target.low, target.high, target.high, target.low],
                mode="lines",
                fill="toself",
                fillcolor=TARGET_BAND_FILL,
                line={"color": TARGET_COLOUR, "width": 1.5, "dash": "dot"},
                name=name,
                legendgroup="target",
                legendrank=22,
                hoveron="fills+points",
                hovertemplate=f"{name}<extra></extra>",
            )
        ]
    level = target.low if target.kind == "at_least" else target.high
    if level is None:
        return []
    name = f"Target: {plain_text(target.describe())}{suffix}"
    return [_horizontal(x0, x1, level, name, {"color": TARGET_COLOUR, "width": 2.5, "dash": "dot"}, "target", rank=22)]


def _targets_as_they_were(detail: MeasureDetail, x0: str, x1: str) -> list[go.Scatter]:
    """The target drawn as it was in each month: one step per target in force, from the month it applied to the
    month the next one did (a month with no target draws nothing). Without a target history, the current target
    across the chart."""
    measure = detail.measure
    if not measure.target_history or not detail.series:
        return _target_traces(measure, x0, x1)
    months = [row.period for row in detail.series]
    steps: list[tuple[int, int]] = []
    for index, month in enumerate(months):
        if steps and measure.target_for(month) == measure.target_for(months[steps[-1][0]]):
            steps[-1] = (steps[-1][0], index)
        else:
            steps.append((index, index))
    if len(steps) == 1:
        return _target_traces(replace(measure, target=measure.target_for(months[0])), x0, x1)
    traces: list[go.Scatter] = []
    for number, (first, last) in enumerate(steps):
        in_force = measure.target_for(months[first])
        # Each step runs on to where the next begins, so the line steps rather than breaks.
        end = months[steps[number + 1][0]] if number + 1 < len(steps) else months[last]
        words = f" (from {long_label(months[first])})" if number else f" (to {long_label(months[last])})"
        traces += _target_traces(replace(measure, target=in_force), month_date(months[first]), month_date(end), words)
    return traces


def _benchmark_traces(detail: MeasureDetail, first: str, last: str) -> list[go.Scatter]:
    """Each comparator's figure for each financial year, drawn across that year's months (clipped to the chart)."""
    measure = detail.measure
    segments: dict[str, list[tuple[str, str, Benchmark]]] = {}
    for year in detail.benchmarks:
        start, end = _year_span(year.year)
        start, end = max(start, first), min(end, last)
        if start > end:
            continue
        for benchmark in year.values:
            segments.setdefault(benchmark.comparator, []).append((start, end, benchmark))
    traces = []
    for comparator, parts in segments.items():
        kind = parts[0][2].kind
        style = BENCHMARK_STYLE[kind]
        hidden = kind in ("neighbour", "other", "council")
        name = plain_text(comparator) + BENCHMARK_SUFFIXES.get(kind, "")
        if kind == "council":
            name = f"{plain_text(comparator)} (whole year, published)"
        if any(part[2].synthetic for part in parts):
            name += " (synthetic)"
        short_name = plain_text(comparator)
        x: list[str | None] = []
        y: list[float | None] = []
        text: list[str] = []
        customdata: list[list[str]] = []
        for start, end, benchmark in parts:
            shown = format_benchmark(measure, benchmark.value)
            label = f"{name}: {shown} in {plain_text(benchmark.year)}"
            if benchmark.synthetic:
                label += " (synthetic demonstration figure)"
            x += [month_date(start), month_date(end), None]
            y += [benchmark.value, benchmark.value, None]
            text += ["", "" if hidden else f"{short_name} {shown}", ""]
            customdata += [[label], [label], [""]]
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines" if hidden else "lines+text",
                text=text,
                textposition=style["textposition"],
                textfont={"color": style["color"], "size": 12},
                name=name,
                line={"color": style["color"], "dash": style["dash"], "width": style["width"]},
                visible="legendonly" if hidden else True,
                legendgroup="neighbour" if kind == "neighbour" else f"benchmark-{comparator}",
                legendgrouptitle={"text": NEIGHBOURS_TITLE} if kind == "neighbour" else None,
                legendrank=40 if kind == "neighbour" else 30,
                customdata=customdata,
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )
    return traces


def _top_of(figure: go.Figure) -> float:
    """The highest value any trace draws (0 when none)."""
    values = [
        float(value)
        for trace in figure.data
        for value in (trace.y or ())
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    return max(values, default=0.0)


def _wrap_key(figure: go.Figure) -> None:
    """Break the long names and group titles in the chart's key onto lines that fit a phone's screen."""
    for trace in figure.data:
        if trace.name and len(trace.name) > LEGEND_LINE_LENGTH:
            trace.name = wrapped(trace.name, LEGEND_LINE_LENGTH)
        title = trace.legendgrouptitle.text if trace.legendgrouptitle else None
        if title and len(title) > LEGEND_LINE_LENGTH:
            trace.legendgrouptitle.text = wrapped(title, LEGEND_LINE_LENGTH)


def spc_figure(detail: MeasureDetail) -> go.Figure:
    """Return the SPC chart of the measure up to the month shown.

    Points are the counted months (TBC, new and missing months are written on the chart, never plotted);
    special-cause points differ from common-cause ones in colour AND marker shape, synthetic points are
    hollow. The mean and the process limits (dashed) span the counted months; the target is a dotted line,
    or a shaded band for a range measure; benchmarks are horizontal segments over their financial year
    (named neighbours hidden until chosen in the legend). Percent measures run 0-100%. No title: the page
    gives the chart its heading.
    """
    measure = detail.measure
    figure = go.Figure(layout={"template": TEMPLATE})
    if detail.series:
        first, last = detail.series[0].period, detail.series[-1].period
    else:
        first = last = detail.period
    x0, x1 = month_date(first), month_date(last)
    for trace in _targets_as_they_were(detail, x0, x1):
        figure.add_trace(trace)
    for trace in _benchmark_traces(detail, first, last):
        figure.add_trace(trace)
    for trace in _limit_traces(detail, x0, x1):
        figure.add_trace(trace)
    if detail.assessment.spc_on == "derived-monthly":
        derived = dict(detail.spc_points)
        line_values = [derived[row.period].value if row.period in derived else None for row in detail.series]
    else:
        line_values = [row.value if row.counted else None for row in detail.series]
    if any(value is not None for value in line_values):
        # One line joins the months in order; a month without a figure leaves a gap rather than a zero.
        figure.add_trace(
            go.Scatter(
                x=[month_date(row.period) for row in detail.series],
                y=line_values,
                mode="lines",
                line={"color": SPC_MONTHLY_LINE_COLOUR, "width": 1.5},
                connectgaps=False,
                showlegend=False,
                hoverinfo="skip",
                name="Monthly figures",
            )
        )
    for trace in _point_traces(detail):
        figure.add_trace(trace)
    percent = measure.unit == "percent"
    status = _status_trace(detail, 4.0 if percent else 0.0)
    if status is not None:
        figure.add_trace(status)
    top = 96.0 if percent else (_top_of(figure) * 1.12 or 1.0)
    events = _event_trace(detail, top, 6.0 if percent else top * 0.05)
    if events is not None:
        figure.add_trace(events)
    for change in _change_months(detail):
        figure.add_vline(x=month_date(change), line={"color": SPC_LIMIT_COLOUR, "width": 1, "dash": "dashdot"})
    for note in detail.events:
        figure.add_vline(x=month_date(note.period), line={"color": CHART_EVENT_COLOUR, "width": 1, "dash": "dot"})

    year, month = parse_period(first)
    figure.update_layout(
        font={"size": FONT_SIZE},
        height=600,
        margin={"l": 64, "r": 24, "t": 24, "b": 56},
        # The key sits under the chart at every width: beside it, it takes most of a phone's screen and leaves the
        # plot a sliver. Its lines wrap to the chart's width, and the plot gives up height for them.
        legend={
            "orientation": "h",
            "yref": "container",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "bottom",
            "groupclick": "toggleitem",
            "font": {"size": 13},
            "itemsizing": "constant",
            "tracegroupgap": 8,
        },
        showlegend=True,
    )
    figure.update_xaxes(
        type="date",
        # The month names' spacing is left to plotly, which labels fewer months the narrower the chart; the year
        # goes under the month so that each label is short.
        tickformat="%b<br>%Y",
        showline=True,
        ticks="outside",
        range=[f"{shift_period(make_period(year, month), -1)}-16", f"{last}-16"],
        title={"text": "Month"},
    )
    axis_title = {"percent": "Per cent", "count": "Number", "average": "Average", "rate": "Rate"}[measure.unit]
    if percent:
        figure.update_yaxes(range=[0, 100], ticksuffix="%", dtick=10)
    else:
        figure.update_yaxes(rangemode="tozero")
    figure.update_yaxes(showline=True, zeroline=True, title={"text": axis_title})
    _wrap_key(figure)
    return figure


def national_figure(comparators: MeasureComparators) -> go.Figure:
    """Return the annual chart: one point per published year for the council, England, the region and the
    neighbours' average, each with its own line dash and marker shape as well as colour, the x axis the years
    as readers write them. A year without a figure leaves a gap, never a zero."""
    figure = go.Figure(layout={"template": TEMPLATE})
    labels = [_year_axis_label(year) for year in comparators.years]
    unit, decimals = comparators.unit, comparators.decimals
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
        figure.add_trace(
            go.Scatter(
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
    percent = unit == "percent"
    figure.update_layout(
        font={"size": NATIONAL_FONT_SIZE},
        height=420,
        margin={"l": 64, "r": 16, "t": 16, "b": 56},
        # Above the plot, so that on a phone the key wraps upwards instead of over the years' axis.
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 13}},
        showlegend=True,
    )
    figure.update_xaxes(
        type="category",
        title={"text": "Year (national figures are annual)"},
        showline=True,
        tickangle=-45 if len(labels) > 6 else 0,
    )
    axis_title = {"percent": "Per cent", "count": "Number", "average": "Average", "rate": "Rate"}.get(unit, "Figure")
    if percent:
        figure.update_yaxes(range=[0, 100], ticksuffix="%")
    else:
        figure.update_yaxes(rangemode="tozero")
    figure.update_yaxes(showline=True, title={"text": axis_title})
    return figure


def trend_figure(measure: Measure, series: tuple[TrendPoint, ...], period: str) -> go.Figure:
    """Return the small trend chart: the line of monthly values, published points filled and synthetic points
    hollow (each named in the legend), with the target line or band shaded."""
    from dashboard.pages.area import _month_date  # a page module: imported once an app is made

    dates = [_month_date(point.period) for point in series]
    texts = [format_value(measure, point.value) for point in series]
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_trace(
        go.Scatter(
            x=dates,
            y=[p.value for p in series],
            mode="lines",
            showlegend=False,
            line={"color": TREND_LINE_COLOUR, "width": 2},
            hoverinfo="skip",
        )
    )
    for synthetic, name, symbol in ((False, "Published", "circle"), (True, "Synthetic (demo)", "circle-open")):
        points = [i for i, point in enumerate(series) if point.synthetic is synthetic]
        if not points:
            continue
        figure.add_trace(
            go.Scatter(
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
    if target is not None and target.kind == "band":
        figure.add_hrect(
            y0=target.low,
            y1=target.high,
            fillcolor=TARGET_BAND_FILL,
            line_width=0,
            layer="below",
            annotation_text=f"Target {target.low:g}–{target.high:g}",
            annotation_position="top left",
            annotation_font={"size": 11, "color": TARGET_COLOUR},
        )
    elif target is not None:
        level = target.low if target.kind == "at_least" else target.high
        suffix = "%" if measure.unit == "percent" else ""
        figure.add_hline(
            y=level,
            line_dash="dash",
            line_color=TARGET_COLOUR,
            line_width=1.5,
            annotation_text=f"Target {level:g}{suffix}",
            annotation_position="top left",
            annotation_font={"size": 11, "color": TARGET_COLOUR},
        )
    figure.update_layout(
        height=210,
        margin={"l": 44, "r": 12, "t": 8, "b": 28},
        font={"size": 12},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom", "font": {"size": 11}},
        showlegend=any(point.synthetic for point in series),
    )
    # Half a month either side, so the first and last points are drawn whole.
    figure.update_xaxes(
        range=[f"{shift_period(period, -24)}-16", f"{period}-16"],
        tickformat="%b %y",
        showgrid=False,
        showline=True,
        ticks="outside",
        fixedrange=True,
    )
    figure.update_yaxes(fixedrange=True, ticksuffix="%" if measure.unit == "percent" else "")
    return figure


def teams_figure(breakdown: TeamBreakdown) -> go.Figure:
    """Return the horizontal bar chart of the teams' values for the month, teams in name order from the top,
    each bar labelled with its figure (synthetic ones marked †), the whole-service value as a dashed line and
    the target line or band shaded."""
    from dashboard.pages.teams import _team_label  # a page module: imported once an app is made

    measure = breakdown.measure
    shown = [team for team in breakdown.teams if team.figure.status == "ok" and team.figure.value is not None]
    labels = [team.figure.text + (SYNTHETIC_MARK if team.figure.synthetic else "") for team in shown]
    figure = go.Figure(
        go.Bar(
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
        ),
        layout={"template": TEMPLATE},
    )
    # The reference lines are named in the legend rather than labelled on the plot, where they would collide
    # with the bars' labels.
    target = measure.target
    if target is not None and target.kind == "band":
        figure.add_vrect(
            x0=target.low,
            x1=target.high,
            fillcolor=TARGET_BAND_FILL,
            line_width=0,
            layer="below",
            name=f"Target range {target.low:g}–{target.high:g}",
            showlegend=True,
        )
    elif target is not None:
        level = target.low if target.kind == "at_least" else target.high
        figure.add_vline(
            x=level,
            line_dash="dot",
            line_color=TARGET_COLOUR,
            line_width=2.5,
            name=f"Target: {plain_text(target.describe())}",
            showlegend=True,
        )
    service = breakdown.service
    # A count is the teams' counts added up, so a team is compared with the service only for rates and averages.
    if service is not None and service.status == "ok" and service.value is not None and measure.unit != "count":
        figure.add_vline(
            x=service.value,
            line_dash="dash",
            line_color=WHOLE_SERVICE_COLOUR,
            line_width=2,
            name=f"Whole service {format_value(measure, service.value)}",
            showlegend=True,
        )
    zeros = [
        (_team_label(team.team), label) for team, label in zip(shown, labels, strict=True) if team.figure.value == 0
    ]
    if zeros:  # a bar of zero has no length to hold its label
        figure.add_trace(
            go.Scatter(
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
        figure.add_trace(
            go.Scatter(
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
    figure.update_layout(
        height=90 + 46 * max(len(breakdown.teams), 1),
        # The names' width sets the left margin (the axis's automargin): a fixed one would take half a phone.
        margin={"l": 16, "r": 24, "t": 48, "b": 48},
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        bargap=0.35,
    )
    figure.update_yaxes(
        autorange="reversed",
        fixedrange=True,
        showgrid=False,
        ticks="outside",
        ticklen=4,
        categoryorder="array",
        categoryarray=[_team_label(team.team) for team in breakdown.teams],
    )
    figure.update_xaxes(
        range=x_range,
        fixedrange=True,
        ticksuffix="%" if measure.unit == "percent" else "",
        title_text=wrapped(plain_text(measure.short_title) + (" (%)" if measure.unit == "percent" else ""), 36),
    )
    return figure


def caseload_figure(data: WorkerCaseloads) -> go.Figure:
    """Return the distribution chart: workers per caseload as bars, those above the limit in a second colour
    and a hatch pattern (named in the legend), the target band shaded and a labelled line at the limit."""
    within = [(load, count) for load, count in data.distribution if load <= data.limit]
    over = [(load, count) for load, count in data.distribution if load > data.limit]
    figure = go.Figure(layout={"template": TEMPLATE})
    for points, name, colour, pattern in (
        (within, f"{data.limit} children or fewer", BAR_COLOUR, ""),
        (over, f"More than {data.limit} children", OVER_LIMIT_COLOUR, "/"),
    ):
        if not points:
            continue
        figure.add_trace(
            go.Bar(
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
    if data.band is not None:
        figure.add_vrect(
            x0=data.band[0] - 0.5,
            x1=data.band[1] + 0.5,
            fillcolor=TARGET_BAND_FILL,
            line_width=0,
            layer="below",
            annotation_text=f"Target range {data.band[0]:g}–{data.band[1]:g}",
            annotation_position="top left",
            annotation_font={"size": 12, "color": TARGET_COLOUR},
        )
    figure.add_vline(
        x=data.limit + 0.5,
        line_dash="dash",
        line_color=OVER_LIMIT_COLOUR,
        line_width=2,
        annotation_text=f"more than {data.limit} children →",
        annotation_position="top right",
        annotation_font={"size": 12, "color": OVER_LIMIT_COLOUR},
    )
    loads = [load for load, _ in data.distribution]
    low = min(loads + [data.band[0] if data.band else data.limit]) - 1.5
    high = max(loads + [data.limit + 6]) + 1.5  # room for the label beyond the line
    tallest = max(count for _, count in data.distribution)
    figure.update_layout(
        height=380,
        margin={"l": 56, "r": 16, "t": 48, "b": 56},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.08, "yanchor": "bottom"},
        bargap=0.15,
    )
    figure.update_xaxes(
        range=[low, high],
        dtick=2,
        title_text="Children allocated to the worker",
        fixedrange=True,
        showgrid=False,
        ticks="outside",
    )
    figure.update_yaxes(
        range=[0, tallest * 1.25 + 0.5],
        title_text="Number of social workers",
        dtick=2 if tallest > 6 else 1,
        fixedrange=True,
    )
    return figure


def _no_count_marks(months: tuple[GradeMonth, ...], labels: list[str], tallest: float) -> go.Scatter | None:
    """A mark above each month's bar where a grade has no count (suppressed, not applicable, TBC, not reported):
    the stack alone would show that grade as nothing, which reads as zero."""
    from dashboard.pages.area import _grade_status  # a page module: imported once an app is made

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
    return go.Scatter(
        x=[label for label, _ in marked],
        y=[max(month.total or 0, sum(c or 0 for c in month.counts)) + tallest * 0.12 for _, month in marked],
        mode="markers",
        marker={"symbol": "asterisk-open", "size": 11, "color": AUDIT_NO_COUNT_MARK_COLOUR, "line": {"width": 1.5}},
        name="A grade with no figure (see the table)",  # short enough for a phone; the hover says which
        legendrank=1,  # with the legend reversed, the lowest rank comes last, after the four grades
        customdata=[[long_label(month.period), text] for (_, month), text in zip(marked, words, strict=True)],
        hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>",
    )


def grades_figure(months: tuple[GradeMonth, ...]) -> go.Figure:
    """Return the stacked audit-grade chart: outstanding on top down to inadequate at the bottom, each grade with
    its own colour and fill pattern, counts written in the bars and the total audits above each bar.
    Synthetic months are marked † on the axis."""
    from dashboard.pages.area import GRADE_STYLE  # a page module: imported once an app is made

    labels = [short_label(m.period).replace("-", "<br>") + (SYNTHETIC_MARK if m.synthetic else "") for m in months]
    tallest = max((m.total or sum(c or 0 for c in m.counts)) for m in months) or 1
    figure = go.Figure(layout={"template": TEMPLATE})
    # Bars stack in trace order from the bottom, so inadequate is added first; the legend is reversed to read
    # outstanding, good, requires improvement, inadequate.
    for index in reversed(range(len(AUDIT_GRADES))):
        grade = AUDIT_GRADES[index][1]
        style = GRADE_STYLE[grade]
        counts = [m.counts[index] for m in months]
        figure.add_trace(
            go.Bar(
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
    figure.add_trace(
        go.Scatter(
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
        figure.add_trace(marks)
    figure.update_layout(
        barmode="stack",
        height=360,
        margin={"l": 48, "r": 12, "t": 40, "b": 40},
        font={"size": 12},
        legend={"orientation": "h", "traceorder": "reversed", "x": 0, "y": 1.02, "yanchor": "bottom"},
        uniformtext={"minsize": 9, "mode": "hide"},
        bargap=0.25,
    )
    figure.update_yaxes(title_text="Audits", fixedrange=True)
    figure.update_xaxes(fixedrange=True, showgrid=False, tickangle=0)
    return figure
