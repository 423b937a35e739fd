"""How far back a rating against target may read when the month itself has no figure.

A month reported as TBC (or not reported) is rated from the latest figure the council has, if that figure is at
most `rating_window_months()` months older than the month, and the rating says which month it is. The window is
the MEASURES_RATING_WINDOW_MONTHS setting (default 3): 3 means a December figure still rates March, not April.
"""

from __future__ import annotations

import os

from measures.domain.periods import parse_period, shift_period

RATING_WINDOW_VARIABLE = "MEASURES_RATING_WINDOW_MONTHS"
DEFAULT_RATING_WINDOW_MONTHS = 3
LONGEST_RATING_WINDOW_MONTHS = 24


def rating_window_months() -> int:
    """Return the rating window in months: MEASURES_RATING_WINDOW_MONTHS when it is a whole number from 0 to 24,
    else 3 (the default; a value outside that range or not a number is ignored). 0 rates a month only from its
    own figure. Raises nothing."""
    text = os.environ.get(RATING_WINDOW_VARIABLE, "").strip()
    if text.isdigit() and int(text) <= LONGEST_RATING_WINDOW_MONTHS:
        return int(text)
    return DEFAULT_RATING_WINDOW_MONTHS


def within_window(month: str, period: str, window: int) -> bool:
    """Return True when `month` (YYYY-MM) is `period` or one of the `window` months before it.

    Raises ValueError if either is not a month written YYYY-MM.
    """
    parse_period(month)
    return shift_period(period, -window) <= month <= period
