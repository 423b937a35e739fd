"""Reading what officers type into cells: numbers, months, statuses, and the committee table's figures
such as '42/108 39%', '198 (291)', '627 out of 987 63.5%', '10 48%', 'TBC TBC' and 'NEW MEASURE'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from measures.periods import MONTH_ABBREVIATIONS, MONTH_NAMES, is_period, make_period

_NUMBER = r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+"
_PERCENT = rf"(?P<percent>{_NUMBER})\s*%"
_FIGURE_PATTERNS = (
    re.compile(rf"^(?P<numerator>{_NUMBER})\s*/\s*(?P<denominator>{_NUMBER})(?:\s+{_PERCENT})?$"),
    re.compile(rf"^(?P<numerator>{_NUMBER})\s*\(\s*(?P<denominator>{_NUMBER})\s*\)(?:\s+{_PERCENT})?$"),
    re.compile(rf"^(?P<numerator>{_NUMBER})\s+out\s+of\s+(?P<denominator>{_NUMBER})(?:\s+{_PERCENT})?$", re.I),
    re.compile(rf"^(?P<numerator>{_NUMBER})\s+{_PERCENT}$"),
    re.compile(rf"^{_PERCENT}$"),
    re.compile(rf"^(?P<number>{_NUMBER})$"),
)
_TBC = re.compile(r"^(tbc)(\s+tbc)*$", re.I)
_NEW = re.compile(r"^new(\s+measure)?$", re.I)
_MONTHS = {name.lower(): index + 1 for index, name in enumerate(MONTH_NAMES)}
_MONTHS.update({abbreviation.lower(): index + 1 for index, abbreviation in enumerate(MONTH_ABBREVIATIONS)})
_MONTHS["sept"] = 9
_MONTH_TEXT = re.compile(r"^(?P<month>[A-Za-z]{3,9})[\s\-/.']*(?P<year>\d{2}|\d{4})$")
_ISO_DAY = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-\d{2}(?:[ T].*)?$")


class CellError(ValueError):
    """A cell's content cannot be read as what its column needs; the message says what was found."""


@dataclass(frozen=True)
class Figure:
    """A figure as typed: counts, a stated percentage, a bare number, or a status; all optional."""

    numerator: float | None = None
    denominator: float | None = None
    percent: float | None = None  # a percentage typed beside the counts, e.g. the 39% of '42/108 39%'
    number: float | None = None  # a bare number: a count, an average, or a percentage without a % sign
    status: str = "ok"  # ok | tbc | new

    @property
    def is_blank(self) -> bool:
        """True when nothing was typed."""
        return self.status == "ok" and all(
            part is None for part in (self.numerator, self.denominator, self.percent, self.number)
        )


BLANK = Figure()


def text_of(cell: object) -> str:
    """Return a cell as trimmed text ('' for an empty cell); numbers keep their shortest form (3.1, 12)."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}" if cell == cell else ""
    return str(cell).strip()


def to_number(text: str) -> float:
    """Return the number in `text` ('1,234', '17.2', '-3'); raises CellError if it is not a number."""
    cleaned = text.replace(",", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        raise CellError(f"“{text}” is not a number") from None


def number_of(cell: object) -> float | None:
    """Return a cell as a number, None when empty; raises CellError for text that is not a number."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise CellError(f"“{cell}” is not a number")
    if isinstance(cell, (int, float)):
        return float(cell)
    if isinstance(cell, (date, datetime)):
        raise CellError(f"the date {cell:%d %b %Y} is not a number")
    text = str(cell).strip()
    return to_number(text[:-1]) if text.endswith("%") else to_number(text)


def status_of(cell: object) -> str:
    """Return 'ok' (blank or OK), 'tbc' or 'new'; raises CellError for anything else."""
    text = text_of(cell).lower()
    if text in ("", "ok"):
        return "ok"
    if _TBC.match(text) or text in ("to be confirmed",):
        return "tbc"
    if _NEW.match(text):
        return "new"
    raise CellError(f"“{text_of(cell)}” is not a status")


def parse_figure(cell: object) -> Figure:
    """Return the Figure typed in one committee-table cell; raises CellError if it is not one of the known forms."""
    if cell is None:
        return BLANK
    if isinstance(cell, bool):
        raise CellError(f"“{cell}” is not a figure")
    if isinstance(cell, (int, float)):
        return Figure(number=float(cell))
    if isinstance(cell, (date, datetime)):
        raise CellError(f"the date {cell:%d %b %Y} is not a figure")
    text = " ".join(str(cell).split())
    if not text:
        return BLANK
    if _TBC.match(text):
        return Figure(status="tbc")
    if _NEW.match(text):
        return Figure(status="new")
    for pattern in _FIGURE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = {key: to_number(value) for key, value in match.groupdict().items() if value is not None}
            return Figure(
                numerator=parts.get("numerator"),
                denominator=parts.get("denominator"),
                percent=parts.get("percent"),
                number=parts.get("number"),
            )
    raise CellError(f"“{text}” is not a figure this return understands")


def combine(main: Figure, continuation: Figure) -> Figure:
    """Merge a figure with the cell below it, which the committee table uses for the percentage
    ('198 (291)' above '69.0%'; '16' above '48%'; 'TBC' above 'TBC')."""
    if continuation.is_blank:
        return main
    if main.status != "ok" or continuation.status != "ok":
        return main if main.status != "ok" else continuation
    percent = main.percent if main.percent is not None else continuation.percent
    if percent is None and continuation.number is not None and main.numerator is None and main.number is not None:
        percent = continuation.number  # a bare percentage typed without its % sign
    numerator = main.numerator
    number = main.number
    if numerator is None and number is not None and percent is not None:
        numerator, number = number, None  # '16' above '48%': a count and its percentage
    return Figure(numerator=numerator, denominator=main.denominator, percent=percent, number=number)


def period_of_header(cell: object) -> str | None:
    """Return the 'YYYY-MM' a month header names (an Excel date, 'Dec-22', 'Jan 2023', 'January 2023',
    '2023-01'), or None if the cell is not a month."""
    if isinstance(cell, datetime | date):
        return make_period(cell.year, cell.month)
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if is_period(text):
        return text
    iso = _ISO_DAY.match(text)
    if iso and 1 <= int(iso.group("month")) <= 12:
        return make_period(int(iso.group("year")), int(iso.group("month")))
    match = _MONTH_TEXT.match(text)
    if not match:
        return None
    month = _MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    year = int(match.group("year"))
    return make_period(year + 2000 if year < 100 else year, month)


def period_of_cell(cell: object) -> str:
    """Return the 'YYYY-MM' of a Period cell (text or Excel date); raises CellError if it is not a month."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise CellError("the period is blank")
    period = period_of_header(cell)
    if period is None:
        raise CellError(f"“{text_of(cell)}” is not a month")
    return period
