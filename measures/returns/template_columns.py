"""The template's rows checked as columns: a return of tens of thousands of rows is read at the speed of the file.

Each column of the Return sheet is read once (the type of every cell, its number, its text) and the checks that a
plain row passes are made over whole columns with numpy: a known ref, a YYYY-MM month within the programme, figures
typed as numbers in number cells, no status, and figures that raise no question at all. A row that passes gives
its value here; every other row goes back to the per-cell reader (`template_layout`), which explains problems, so
every message still comes from one place and names its cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

import numpy as np
from openpyxl.utils import get_column_letter

from measures.domain.catalogue import Measure
from measures.domain.periods import PERIOD_PATTERN
from measures.returns.candidates import Candidate
from measures.returns.cells import MAX_FIGURE, LiteralPercentCell, PercentCell
from measures.returns.interpret import PERCENT_TOLERANCE, SMALL_DENOMINATOR, Place
from measures.storage.recording import ValueRow

# What a cell's type allows on the plain path: nothing, a number, text (a str exactly: an ErrorValue is a str but
# of its own type), or a number shown as a percentage (a PercentCell, 0.61 showing 61%, or a LiteralPercentCell,
# 61 showing 61%); everything else (a date, True, an Excel error) is "other".
_EMPTY, _NUMBER, _TEXT, _PERCENT, _OTHER = 0, 1, 2, 3, 4
_KINDS: dict[type, int] = {
    type(None): _EMPTY,
    float: _NUMBER,
    int: _NUMBER,
    str: _TEXT,
    PercentCell: _PERCENT,
    LiteralPercentCell: _PERCENT,
}
_PERIOD_LENGTH = len("YYYY-MM")
_PERIOD_TEXT = re.compile(PERIOD_PATTERN)


@dataclass
class PlainRows:
    """What the column checks found for the rows below the header, in sheet order: the Candidate of each plain row,
    and the indexes (into the sheet's rows) of the rows the per-cell reader must read."""

    candidates: dict[int, Candidate]
    to_check: list[int]


def _column(rows: Sequence[list], column: int | None, narrowest: int) -> list:
    """The cells of `column` in each row (None where a row is too short); `narrowest` is the length of the shortest
    row, below which every row has the cell and it is taken without a test per row."""
    if column is None:
        return [None] * len(rows)
    if column < narrowest:
        return list(map(itemgetter(column), rows))
    return [row[column] if column < len(row) else None for row in rows]


def _kinds(cells: list) -> np.ndarray:
    types = set(map(type, cells))
    if len(types) == 1:  # most columns hold one type throughout (all text, or all empty)
        return np.full(len(cells), _KINDS.get(types.pop(), _OTHER), dtype=np.int8)
    return np.fromiter(map(_KINDS.get, map(type, cells), repeat(_OTHER)), dtype=np.int8, count=len(cells))


def _one_of(kinds: np.ndarray, first: int, second: int) -> np.ndarray:
    return (kinds == first) | (kinds == second)


def _numbers(cells: list, kinds: np.ndarray) -> np.ndarray:
    """The cells as float64: each number cell's value, the percentage a %-formatted cell shows, NaN for every
    other cell."""
    numbers = np.full(len(cells), np.nan)
    where = np.flatnonzero(kinds == _NUMBER)
    if len(where):
        numbers[where] = np.array([float(cells[index]) for index in where.tolist()], dtype=float)
    where = np.flatnonzero(kinds == _PERCENT)
    if len(where):
        numbers[where] = np.array([cells[index].percent for index in where.tolist()], dtype=float)
    return numbers


def _plain_periods(cells: list, kinds: np.ndarray, earliest: str, current: str) -> np.ndarray:
    """Whether each cell is text naming a month as YYYY-MM within [earliest, current]."""
    accepted = {
        text
        for text in {cells[index] for index in np.flatnonzero(kinds == _TEXT).tolist()}
        if len(text) == _PERIOD_LENGTH and _PERIOD_TEXT.match(text) and earliest <= text <= current
    }
    return np.fromiter((cell in accepted for cell in cells), dtype=bool, count=len(cells)) & (kinds == _TEXT)


def plain_rows(
    rows: Sequence[list],
    first: int,
    columns: dict[str, int],
    measures: dict[str, Measure],
    sheet: str,
    current_period: str,
    earliest_period: str,
) -> PlainRows:
    """Check the rows from index `first` on as columns; return the Candidate of every plain row (by row index) and
    the indexes of the rows that need the per-cell reader. A row with nothing in the template's columns beside its
    ref and month gives neither. `columns` maps the header's names to 0-based column indexes."""
    body = rows[first:]
    count = len(body)
    if not count:
        return PlainRows({}, [])
    narrowest = min(map(len, body))
    cells = {
        name: _column(body, columns.get(name), narrowest)
        for name in ("ref", "period", "team", "status", "note", "synthetic", "numerator", "denominator", "value")
    }
    kinds = {name: _kinds(column) for name, column in cells.items()}
    refs = cells["ref"]
    found = [measures.get(ref) if type(ref) is str else None for ref in refs]
    known = np.fromiter((measure is not None for measure in found), dtype=bool, count=count)
    percent = np.fromiter(
        (measure is not None and measure.unit == "percent" for measure in found), dtype=bool, count=count
    )
    try:
        numerator, denominator, value = (
            _numbers(cells[name], kinds[name]) for name in ("numerator", "denominator", "value")
        )
    except (OverflowError, ValueError):  # a number no float holds: every row is read cell by cell, and explained
        return PlainRows({}, [first + index for index in range(count)])
    has_numerator, has_denominator = (kinds[name] == _NUMBER for name in ("numerator", "denominator"))
    has_value = _one_of(kinds["value"], _NUMBER, _PERCENT)
    plain = (
        known
        & _plain_periods(cells["period"], kinds["period"], earliest_period, current_period)
        & (kinds["status"] == _EMPTY)
        & (kinds["synthetic"] == _EMPTY)
        & _one_of(kinds["team"], _EMPTY, _TEXT)
        & _one_of(kinds["note"], _EMPTY, _TEXT)
    )
    for name in ("numerator", "denominator"):
        plain &= _one_of(kinds[name], _EMPTY, _NUMBER)
    # A % sign shown by the format states a percentage: a percent measure's value as shown, any other's error.
    stated_percent = kinds["value"] == _PERCENT
    plain &= _one_of(kinds["value"], _EMPTY, _NUMBER) | (percent & stated_percent)
    empty = plain & ~has_numerator & ~has_denominator & ~has_value
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # NaN, infinity or an absurd size is refused by the per-cell reader, with its cell named.
        for numbers, present in ((numerator, has_numerator), (denominator, has_denominator), (value, has_value)):
            plain &= ~present | ((numbers >= -MAX_FIGURE) & (numbers <= MAX_FIGURE))
        computed = 100.0 * numerator / denominator
        counted = (
            percent
            & has_numerator
            & has_denominator
            & (numerator >= 0)
            & (numerator <= denominator)
            & (denominator >= SMALL_DENOMINATOR)
            & (~has_value | (np.abs(value - computed) <= PERCENT_TOLERANCE))
        )
        value_only = ~has_numerator & ~has_denominator & has_value
        # A bare 0.61 is ambiguous (0.61% or 61%?) and gets its warning from the per-cell reader.
        unambiguous = np.where(stated_percent, value >= 0, (value == 0) | (value >= 1)) & (value <= 100)
        stated = percent & value_only & unambiguous
        other = ~percent & ~stated_percent & value_only & (value >= 0)
    counted &= plain
    by_value = plain & (stated | other)
    checking = ~(counted | by_value | empty)
    letters = {name: get_column_letter(column + 1) for name, column in columns.items()}
    teams: dict[object, str] = {team: team.strip() for team in set(cells["team"]) if type(team) is str}
    teams[None] = ""  # a blank Team is the whole service
    candidates: dict[int, Candidate] = {}
    for letter, chosen, numerators, denominators, values in (
        (letters.get("numerator", ""), counted, numerator[counted].tolist(), denominator[counted].tolist(), computed),
        (letters.get("value", ""), by_value, repeat(None), repeat(None), value),
    ):
        indexes = np.flatnonzero(chosen).tolist()
        refs_chosen = [refs[index] for index in indexes]
        periods = [cells["period"][index] for index in indexes]
        team_names = [teams[cells["team"][index]] for index in indexes]
        notes = [cells["note"][index] or "" for index in indexes]
        value_rows = map(
            ValueRow,
            refs_chosen,
            periods,
            team_names,
            repeat(""),
            numerators,
            denominators,
            values[chosen].tolist(),
            repeat("ok"),
            notes,
        )
        addresses = [f"{letter}{first + index + 1}" for index in indexes]
        places = map(Place, repeat(sheet), addresses, refs_chosen, periods, team_names)
        candidates.update(zip([first + index for index in indexes], map(Candidate, value_rows, places), strict=False))
    return PlainRows(candidates, [first + index for index in np.flatnonzero(checking).tolist()])
