"""The dashboard's one palette for charts, matching the colours of assets/style.css (WCAG 2.2 AA on white)."""

INK = "#0b0c0c"
MUTED = "#505a5f"
BRAND = "#1d4f91"
GREEN = "#00703c"
RED = "#b10e1e"
GRID = "#e5e5e5"
BAND_FILL = "#d9ead3"  # a target band, shaded
SYNTHETIC_MARK = "†"  # beside every synthetic demonstration figure
