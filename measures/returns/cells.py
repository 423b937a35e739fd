"""Reading what officers type into cells: numbers, months, statuses, and the committee table's figures
such as '42/108 39%', '198 (291)', '627 out of 987 63.5%', '10 48%', 'TBC TBC' and 'NEW MEASURE'."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from measures.domain.periods import MONTH_ABBREVIATIONS, MONTH_NAMES, is_period, make_period

# Thousands are separated in threes (1,234): '1,5' or '12,34' is a decimal comma or a slip, never 15 or 1234.
_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_PERCENT = rf"(?P<percent>{_NUMBER})\s*%"
_FIGURE_PATTERNS = (
    re.compile(rf"^(?P<numerator>{_NUMBER})\s*/\s*(?P<denominator>{_NUMBER})(?:\s+{_PERCENT})?$"),
    re.compile(rf"^(?P<numerator>{_NUMBER})\s*\(\s*(?P<denominator>{_NUMBER})\s*\)(?:\s+{_PERCENT})?$"),
    re.compile(rf"^(?P<numerator>{_NUMBER})\s+out\s+of\s+(?P<denominator>{_NUMBER})(?:\s+{_PERCENT})?$", re.I),
    re.compile(rf"^(?P<numerator>{_NUMBER})\s+{_PERCENT}$"),
    re.compile(rf"^{_PERCENT}$"),
    re.compile(rf"^(?P<number>{_NUMBER})$"),
)
_STRICT_NUMBER = re.compile(rf"^(?:{_NUMBER})$")
_TBC = re.compile(r"^(tbc)(\s+tbc)*$", re.I)
_NEW = re.compile(r"^new(\s+measure)?$", re.I)
# The markers official statistics put in a cell instead of a figure (GSS and DfE table symbols, and the older
# ones still seen in council tables). `x` is GSS's "not available": like "not applicable" it means no figure
# for this month that anyone should read as a number, and is stored as such.
NOT_APPLICABLE = "na"
SUPPRESSED = "suppressed"
_STATUS_MARKERS = {
    **dict.fromkeys(
        (
            "n/a",
            "n / a",
            "na",
            "n.a.",
            "n.a",
            "-",
            "\u2013",
            "\u2014",
            "..",
            ":",
            "z",
            "[z]",
            "x",
            "[x]",
            "not applicable",
            "not available",
        ),
        NOT_APPLICABLE,
    ),
    **dict.fromkeys(("*", "c", "[c]", "supp", "suppressed", "suppressed (small number)", "small number"), SUPPRESSED),
}
MAX_FIGURE = 1e9  # no count, average, rate or percentage in a council's return comes near this
_MONTHS = {name.lower(): index + 1 for index, name in enumerate(MONTH_NAMES)}
_MONTHS.update({abbreviation.lower(): index + 1 for index, abbreviation in enumerate(MONTH_ABBREVIATIONS)})
_MONTHS["sept"] = 9
_MONTH_TEXT = re.compile(r"^(?P<month>[A-Za-z]{3,9})[\s\-/.']*(?P<year>\d{2}|\d{4})$")
_ISO_DAY = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?:[ T].*)?$")
# Dates typed as text the UK way, day first: 01/02/2023, 1.2.23, 01-02-2023 (a time after it is ignored).
_UK_DATE = re.compile(r"^(?P<day>\d{1,2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?:\s+\d.*)?$")
# A month and year typed with numbers: 02/2023, 2/23, 2023/02.
_NUMERIC_MONTH = re.compile(r"^(?P<month>\d{1,2})[/.](?P<year>\d{4}|\d{2})$")
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})[/.](?P<month>\d{1,2})$")


class CellError(ValueError):
    """A cell's content cannot be read as what its column needs; the message says what was found."""


class PercentCell(float):
    """A number from a cell Excel formats as a percentage: it holds 0.61 and shows 61%."""

    __slots__ = ()

    @property
    def percent(self) -> float:
        """The percentage the cell shows (0.61 -> 61.0), without the binary fraction's noise."""
        return round(float(self) * 100, 9)

    def __repr__(self) -> str:
        return f"PercentCell({float(self)!r})"


class LiteralPercentCell(PercentCell):
    """A number whose format writes a % sign after it without scaling it (0.0"%" or 0.0\\%): it holds 61 and
    shows 61%, so it states the percentage as typed."""

    __slots__ = ()

    @property
    def percent(self) -> float:
        """The percentage the cell shows: the number itself."""
        return round(float(self), 9)

    def __repr__(self) -> str:
        return f"LiteralPercentCell({float(self)!r})"


