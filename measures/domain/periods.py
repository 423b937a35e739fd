"""Monthly periods, kept as 'YYYY-MM' strings so they sort and compare as text."""

from __future__ import annotations

import re
from datetime import date, datetime

PERIOD_PATTERN = r"^(\d{4})-(0[1-9]|1[0-2])$"
_PERIOD = re.compile(PERIOD_PATTERN)
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# The months a reader or a file can name. Far enough inside the four-digit years that a page can step a few years
# back or on from any of them and still have a month ("0000-01" was once taken, and the month before it broke pages).
FIRST_YEAR, LAST_YEAR = 1000, 8999


def parse_period(text: str) -> tuple[int, int]:
    """Return (year, month) of a 'YYYY-MM' period; raises ValueError if it is not one."""
    match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM (for example 2023-01).")
    return int(match.group(1)), int(match.group(2))


def is_period(text: object) -> bool:
    """Return True if `text` is a valid 'YYYY-MM' period of a year from FIRST_YEAR to LAST_YEAR."""
    try:
        year, _ = parse_period(text)  # type: ignore[arg-type]
    except (ValueError, AttributeError):
        return False
    return FIRST_YEAR <= year <= LAST_YEAR


def make_period(year: int, month: int) -> str:
    """Return the 'YYYY-MM' period of a year and month (1-12)."""
    return f"{year:04d}-{month:02d}"


def period_of(moment: date | datetime) -> str:
    """Return the 'YYYY-MM' period a date falls in."""
    return make_period(moment.year, moment.month)


def shift_period(period: str, months: int) -> str:
    """Return the period `months` after `period` (negative for before); raises ValueError on a bad period."""
    year, month = parse_period(period)
    index = year * 12 + (month - 1) + months
    return make_period(index // 12, index % 12 + 1)


def previous_period(period: str) -> str:
    """Return the month before `period`."""
    return shift_period(period, -1)


def period_range(first: str, last: str) -> list[str]:
    """Return every period from `first` to `last` inclusive (empty if last is before first); raises ValueError
    on a malformed period."""
    (first_year, first_month), (last_year, last_month) = parse_period(first), parse_period(last)
    # By index, so that a range ending in 9999-12 never forms the month after it.
    return [
        make_period(index // 12, index % 12 + 1)
        for index in range(first_year * 12 + first_month - 1, last_year * 12 + last_month)
    ]


def short_label(period: str) -> str:
    """Return the committee's short label, e.g. '2022-12' -> 'Dec-22'."""
    year, month = parse_period(period)
    return f"{MONTH_ABBREVIATIONS[month - 1]}-{year % 100:02d}"


def long_label(period: str) -> str:
    """Return a label for sentences, e.g. '2023-01' -> 'January 2023'."""
    year, month = parse_period(period)
    return f"{MONTH_NAMES[month - 1]} {year}"


def financial_year(period: str) -> str:
    """Return the April-to-March year a period belongs to, e.g. '2023-01' -> '2022-23'."""
    year, month = parse_period(period)
    start = year if month >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"
