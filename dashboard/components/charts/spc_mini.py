"""A small SPC chart for the meeting pack, drawn on the server as one SVG image with a text alternative.

The pack prints every measure's chart: one light image each rather than a plotly graph each keeps the page quick
to open and the PDF quick to make. It is read in grey-scale print, so nothing depends on colour alone: each kind
of point has the shape of the measure page's chart (`POINT_STYLE`: a diamond for an improvement, a square for a
concern, a triangle for unusual, a circle otherwise), the mean is a solid line, the process limits dashed, a target
dotted, and each line is labelled in words at its right-hand end.
"""

from __future__ import annotations

import math
from urllib.parse import quote
from xml.sax.saxutils import escape

from dash import html

from dashboard.components.charts.spc_chart import POINT_READING, POINT_STYLE
from dashboard.components.palette import (
    AXIS_LINE_COLOUR,
    BACKGROUND_COLOUR,
    SECONDARY_TEXT_COLOUR,
    SPC_LIMIT_COLOUR,
    SPC_MEAN_COLOUR,
    SPC_MONTHLY_LINE_COLOUR,
    TARGET_BAND_FILL,
    TARGET_COLOUR,
    TEXT_COLOUR,
)
from measures.assessment.model import Assessment
from measures.assessment.spc import SpcResult, SpcSegment
from measures.domain.catalogue import Measure, Target
from measures.domain.formatting import format_value
from measures.domain.periods import long_label, short_label
from measures.views.measure_model import point_kind

WIDTH, HEIGHT = 240, 92  # CSS pixels; the pack scales the image to its cell
LEFT, RIGHT, TOP, BOTTOM = 4, 62, 6, 16  # the plot's margins: labels on the right, months below
FONT_SIZE = 8.5
LABEL_GAP = 9.5  # the least distance between two labels on the right, so that none is written over another
MARK_SIZE = {"common": 2.6, "unassessed": 2.6, "improvement": 3.8, "concern": 3.4, "neither": 3.8}


def point_marker(kind: str, x: float, y: float) -> str:
    """Return SVG markup of one point of kind `kind` (a key of POINT_STYLE) centred on (x, y) in its shape: filled
    in its colour, with a dark outline so the shape reads in grey. Raises KeyError for an unknown kind."""
    colour = str(POINT_STYLE[kind]["color"])
    size = MARK_SIZE[kind]
    style = f'fill="{colour}" stroke="{TEXT_COLOUR}" stroke-width="0.6"'
    if kind == "improvement":
        points = f"{x},{y - size} {x + size},{y} {x},{y + size} {x - size},{y}"
        return f'<polygon points="{_points(points)}" {style}/>'
    if kind == "concern":
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" height="{2 * size:.1f}" {style}/>'
    if kind == "neither":
        points = f"{x},{y - size} {x + size},{y + size * 0.8} {x - size},{y + size * 0.8}"
        return f'<polygon points="{_points(points)}" {style}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" {style}/>'


def _points(text: str) -> str:
    return " ".join(",".join(f"{float(number):.1f}" for number in pair.split(",")) for pair in text.split())


def _spread(labels: list[tuple[float, str, str]], top: float, bottom: float) -> list[tuple[float, str, str]]:
    """Move the labels (y, text, colour) apart by at least LABEL_GAP, keeping their order, within top..bottom as far
    as they fit (below `bottom` rather than over each other when they do not)."""
    placed = sorted(labels)
    for index in range(1, len(placed)):  # downwards: each at least a gap below the one above
        if placed[index][0] - placed[index - 1][0] < LABEL_GAP:
            placed[index] = (placed[index - 1][0] + LABEL_GAP, placed[index][1], placed[index][2])
    overflow = placed[-1][0] - bottom if placed else 0
    if overflow > 0:  # then up as far as the top allows, and down again from there
        placed = [(y - overflow, text, colour) for y, text, colour in placed]
        for index, (y, text, colour) in enumerate(placed):
            least = top if index == 0 else placed[index - 1][0] + LABEL_GAP
            placed[index] = (max(y, least), text, colour)
    return placed


def _limit_spans(result: SpcResult, count: int) -> list[tuple[int, int, float, float | None, float | None]]:
    """(first index, last index, mean, lower limit, upper limit) of each stretch of the chart with limits."""
    segments: tuple[SpcSegment, ...] = result.segments
    if segments:
        return [
            (segment.start, segment.stop - 1, segment.mean, segment.lower_limit, segment.upper_limit)
            for segment in segments
            if segment.mean is not None and segment.stop - 1 >= segment.start
        ]
    if result.mean is None:
        return []
    return [(0, count - 1, result.mean, result.lower_limit, result.upper_limit)]