class ErrorValue(str):
    """What a cell shows when Excel could not calculate its formula: '#DIV/0!', '#N/A', '#REF!'."""

    __slots__ = ()

    def problem(self) -> CellError:
        """The error that says so."""
        return CellError(f"the cell shows Excel’s error {self} (its formula has no result), not a figure")


def status_marker(text: str) -> str | None:
    """Return 'na' or 'suppressed' when `text` is a marker official statistics use in place of a figure
    ('n/a', '-', 'x', 'z', '..' for not applicable; '*', 'c' for a suppressed small number), else None."""
    return _STATUS_MARKERS.get(" ".join(text.split()).lower())


def checked_number(number: float, shown: object = None) -> float:
    """Return `number` as a float if it is a figure a return can hold; raises CellError for NaN, infinity or
    a number beyond MAX_FIGURE either way."""
    number = float(number)
    if math.isnan(number):
        raise CellError(f"“{shown}” is not a number" if shown is not None else "the cell holds NaN (“not a number”)")
    if math.isinf(number):
        raise CellError(f"“{shown}” is not a number" if shown is not None else "the cell holds infinity, not a figure")
    if abs(number) > MAX_FIGURE:
        raise CellError(f"{number:g} is far larger than any figure a return holds")
    return number


@dataclass(frozen=True)
class Figure:
    """A figure as typed: counts, a stated percentage, a bare number, or a status; all optional."""

    numerator: float | None = None
    denominator: float | None = None
    percent: float | None = None  # a percentage typed beside the counts, e.g. the 39% of '42/108 39%'
    number: float | None = None  # a bare number: a count, an average, or a percentage without a % sign
    status: str = "ok"  # ok | tbc | new | na | suppressed

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
    if isinstance(cell, PercentCell):
        return f"{cell.percent:g}%"
    if isinstance(cell, float):
        return f"{cell:g}" if cell == cell else ""
    return str(cell).strip()


def to_number(text: str) -> float:
    """Return the number in `text` ('1,234', '17.2', '-3'); raises CellError if it is not a number, or is
    one no return holds (NaN, infinity, 1e308)."""
    cleaned = text.strip()
    if not _STRICT_NUMBER.match(cleaned):
        if _DECIMAL_COMMA.match(cleaned):
            raise CellError(
                f"“{text}” is not a number this return can read: write decimals with a point "
                "(1.5) and thousands in threes (1,234)"
            )
        raise CellError(f"“{text}” is not a number")
    return checked_number(float(cleaned.replace(",", "")), text)


def is_percentage(cell: object) -> bool:
    """True when a cell states a percentage: Excel formats it as one, or its text ends with a % sign."""
    return isinstance(cell, PercentCell) or (isinstance(cell, str) and cell.strip().endswith("%"))


