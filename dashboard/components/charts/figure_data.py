"""Figures as plain data: the dicts plotly's own `go.Figure(...).to_plotly_json()` would give, built directly.

Building `go.Figure` objects validates every property of every trace on each call, which cost most of a measure
page's render; a chart here is a dict of traces and layout with the dashboard's template (`template.TEMPLATE`)
turned into its JSON once, when the module is imported. A property given as None is left out, as plotly leaves it.
"""

from __future__ import annotations

from typing import Any

import plotly.io as pio

from dashboard.components.charts.template import TEMPLATE

# The template as every figure carries it: made once per process, never changed afterwards.
TEMPLATE_JSON: dict[str, Any] = pio.templates[TEMPLATE].to_plotly_json()


def trace(kind: str, **properties: Any) -> dict[str, Any]:
    """Return one trace of type `kind` ('scatter', 'bar') with the properties that are not None."""
    return {**{name: value for name, value in properties.items() if value is not None}, "type": kind}


def scatter(**properties: Any) -> dict[str, Any]:
    """Return a scatter trace (lines, markers or text) with the properties that are not None."""
    return trace("scatter", **properties)


def bar(**properties: Any) -> dict[str, Any]:
    """Return a bar trace with the properties that are not None."""
    return trace("bar", **properties)


def vertical_line(x: str, line: dict[str, Any]) -> dict[str, Any]:
    """Return the shape plotly's `add_vline` draws: a line at `x` from the bottom to the top of the plot."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line}


def figure(data: list[dict[str, Any]], **layout: Any) -> dict[str, Any]:
    """Return a figure of the traces `data` with the dashboard's template and the chart's own `layout`."""
    return {"data": data, "layout": {"template": TEMPLATE_JSON, **layout}}


def across_plot(kind: str, y0: float | None, y1: float | None, **properties: Any) -> dict[str, Any]:
    """Return the shape plotly's `add_hline` ('line') or `add_hrect` ('rect') draws: from `y0` to `y1` across the
    whole width of the plot."""
    return {**properties, "type": kind, "x0": 0, "x1": 1, "xref": "x domain", "y0": y0, "y1": y1, "yref": "y"}


def plot_label(text: str, y: float | None, side: str, font: dict[str, Any]) -> dict[str, Any]:
    """Return the label plotly's `add_hline`/`add_hrect` write at their top left (`annotation_position="top left"`):
    at the left of the plot, at `y`, its `side` ('top' inside a rect's top edge, 'bottom' sitting on a line)."""
    return {
        "font": font,
        "showarrow": False,
        "text": text,
        "x": 0,
        "xanchor": "left",
        "xref": "x domain",
        "y": y,
        "yanchor": side,
        "yref": "y",
    }


def down_plot(kind: str, x0: float | None, x1: float | None, **properties: Any) -> dict[str, Any]:
    """Return the shape plotly's `add_vline` ('line') or `add_vrect` ('rect') draws: from `x0` to `x1` down the
    whole height of the plot."""
    return {**properties, "type": kind, "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}


def plot_top_label(text: str, x: float | None, font: dict[str, Any]) -> dict[str, Any]:
    """Return the label plotly's `add_vline`/`add_vrect` write at the top of the plot from `x` rightwards (what
    their `annotation_position` "top left" of a rect and "top right" of a line give)."""
    return {
        "font": font,
        "showarrow": False,
        "text": text,
        "x": x,
        "xanchor": "left",
        "xref": "x",
        "y": 1,
        "yanchor": "top",
        "yref": "y domain",
    }