def spc_mini_svg(measure: Measure, assessment: Assessment, target: Target | None) -> str | None:
    """Return SVG markup of the measure's SPC reading up to its month (points, mean, limits, the target in force),
    or None when there are fewer than two points to draw."""
    result = assessment.spc
    points = result.points
    periods = assessment.spc_periods
    if len(points) < 2 or len(periods) != len(points):
        return None
    insufficient = assessment.variation in ("insufficient", "no-reading")
    spans = _limit_spans(result, len(points))
    values = [point.value for point in points]
    scale = list(values)
    for _, _, mean, lower, upper in spans:
        scale += [number for number in (mean, lower, upper) if number is not None]
    if target is not None:
        scale += [number for number in (target.low, target.high) if number is not None]
    scale = [number for number in scale if math.isfinite(number)]
    low, high = min(scale), max(scale)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(index: int) -> float:
        return LEFT + index * (plot_right - LEFT) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * (plot_bottom - TOP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="{FONT_SIZE}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND_COLOUR}"/>',
    ]
    labels: list[tuple[float, str, str]] = []
    if target is not None and target.kind == "band" and target.low is not None and target.high is not None:
        top, bottom = y(target.high), y(target.low)
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_right - LEFT}" height="{bottom - top:.1f}" '
            f'fill="{TARGET_BAND_FILL}"/>'
        )
    if target is not None:
        for bound in (target.low, target.high):
            if bound is None:
                continue
            parts.append(
                f'<line x1="{LEFT}" y1="{y(bound):.1f}" x2="{plot_right}" y2="{y(bound):.1f}" stroke="{TARGET_COLOUR}" '
                'stroke-width="1.2" stroke-dasharray="1.5 2"/>'
            )
            labels.append((y(bound), f"Target {format_value(measure, bound)}", TARGET_COLOUR))
    for index, (first, last, mean, lower, upper) in enumerate(spans):
        x1, x2 = x(first), x(last)
        latest = index == len(spans) - 1
        for limit, name in ((upper, "Upper"), (lower, "Lower")):
            if limit is None or not math.isfinite(limit):
                continue
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y(limit):.1f}" x2="{x2:.1f}" y2="{y(limit):.1f}" '
                f'stroke="{SPC_LIMIT_COLOUR}" stroke-width="1" stroke-dasharray="4 2"/>'
            )
            if latest:
                labels.append((y(limit), f"{name} {format_value(measure, limit)}", SECONDARY_TEXT_COLOUR))
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y(mean):.1f}" x2="{x2:.1f}" y2="{y(mean):.1f}" stroke="{SPC_MEAN_COLOUR}" '
            'stroke-width="1.1"/>'
        )
        if latest:
            labels.append((y(mean), f"Mean {format_value(measure, mean)}", TEXT_COLOUR))
    line = " ".join(f"{x(index):.1f},{y(value):.1f}" for index, value in enumerate(values))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{SPC_MONTHLY_LINE_COLOUR}" stroke-width="0.9"/>')
    for index, point in enumerate(points):
        kind = point_kind(point, measure.polarity, insufficient)
        parts.append(point_marker(kind, x(index), y(point.value)))
    for label_y, text, colour in _spread(labels, TOP + 3, plot_bottom + 3):
        parts.append(f'<text x="{plot_right + 4}" y="{label_y + 3:.1f}" fill="{colour}">{escape(text)}</text>')
    parts.append(
        f'<line x1="{LEFT}" y1="{plot_bottom + 2}" x2="{plot_right}" y2="{plot_bottom + 2}" '
        f'stroke="{AXIS_LINE_COLOUR}" stroke-width="0.6"/>'
    )
    baseline = HEIGHT - 4
    parts.append(f'<text x="{LEFT}" y="{baseline}" fill="{TEXT_COLOUR}">{short_label(periods[0])}</text>')
    last_month = short_label(periods[-1])
    parts.append(f'<text x="{plot_right}" y="{baseline}" fill="{TEXT_COLOUR}" text-anchor="end">{last_month}</text>')
    parts.append("</svg>")
    return "".join(parts)


def spc_mini_description(measure: Measure, assessment: Assessment) -> str:
    """Return the chart in words: its months, its mean and limits, and how many months are of each special kind,
    e.g. 'SPC chart of 3.1, 24 monthly figures from February 2021 to January 2023; mean 65.3%, process limits
    48.0% to 82.6%; 3 months shown as diamonds: significant improvement.'"""
    result, periods = assessment.spc, assessment.spc_periods
    text = (
        f"SPC chart of {measure.ref}, {len(periods)} monthly figures from {long_label(periods[0])} to "
        f"{long_label(periods[-1])}"
    )
    if result.mean is not None and result.lower_limit is not None and result.upper_limit is not None:
        text += (
            f"; mean {format_value(measure, result.mean)}, process limits {format_value(measure, result.lower_limit)} "
            f"to {format_value(measure, result.upper_limit)}"
        )
    elif assessment.variation in ("insufficient", "no-reading"):
        text += f"; no process limits: {POINT_READING['unassessed'].lower()}"
    insufficient = assessment.variation in ("insufficient", "no-reading")
    counts: dict[str, int] = {}
    for point in result.points:
        kind = point_kind(point, measure.polarity, insufficient)
        counts[kind] = counts.get(kind, 0) + 1
    shapes = {"improvement": "diamonds", "concern": "squares", "neither": "triangles"}
    for special, shape in shapes.items():
        if counts.get(special):
            months = "1 month" if counts[special] == 1 else f"{counts[special]} months"
            text += f"; {months} shown as {shape}: {POINT_READING[special].lower()}"
    return text + "."


def spc_mini(measure: Measure, assessment: Assessment, period: str) -> html.Img | html.P:
    """Return the small SPC chart of a measure as at `period` as an image with its description as the text
    alternative, or a short sentence when there are too few monthly figures to draw."""
    svg = spc_mini_svg(measure, assessment, measure.target_for(period))
    if svg is None:
        return html.P("Fewer than two monthly figures: no chart yet.", className="small muted pack-no-chart")
    return html.Img(
        src="data:image/svg+xml;utf8," + quote(svg),
        alt=spc_mini_description(measure, assessment),
        width=WIDTH,
        height=HEIGHT,
        className="pack-spc-chart",
        **{"data-ref": measure.ref},
    )