def number_of(cell: object) -> float | None:
    """Return a cell as a number, None when empty; a %-formatted cell gives the percentage it shows
    (0.61 -> 61.0). Raises CellError for text that is not a number, and for NaN, infinity or absurd sizes."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise CellError(f"“{cell}” is not a number")
    if isinstance(cell, ErrorValue):
        raise cell.problem()
    if isinstance(cell, PercentCell):
        return checked_number(cell.percent)
    if isinstance(cell, (int, float)):
        return checked_number(cell)
    if isinstance(cell, (date, datetime)):
        raise CellError(f"the date {cell:%d %b %Y} is not a number")
    text = str(cell).strip()
    if not text.endswith("%"):
        return to_number(text)
    try:
        return to_number(text[:-1])
    except CellError as error:  # say what the cell holds, '61%%' and not '61%'
        raise CellError(str(error).replace(f"“{text[:-1]}”", f"“{text}”", 1)) from None


def status_of(cell: object) -> str:
    """Return 'ok' (blank or OK), 'tbc', 'new', 'na' (not applicable) or 'suppressed'; raises CellError for
    anything else."""
    text = text_of(cell).lower()
    if text in ("", "ok"):
        return "ok"
    if _TBC.match(text) or text in ("to be confirmed",):
        return "tbc"
    if _NEW.match(text):
        return "new"
    marker = status_marker(text)
    if marker is not None:
        return marker
    raise CellError(f"“{text_of(cell)}” is not a status")


def parse_figure(cell: object) -> Figure:
    """Return the Figure typed in one committee-table cell; raises CellError if it is not one of the known forms."""
    if cell is None:
        return BLANK
    if isinstance(cell, bool):
        raise CellError(f"“{cell}” is not a figure")
    if isinstance(cell, ErrorValue):
        raise cell.problem()
    if isinstance(cell, PercentCell):
        return Figure(percent=checked_number(cell.percent))
    if isinstance(cell, (int, float)):
        return Figure(number=checked_number(cell))
    if isinstance(cell, (date, datetime)):
        raise CellError(f"the date {cell:%d %b %Y} is not a figure")
    text = " ".join(str(cell).split())
    if not text:
        return BLANK
    if _TBC.match(text):
        return Figure(status="tbc")
    if _NEW.match(text):
        return Figure(status="new")
    marker = status_marker(text)
    if marker is not None:
        return Figure(status=marker)
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
        # A marker above or below figures ('35 (62)' above '*'): the month is marked, and the figures travel
        # with it so that the reader says they were left out rather than losing them without a word.
        marked, other = (main, continuation) if main.status != "ok" else (continuation, main)
        return Figure(
            numerator=marked.numerator if marked.numerator is not None else other.numerator,
            denominator=marked.denominator if marked.denominator is not None else other.denominator,
            percent=marked.percent if marked.percent is not None else other.percent,
            number=marked.number if marked.number is not None else other.number,
            status=marked.status,
        )
    percent = main.percent if main.percent is not None else continuation.percent
    if percent is None and continuation.number is not None and main.numerator is None and main.number is not None:
        percent = continuation.number  # a bare percentage typed without its % sign
    numerator = main.numerator
    number = main.number
    if numerator is None and number is not None and percent is not None:
        numerator, number = number, None  # '16' above '48%': a count and its percentage
    return Figure(numerator=numerator, denominator=main.denominator, percent=percent, number=number)


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _uk_date_period(text: str) -> str | None:
    """The month of a day-first date typed as text; raises CellError for one that is no real day."""
    match = _UK_DATE.match(text)
    if not match:
        return None
    day, month, year = int(match.group("day")), int(match.group("month")), _full_year(match.group("year"))
    try:
        date(year, month, day)
    except ValueError:
        raise CellError(
            f"“{text}” is not a date read day first, as in the UK (day/month/year)"
            + (f": there is no month {month}" if month > 12 else "")
        ) from None
    return make_period(year, month)


def period_of_header(cell: object) -> str | None:
    """Return the 'YYYY-MM' a month header names (an Excel date, 'Dec-22', 'Jan 2023', 'January 2023',
    '2023-01', or a UK date typed as text, day first: '01/02/2023' is February 2023), or None if the cell is
    not a month. Raises CellError for a date that is no real day or month (such as '01/13/2023' or '13/2023')."""
    if isinstance(cell, datetime | date):
        return make_period(cell.year, cell.month)
    if isinstance(cell, time):
        raise CellError(
            "the date is Excel’s day zero (shown as 0 January 1900 or 30 December 1899), so no month was entered"
        )
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if is_period(text):
        return text
    iso = _ISO_DAY.match(text)
    if iso and 1 <= int(iso.group("month")) <= 12:
        try:
            date(int(iso.group("year")), int(iso.group("month")), int(iso.group("day")))
        except ValueError:
            raise CellError(f"“{text}” is not a date: there is no day {int(iso.group('day'))} in that month") from None
        return make_period(int(iso.group("year")), int(iso.group("month")))
    uk = _uk_date_period(text)
    if uk is not None:
        return uk
    numeric = _NUMERIC_MONTH.match(text) or _YEAR_MONTH.match(text)
    if numeric:
        month = int(numeric.group("month"))
        if not 1 <= month <= 12:
            raise CellError(f"“{text}” is not a month: there is no month {month}")
        return make_period(_full_year(numeric.group("year")), month)
    match = _MONTH_TEXT.match(text)
    if not match:
        return None
    named_month = _MONTHS.get(match.group("month").lower())
    if named_month is None:
        return None
    year = int(match.group("year"))
    return make_period(year + 2000 if year < 100 else year, named_month)


def period_of_cell(cell: object) -> str:
    """Return the 'YYYY-MM' of a Period cell (text or Excel date); raises CellError if it is not a month."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise CellError("the period is blank")
    period = period_of_header(cell)  # raises CellError for a date that is no real day
    if period is None:
        raise CellError(f"“{text_of(cell)}” is not a month")
    return period
