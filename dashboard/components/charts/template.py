"""The plotly template every chart of the dashboard is drawn with: the page's font, white backgrounds, the
palette's grid, axis and text colours, the legend and hover label style and the series colours.

It is registered under the name `TEMPLATE` when this module is first imported (importing it again changes
nothing) and never changed afterwards; each figure names it (`layout={"template": TEMPLATE}`), so a chart looks
the same whichever process draws it. A chart's own layout holds only what is its own: height, margins, ranges,
tick formats and where its legend sits.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.components.palette import (
    AXIS_LINE_COLOUR,
    BACKGROUND_COLOUR,
    BAR_GAP_COLOUR,
    FONT_FAMILY,
    GRID_COLOUR,
    HOVER_BORDER_COLOUR,
    SERIES_COLOURS,
    TEXT_COLOUR,
)

TEMPLATE = "measures"
FONT_SIZE = 13
HOVER_FONT_SIZE = 14

_AXIS = {
    "automargin": True,
    "gridcolor": GRID_COLOUR,
    "linecolor": AXIS_LINE_COLOUR,  # drawn where a chart asks for the line (`showline=True`)
    "tickcolor": AXIS_LINE_COLOUR,
    "ticks": "",
    "zeroline": False,  # a chart that needs the zero line turns it on
    "zerolinecolor": AXIS_LINE_COLOUR,
    "zerolinewidth": 2,
    "title": {"standoff": 15},
}


def measures_template() -> go.layout.Template:
    """Return the dashboard's chart template, built from the palette."""
    return go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
            "paper_bgcolor": BACKGROUND_COLOUR,
            "plot_bgcolor": BACKGROUND_COLOUR,
            "colorway": list(SERIES_COLOURS),
            # Numbers written as text (a team called "2023") stay categories rather than becoming a number axis.
            "autotypenumbers": "strict",
            "hovermode": "closest",
            "hoverlabel": {
                "align": "left",
                "bgcolor": BACKGROUND_COLOUR,
                "bordercolor": HOVER_BORDER_COLOUR,
                "font": {"family": FONT_FAMILY, "size": HOVER_FONT_SIZE, "color": TEXT_COLOUR},
            },
            "legend": {"bgcolor": BACKGROUND_COLOUR, "font": {"color": TEXT_COLOUR}},
            "xaxis": _AXIS,
            "yaxis": _AXIS,
            "shapedefaults": {"line": {"color": AXIS_LINE_COLOUR}},
            "annotationdefaults": {"font": {"color": TEXT_COLOUR}},
        },
        data={
            # Hatching is drawn over the bar's own colour, fine enough to read as texture.
            "bar": [
                go.Bar(
                    marker={
                        "line": {"color": BAR_GAP_COLOUR, "width": 0.5},
                        "pattern": {"fillmode": "overlay", "size": 10, "solidity": 0.2},
                    }
                )
            ],
        },
    )


if TEMPLATE not in pio.templates:
    pio.templates[TEMPLATE] = measures_template()
