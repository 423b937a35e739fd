"""A small inline trend line, drawn as an SVG image with a text alternative.

An image rather than a graph per row keeps the overview light: forty plotly graphs would cost the
reader seconds on a council laptop.
"""

from __future__ import annotations

from urllib.parse import quote

from dash import html

from dashboard.components.palette import TARGET_BAND_FILL, TREND_LINE_COLOUR
from measures.domain.catalogue import Measure
from measures.domain.formatting import format_value
from measures.domain.periods import long_label, period_range

WIDTH, HEIGHT, PAD = 120, 32, 3


def sparkline_svg(values: list[float], band: tuple[float, float] | None = None, empty_after: int = 0) -> str:
    """Return SVG markup of the series scaled to the box, with the target band shaded if given; `empty_after`
    months without a figure at the end leave the right of the box empty, so the line stops short of them."""
    low = min(values + ([band[0]] if band else []))
    high = max(values + ([band[1]] if band else []))
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 2)

    step = (WIDTH - 2 * PAD) / max(len(values) - 1 + empty_after, 1)
    points = " ".join(f"{round(PAD + i * step, 2)},{y(v)}" for i, v in enumerate(values))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
    ]
    if band:
        top, bottom = y(band[1]), y(band[0])
        parts.append(
            f'<rect x="0" y="{top}" width="{WIDTH}" height="{round(bottom - top, 2)}" fill="{TARGET_BAND_FILL}"/>'
        )
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="{TREND_LINE_COLOUR}" stroke-width="1.6" '
        'stroke-linejoin="round"/>'
    )
    last_x = round(PAD + (len(values) - 1) * step, 2)
    parts.append(f'<circle cx="{last_x}" cy="{y(values[-1])}" r="2.4" fill="{TREND_LINE_COLOUR}"/>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline(measure: Measure, trend: tuple[tuple[str, float], ...], up_to: str | None = None) -> html.Img | html.Span:
    """Return the trend image with alt text naming the first and last month and value, or a note if too short.
    When the month shown (`up_to`) is later than the last figure, the line stops short of the right edge and the
    text says that month has no figure: a line drawn to the edge would read as that month's figure."""
    if len(trend) < 2:
        return html.Span("Not enough months to show a trend", className="muted small")
    values = [value for _, value in trend]
    (first_period, first), (last_period, last) = trend[0], trend[-1]
    missing = period_range(last_period, up_to)[1:] if up_to and up_to > last_period else []
    description = (
        f"Trend for {measure.ref} from {long_label(first_period)} ({format_value(measure, first)}) "
        f"to {long_label(last_period)} ({format_value(measure, last)}), {len(values)} months"
        + (f"; no figure for {long_label(up_to)}" if missing and up_to else "")
    )
    source = "data:image/svg+xml;utf8," + quote(sparkline_svg(values, measure.band, len(missing)))
    return html.Img(src=source, alt=description, title=description, width=WIDTH, height=HEIGHT, className="sparkline")
