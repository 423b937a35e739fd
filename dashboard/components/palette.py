"""Every colour the dashboard's Python code draws with, named by what it means, and the charts' font stack.

The base tones match the custom properties of the same name in assets/style.css. Every colour drawn as text,
a line or a marker on white has at least 3:1 contrast (WCAG 2.2 non-text contrast), and text at least 4.5:1.
No other module writes a colour literal: tests/architecture/test_colour_literals.py fails on one.
"""

# The base tones (assets/style.css: --ink, --muted, --surface, --brand, --brand-dark, --green, --amber, --red).
INK = "#0b0c0c"
MUTED = "#505a5f"
SURFACE = "#ffffff"
BRAND = "#1d4f91"
BRAND_DARK = "#12355f"
GREEN = "#00703c"
AMBER = "#8a4b00"
RED = "#b10e1e"
GRID = "#e5e5e5"

# The charts' font: the page's own font stack (assets/style.css, `font-family` of the page).
FONT_FAMILY = '"Segoe UI", system-ui, -apple-system, "Liberation Sans", Arial, sans-serif'

# Surfaces, text and axes.
BACKGROUND_COLOUR = SURFACE
TEXT_COLOUR = INK
SECONDARY_TEXT_COLOUR = MUTED  # words that annotate: months with no figure, the synthetic-point key
TEXT_ON_DARK_COLOUR = SURFACE  # a figure written inside a dark bar
GRID_COLOUR = GRID
AXIS_LINE_COLOUR = MUTED  # axis lines, tick marks and the SPC chart's zero line
HOVER_BORDER_COLOUR = MUTED
BAR_GAP_COLOUR = SURFACE  # the thin line between stacked or adjacent bars
HATCH_COLOUR = SURFACE  # the hatching drawn over a bar that needs telling apart without colour

# Figures and targets.
TREND_LINE_COLOUR = BRAND  # a measure's monthly line (area cards, sparklines) and the teams' bars
BAR_COLOUR = BRAND
WHOLE_SERVICE_COLOUR = INK  # the whole-service figure beside the teams' bars
OVER_LIMIT_COLOUR = RED  # caseloads above the limit, and the limit's line
TARGET_COLOUR = GREEN
# The one target-band fill of every chart. Translucent so that grid lines show through where the band is drawn
# over them (the SPC chart's band is a trace); on white it is exactly #d9ead3. Of the two fills the charts used
# (#d9ead3 and rgba(0, 112, 60, 0.13), about #deece6 on white) this is the one that stands out more from white
# (1.26:1 against 1.22:1), and every SPC marker colour keeps at least 3.9:1 against it.
TARGET_BAND_FILL = "rgba(65, 150, 35, 0.2)"

# The SPC chart, after NHS England's "Making Data Count" (blue improvement, orange concern, purple neither,
# grey common cause), darkened so that every marker has at least 3:1 contrast on white.
SPC_COMMON_CAUSE_COLOUR = "#6b7075"
SPC_IMPROVEMENT_COLOUR = "#1d6fb8"
SPC_CONCERN_COLOUR = "#b54d00"
SPC_NEITHER_COLOUR = "#5a2d91"
SPC_UNASSESSED_COLOUR = BRAND  # a monthly figure with too few months for an SPC reading
SPC_MEAN_COLOUR = INK
SPC_LIMIT_COLOUR = MUTED
SPC_MONTHLY_LINE_COLOUR = MUTED
SPC_ORIGINAL_LIMIT_COLOUR = AMBER  # the mean and limits without a recalculation, shown beside the recalculated ones
CHART_EVENT_COLOUR = BRAND_DARK  # an event or a completed action marked on a chart, and its month's line

# Benchmarks on the SPC chart, by kind of comparator.
BENCHMARK_COLOURS = {
    "england": INK,
    "region": AMBER,
    "neighbours": "#00677f",  # the statistical neighbours' average
    "council": BRAND,
    "neighbour": "#767676",  # each named neighbour, hidden until chosen
    "other": "#767676",
}

# Case file audit grades, stacked: each with the colour of the text written inside it.
AUDIT_GRADE_COLOURS = {
    "Outstanding": BRAND_DARK,
    "Good": GREEN,
    "Requires improvement": "#f2c14e",
    "Inadequate": RED,
}
AUDIT_GRADE_TEXT_COLOURS = {
    "Outstanding": TEXT_ON_DARK_COLOUR,
    "Good": TEXT_ON_DARK_COLOUR,
    "Requires improvement": TEXT_COLOUR,
    "Inadequate": TEXT_ON_DARK_COLOUR,
}
AUDIT_NO_COUNT_MARK_COLOUR = INK  # the mark above a month where a grade has no count

# Colours for a series that names no colour of its own (the template's colorway), in this order.
SERIES_COLOURS = (BRAND, GREEN, AMBER, RED, "#00677f", SPC_NEITHER_COLOUR, MUTED)

SYNTHETIC_MARK = "†"  # beside every synthetic demonstration figure
