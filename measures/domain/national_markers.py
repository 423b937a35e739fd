"""The markers DfE writes in place of a number in national figures, and what each means.

A marker is kept as a status, never read as 0: `c` a figure suppressed to protect confidentiality, `x` not
published, `z` not applicable, `.` `-` or a blank cell not available.
"""

from __future__ import annotations

SUPPRESSED = "suppressed"
NOT_PUBLISHED = "not published"
NOT_APPLICABLE = "not applicable"
NOT_AVAILABLE = "not available"

# Every status a national figure may have: "" is a number.
STATUSES = ("", SUPPRESSED, NOT_PUBLISHED, NOT_APPLICABLE, NOT_AVAILABLE)

MARKERS: dict[str, str] = {
    "c": SUPPRESSED,
    "x": NOT_PUBLISHED,
    "z": NOT_APPLICABLE,
    ".": NOT_AVAILABLE,
    "-": NOT_AVAILABLE,
    "": NOT_AVAILABLE,
}


def marker_status(text: str) -> str | None:
    """Return the status the marker `text` stands for (surrounding spaces and case ignored: `C` is `c`), or None
    when `text` is no known marker. Raises nothing."""
    return MARKERS.get(text.strip().casefold())
