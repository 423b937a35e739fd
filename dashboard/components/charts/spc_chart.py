"""The SPC chart of one measure, after NHS England's "Making Data Count": monthly values, the mean, the process
limits, the target, benchmarks per financial year, and special-cause points marked by shape as well as colour.

Also the variation and assurance icons, which always carry their words beside them.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from dash import dcc, html

from dashboard.components.charts.chart_text import plain_text, wrapped
from dashboard.components.charts.figure_data import figure as plain_figure
from dashboard.components.charts.figure_data import scatter, vertical_line
from dashboard.components.palette import (
    BACKGROUND_COLOUR,
    BENCHMARK_COLOURS,
    CHART_EVENT_COLOUR,
    SECONDARY_TEXT_COLOUR,
    SPC_COMMON_CAUSE_COLOUR,
    SPC_CONCERN_COLOUR,
    SPC_IMPROVEMENT_COLOUR,
    SPC_LIMIT_COLOUR,
    SPC_MEAN_COLOUR,
    SPC_MONTHLY_LINE_COLOUR,
    SPC_NEITHER_COLOUR,
    SPC_ORIGINAL_LIMIT_COLOUR,
    SPC_UNASSESSED_COLOUR,
    TARGET_BAND_FILL,
    TARGET_COLOUR,
)
from dashboard.components.reading_help import meaning_link
from measures.assessment.spc import SpcPoint, SpcSegment
from measures.domain.catalogue import Measure
from measures.domain.formatting import (
    ASSURANCE_TEXT,
    DERIVED_MONTHLY_TEXT,
    format_number,
    format_value,
    variation_text,
)
from measures.domain.periods import long_label, make_period, parse_period, shift_period
from measures.views.measure import Benchmark, ChartNote, MeasureDetail, MonthRow
from measures.views.summary import format_benchmark

FONT_SIZE = 14

# Each kind of point has its own colour (palette.py) and its own shape, so special causes read without colour.
POINT_STYLE: dict[str, dict[str, object]] = {
    "common": {"name": "Normal variation", "color": SPC_COMMON_CAUSE_COLOUR, "symbol": "circle", "size": 8},
    "improvement": {
        "name": "Significant improvement",
        "color": SPC_IMPROVEMENT_COLOUR,
        "symbol": "diamond",
        "size": 12,
    },
    "concern": {
        "name": "Significant change for the worse",
        "color": SPC_CONCERN_COLOUR,
        "symbol": "square",
        "size": 11,
    },
    "neither": {
        "name": "Unusual, neither better nor worse",
        "color": SPC_NEITHER_COLOUR,
        "symbol": "triangle-up",
        "size": 12,
    },
    "unassessed": {
        "name": "Monthly figure (too few months to judge)",
        "color": SPC_UNASSESSED_COLOUR,
        "symbol": "circle",
        "size": 8,
    },
}
POINT_READING = {
    "common": "Normal variation",
    "improvement": "Significant improvement",
    "concern": "Significant change for the worse",
    "neither": "Unusual, neither better nor worse",
    "unassessed": "Too few months to judge yet",
}
NO_READING_POINT = "No SPC reading: not a monthly figure"
NO_READING_LEGEND = "Figure as reported (no SPC reading)"


def point_reading(detail: MeasureDetail, point: SpcPoint) -> str:
    """Return how one chart point reads in words: its kind (POINT_READING), a special cause neither better nor
    worse with its side ('Unusually high, neither better nor worse'), or, for a measure with no SPC reading because its
    figures are not monthly, NO_READING_POINT."""
    kind = detail.point_kind(point)
    if kind == "unassessed" and detail.spc.variation == "no-reading":
        return NO_READING_POINT
    if kind == "neither":
        return variation_text("neither", point.side)
    return POINT_READING[kind]


BENCHMARK_STYLE: dict[str, dict[str, object]] = {
    "england": {"color": BENCHMARK_COLOURS["england"], "dash": "dashdot", "width": 2.5, "textposition": "top left"},
    "region": {"color": BENCHMARK_COLOURS["region"], "dash": "longdash", "width": 2.5, "textposition": "top right"},
    "neighbours": {
        "color": BENCHMARK_COLOURS["neighbours"],
        "dash": "longdashdot",
        "width": 3,
        "textposition": "bottom left",
    },
    "council": {"color": BENCHMARK_COLOURS["council"], "dash": "dot", "width": 2.5, "textposition": "bottom right"},
    "neighbour": {"color": BENCHMARK_COLOURS["neighbour"], "dash": "dot", "width": 1.5, "textposition": "middle left"},
    "other": {"color": BENCHMARK_COLOURS["other"], "dash": "dash", "width": 1.5, "textposition": "middle left"},
}
BENCHMARK_SUFFIXES = {"neighbours": " (average)"}  # after the comparator's own name, e.g. "Statistical neighbours"
NEIGHBOURS_TITLE = "Each statistical neighbour (select to show)"
ICON_COLOURS = {
    "improvement": SPC_IMPROVEMENT_COLOUR,
    "concern": SPC_CONCERN_COLOUR,
    "neither": SPC_NEITHER_COLOUR,
    "common": SPC_COMMON_CAUSE_COLOUR,
    "pass": SPC_IMPROVEMENT_COLOUR,
    "fail": SPC_CONCERN_COLOUR,
    "hit-or-miss": SPC_COMMON_CAUSE_COLOUR,
}


def month_date(period: str) -> str:
    """Return the date a month is plotted at ('2023-01' -> '2023-01-01')."""
    return f"{period}-01"


def _year_span(year: str) -> tuple[str, str]:
    """The first and last month of a financial year '2021-22' -> ('2021-04', '2022-03')."""
    start = int(year[:4])
    return make_period(start, 4), make_period(start + 1, 3)


def _counts_lines(measure: Measure, row: MonthRow) -> tuple[str, str]:
    numerator = format_number(row.numerator) if row.numerator is not None else "not reported"
    denominator = format_number(row.denominator) if row.denominator is not None else "not reported"
    if measure.numerator_label:
        numerator += f" {plain_text(measure.numerator_label)}"
    if measure.denominator_label:
        denominator += f" {plain_text(measure.denominator_label)}"
    return numerator, denominator


def _hover_template(measure: Measure) -> str:
    lines = ["<b>%{customdata[0]}</b>", f"{plain_text(measure.short_title)}: %{{customdata[1]}}"]
    if measure.unit == "percent" and measure.counts:
        lines += ["Numerator: %{customdata[2]}", "Denominator: %{customdata[3]}"]
    lines.append("%{customdata[4]}")
    return "<br>".join(lines) + "<extra></extra>"


def _point_traces(detail: MeasureDetail) -> list[dict]:
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
            scatter(
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
            scatter(
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


def _status_trace(detail: MeasureDetail, y: float) -> dict | None:
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
    return scatter(
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
) -> dict:
    return scatter(
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


def _limit_traces(detail: MeasureDetail, x0: str, x1: str) -> list[dict]:
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


def segment_label(detail: MeasureDetail, segment: SpcSegment) -> str:
    """Return the months a segment's limits were calculated on, in words: 'from March 2022', 'up to February 2022'
    or, for limits fixed on a baseline, 'fixed on April 2020 to March 2021'."""
    periods = detail.spc_periods
    if segment.fixed_on is not None:
        return f"fixed on {long_label(periods[segment.fixed_on[0]])} to {long_label(periods[segment.fixed_on[1] - 1])}"
    if segment.start == 0 and len(detail.spc.segments) > 1:
        return f"up to {long_label(periods[segment.stop - 1])}"
    return f"from {long_label(periods[segment.start])}"


def _segment_traces(detail: MeasureDetail) -> list[dict]:
    """Each segment's own mean and limits over its months, one legend entry each; a segment with too few months
    draws none."""
    measure, periods = detail.measure, detail.spc_periods
    traces: list[dict] = []
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


ORIGINAL_VIEW_NAME = "Without the recalculation"


def _original_traces(detail: MeasureDetail, x0: str, x1: str) -> list[dict]:
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
        trace["visible"] = "legendonly"
    traces[0]["name"] = f"{ORIGINAL_VIEW_NAME}: average {mean}, limits {lower} to {upper} (select to show)"
    return traces


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def recalculation_sentences(detail: MeasureDetail) -> list[str]:
    """Return what the chart's recalculations are and what the chart would say without them, e.g. 'Limits
    recalculated from March 2022: MASH co-located.' then 'Without the recalculation: average 16.3%, process limits
    9.0% to 23.5%; the latest month reads: Significant change for the worse.' Empty without a recalculation."""
    result, measure = detail.spc, detail.measure
    if not result.segments:
        return []
    periods = detail.spc_periods
    sentences = []
    for change in measure.process_changes:
        if periods and periods[0] < change.period <= periods[-1]:
            sentences.append(f"Limits recalculated from {long_label(change.period)}: {change.reason}")
    if measure.baseline is not None and any(segment.fixed_on for segment in result.segments):
        baseline = measure.baseline
        sentences.append(
            f"Limits fixed on {long_label(baseline.first)} to {long_label(baseline.last)}: {baseline.reason}"
        )
    for segment in result.segments:
        if segment.mean is None:
            months = segment.stop - segment.start
            counted = f"{months} month{'s' if months != 1 else ''}"
            sentences.append(
                f"{_capitalise(segment_label(detail, segment))}: {counted}, fewer than the "
                f"{measure.spc.minimum_segment_points} the limits need, so no average or limits are drawn"
            )
    original = result.original
    if original is not None and original.mean is not None:
        sentences.append(
            f"{ORIGINAL_VIEW_NAME}: average {format_value(measure, original.mean)}, process limits "
            f"{format_value(measure, original.lower_limit)} to {format_value(measure, original.upper_limit)}; the "
            f"latest month reads: {variation_text(original.variation, original.variation_side)}."
        )
    elif original is not None:
        sentences.append(f"{ORIGINAL_VIEW_NAME}: {original.explanation}")
    return [sentence if sentence.endswith(".") else sentence + "." for sentence in sentences]


