"""Editions of DfE's statistical neighbour groups, named by the month they were published ("May 2025").

Each edition has a key that sorts by date ("2025-05") and a name for readers ("May 2025"). The name may come from
the person importing it or from the workbook's file name (`sn_may_2025.xlsx`, `SN April 2021.xlsx`).

A figure for a year is compared with the newest edition whose year is not after the year the figure's period ends
in; a year before every edition uses the oldest. So a figure for 2023-24 (ending 2024) uses the April 2021 groups,
one for 2024-25 the May 2025 groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from measures.domain.national_years import parse_year
from measures.domain.periods import MONTH_NAMES

MONTHS = MONTH_NAMES
_MONTH_NUMBERS = {name.casefold(): number for number, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update({name[:3].casefold(): number for number, name in enumerate(MONTHS, start=1)})
_MONTH_NUMBERS["sept"] = 9
_NAMED = re.compile(r"([A-Za-z]+)[\s_.-]*((?:19|20)\d{2})")
_KEY = re.compile(r"((?:19|20)\d{2})-(\d{2})")


@dataclass(frozen=True, order=True)
class NeighbourEdition:
    """One edition: `key` "2025-05" (sorts by date), `name` "May 2025"."""

    key: str
    name: str


def _edition(year: int, month: int) -> NeighbourEdition:
    return NeighbourEdition(key=f"{year:04d}-{month:02d}", name=f"{MONTHS[month - 1]} {year}")


def parse_edition(text: str) -> NeighbourEdition | None:
    """Return the edition `text` names: a month and year ("May 2025", "may 2025", "Sept 2024") or a key
    ("2025-05"). None for anything else (blank, a year alone, an unknown month). Raises nothing."""
    cleaned = " ".join(str(text).split())
    key = _KEY.fullmatch(cleaned)
    if key:
        month = int(key.group(2))
        return _edition(int(key.group(1)), month) if 1 <= month <= 12 else None
    named = _NAMED.fullmatch(cleaned)
    if named and named.group(1).casefold() in _MONTH_NUMBERS:
        return _edition(int(named.group(2)), _MONTH_NUMBERS[named.group(1).casefold()])
    return None


def edition_from_file_name(file_name: str) -> NeighbourEdition | None:
    """Return the edition a workbook's file name names, such as `sn_may_2025.xlsx` -> May 2025 ("2025-05"), or None
    when it names no single month and year. Raises nothing."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    found = {
        _edition(int(year), _MONTH_NUMBERS[word.casefold()])
        for word, year in re.findall(r"(?i)(?<![A-Za-z])([A-Za-z]+)[\s_.-]*((?:19|20)\d{2})(?!\d)", stem)
        if word.casefold() in _MONTH_NUMBERS
    }
    return found.pop() if len(found) == 1 else None


def edition_year(edition_key: str) -> int | None:
    """Return the year an edition was published from its key ("2021-04" -> 2021), or None if the key does not
    start with a four-digit year. Raises nothing."""
    head = edition_key[:4]
    return int(head) if head.isdigit() and len(head) == 4 else None


def edition_for_end_year(end_year: int, editions: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """Return the edition (key, name) to compare a figure whose period ends in `end_year` with: the newest of
    `editions` published in or before that year, else the oldest. None if there are no editions. Raises
    nothing."""
    dated = sorted(
        ((year, key, name) for key, name in editions if (year := edition_year(key)) is not None),
        key=lambda entry: (entry[0], entry[1]),
    )
    if not dated:
        return None
    chosen = dated[0]
    for entry in dated:
        if entry[0] <= end_year:
            chosen = entry
    return chosen[1], chosen[2]


def edition_for_year(year: str, editions: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """Return the edition (key, name) for figures of the published year `year` ("2024-25", "2025 (Rev)",
    "2023/24"), by the year its period ends in; None if `year` is in no known form or there are no editions.
    Raises nothing."""
    parsed = parse_year(year)
    if parsed is None:
        return None
    return edition_for_end_year(parsed.end_year, editions)