EVENT_HOVER_LENGTH = 120


def _event_hover(note: ChartNote) -> str:
    """An event's words for the chart's hover, as text: an action's long wording is cut (the list under the chart
    has it whole)."""
    text = note.text if len(note.text) <= EVENT_HOVER_LENGTH else note.text[: EVENT_HOVER_LENGTH - 1].rstrip() + "…"
    return plain_text(f"Action completed: {text}" if note.kind == "action" else text)


def _event_trace(detail: MeasureDetail, y: float, step: float) -> dict | None:
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
    return scatter(
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


def _target_traces(measure: Measure, x0: str, x1: str, suffix: str = "") -> list[dict]:
    target = measure.target
    if target is None:
        return []
    if target.kind == "band" and target.low is not None and target.high is not None:
        name = f"Target range: {plain_text(target.describe())}{suffix}"
        return [
            scatter(
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


def _targets_as_they_were(detail: MeasureDetail, x0: str, x1: str) -> list[dict]:
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
    traces: list[dict] = []
    for number, (first, last) in enumerate(steps):
        in_force = measure.target_for(months[first])
        # Each step runs on to where the next begins, so the line steps rather than breaks.
        end = months[steps[number + 1][0]] if number + 1 < len(steps) else months[last]
        words = f" (from {long_label(months[first])})" if number else f" (to {long_label(months[last])})"
        traces += _target_traces(replace(measure, target=in_force), month_date(months[first]), month_date(end), words)
    return traces


def _benchmark_traces(detail: MeasureDetail, first: str, last: str) -> list[dict]:
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
            scatter(
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


def _top_of(data: list[dict]) -> float:
    """The highest value any trace draws (0 when none)."""
    values = [
        float(value)
        for trace in data
        for value in (trace.get("y") or ())
        if isinstance(value, int | float) and not isinstance(value, bool)
    ]
    return max(values, default=0.0)


# A key entry longer than this runs onto a second line: under the chart on a phone a longer line is cut off at
# the screen's edge (plotly does not wrap legend text).
LEGEND_LINE_LENGTH = 42


def _wrap_key(data: list[dict]) -> None:
    """Break the long names and group titles in the chart's key onto lines that fit a phone's screen."""
    for trace in data:
        name = trace.get("name")
        if name and len(name) > LEGEND_LINE_LENGTH:
            trace["name"] = wrapped(name, LEGEND_LINE_LENGTH)
        title = trace.get("legendgrouptitle", {}).get("text")
        if title and len(title) > LEGEND_LINE_LENGTH:
            trace["legendgrouptitle"] = {**trace["legendgrouptitle"], "text": wrapped(title, LEGEND_LINE_LENGTH)}


def _change_months(detail: MeasureDetail) -> list[str]:
    """The first month of each segment after the first: where the limits were recalculated."""
    return [detail.spc_periods[segment.start] for segment in detail.spc.segments if segment.start > 0]


def spc_figure(detail: MeasureDetail) -> dict:
    """Return the SPC chart of the measure up to the month shown, as plotly's figure data (a dict).

    Points are the counted months (TBC, new and missing months are written on the chart, never plotted);
    special-cause points differ from common-cause ones in colour AND marker shape, synthetic points are
    hollow. The mean and the process limits (dashed) span the counted months; the target is a dotted line,
    or a shaded band for a range measure; benchmarks are horizontal segments over their financial year
    (named neighbours hidden until chosen in the legend). Percent measures run 0-100%. No title: the page
    gives the chart its heading.
    """
    measure = detail.measure
    if detail.series:
        first, last = detail.series[0].period, detail.series[-1].period
    else:
        first = last = detail.period
    x0, x1 = month_date(first), month_date(last)
    data: list[dict] = [
        *_targets_as_they_were(detail, x0, x1),
        *_benchmark_traces(detail, first, last),
        *_limit_traces(detail, x0, x1),
    ]
    if detail.assessment.spc_on == "derived-monthly":
        derived = dict(detail.spc_points)
        line_values = [derived[row.period].value if row.period in derived else None for row in detail.series]
    else:
        line_values = [row.value if row.counted else None for row in detail.series]
    if any(value is not None for value in line_values):
        # One line joins the months in order; a month without a figure leaves a gap rather than a zero.
        data.append(
            scatter(
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
    data += _point_traces(detail)
    percent = measure.unit == "percent"
    status = _status_trace(detail, 4.0 if percent else 0.0)
    if status is not None:
        data.append(status)
    top = 96.0 if percent else (_top_of(data) * 1.12 or 1.0)
    events = _event_trace(detail, top, 6.0 if percent else top * 0.05)
    if events is not None:
        data.append(events)
    shapes = [
        vertical_line(month_date(change), {"color": SPC_LIMIT_COLOUR, "width": 1, "dash": "dashdot"})
        for change in _change_months(detail)
    ] + [
        vertical_line(month_date(note.period), {"color": CHART_EVENT_COLOUR, "width": 1, "dash": "dot"})
        for note in detail.events
    ]
    year, month = parse_period(first)
    axis_title = {"percent": "Per cent", "count": "Number", "average": "Average", "rate": "Rate"}[measure.unit]
    _wrap_key(data)
    return plain_figure(
        data,
        **({"shapes": shapes} if shapes else {}),
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
        xaxis={
            "type": "date",
            # The month names' spacing is left to plotly, which labels fewer months the narrower the chart; the
            # year goes under the month so that each label is short.
            "tickformat": "%b<br>%Y",
            "showline": True,
            "ticks": "outside",
            "range": [f"{shift_period(make_period(year, month), -1)}-16", f"{last}-16"],
            "title": {"text": "Month"},
        },
        yaxis={
            **({"range": [0, 100], "ticksuffix": "%", "dtick": 10} if percent else {"rangemode": "tozero"}),
            "showline": True,
            "zeroline": True,
            "title": {"text": axis_title},
        },
    )


def graph_config(filename: str) -> dict:
    """Return the dcc.Graph config: PNG from plotly's camera button (filename given), no plotly logo, and
    no selection tools (they do nothing useful here). SVG comes from the page's own download buttons."""
    return {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": 1400, "height": 640, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    }


def spc_graph(detail: MeasureDetail, graph_id: str, filename: str) -> dcc.Graph:
    """Return the chart as a dcc.Graph with the download configuration."""
    return dcc.Graph(id=graph_id, figure=spc_figure(detail), config=graph_config(filename), className="spc-graph")


def _icon(letter: str, colour: str) -> str:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">'
        f'<circle cx="20" cy="20" r="17" fill="{BACKGROUND_COLOUR}" stroke="{colour}" stroke-width="4"/>'
        f'<text x="20" y="26.5" font-family="Arial, sans-serif" font-size="18" font-weight="700" '
        f'text-anchor="middle" fill="{colour}">{letter}</text></svg>'
    )
    return "data:image/svg+xml;utf8," + quote(svg)


def variation_icon(detail: MeasureDetail) -> html.Span:
    """Return the variation icon with its words: the icon is decorative, the words carry the meaning, and a link
    says what they mean.

    The letter shows which way the latest special cause points: H (higher) or L (lower); ~ for common cause.
    """
    return variation_icon_of(detail.assessment.variation, detail.assessment.variation_side)


def variation_icon_of(variation: str, side: str | None, explained: bool = True) -> html.Span:
    """Return the icon of one variation ('common', 'improvement', ...) with the latest special cause on `side`
    ('high' or 'low') and its words, as the measure page draws it, with the link to what they mean when
    `explained` (the page that explains them leaves it out). Too few months, or no reading, has words only."""
    text = variation_text(variation, side)
    link = meaning_link("variation") if explained else None
    if variation in ("insufficient", "no-reading"):
        return html.Span(
            [html.Span(text, className="spc-icon-text"), link], className=f"spc-icon variation-{variation}"
        )
    letter = "~" if variation == "common" else ("H" if side == "high" else "L")
    return html.Span(
        [
            html.Img(src=_icon(letter, ICON_COLOURS[variation]), alt="", width=32, height=32),
            html.Span(text, className="spc-icon-text"),
            link,
        ],
        className=f"spc-icon variation-icon-{variation}",
    )


def assurance_icon(detail: MeasureDetail) -> html.Span | None:
    """Return the assurance icon with its words (P pass, F fail, ? hit or miss), or None without one: the
    assessment's assurance, which is dropped when the newest figure is older than the rating window."""
    return assurance_icon_of(detail.assessment.assurance)


def assurance_icon_of(assurance: str, explained: bool = True) -> html.Span | None:
    """Return the icon of one assurance ('pass', 'fail', 'hit-or-miss') with its words, as the measure page draws
    it, and the link to what they mean when `explained`; None for 'none'."""
    if assurance == "none":
        return None
    letter = {"pass": "P", "fail": "F", "hit-or-miss": "?"}[assurance]
    return html.Span(
        [
            html.Img(src=_icon(letter, ICON_COLOURS[assurance]), alt="", width=32, height=32),
            html.Span(ASSURANCE_TEXT[assurance], className="spc-icon-text"),
            meaning_link("assurance") if explained else None,
        ],
        className=f"spc-icon assurance-icon-{assurance}",
    )


def chart_reading(detail: MeasureDetail) -> str:
    """Return one line on the chart's limits for the text alternative, e.g. 'Average of the 22 months up to
    January 2023: 65.3%; process limits 48.0% to 82.6%.' or why there are none."""
    result, measure = detail.spc, detail.measure
    if result.variation == "no-reading":
        return result.explanation
    if result.mean is None:
        if result.segments:
            return " ".join([result.explanation, *recalculation_sentences(detail)])
        return (
            f"No average or process limits: {result.n} month(s) with a figure, and SPC needs at least "
            f"{measure.spc.minimum_points}."
        )
    if result.segments:
        latest = result.segments[-1]
        text = (
            f"Average {segment_label(detail, latest)} (the limits the latest month is read against): "
            f"{format_value(measure, result.mean)}; process limits {format_value(measure, result.lower_limit)}"
            f" to {format_value(measure, result.upper_limit)}."
        )
        return " ".join([text, *recalculation_sentences(detail)])
    text = (
        f"Average of the {result.n} months up to {long_label(detail.spc_periods[-1])}: "
        f"{format_value(measure, result.mean)}; process limits {format_value(measure, result.lower_limit)}"
        f" to {format_value(measure, result.upper_limit)}."
    )
    if detail.assessment.spc_on == "derived-monthly":
        text += f" {DERIVED_MONTHLY_TEXT}"
    return text
