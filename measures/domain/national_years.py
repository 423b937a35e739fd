"""The years of national figures as DfE publishes them, and as a reader should see them.

LAIT writes a year as the publication names it: `2025` (the year ending in 2025), `2024-25`, `2023/24`, a span
(`2014-16`, `2013/14-15/16`), and a release after it: `2024 (Rev)` revises `2024`, `2025 (prov)` comes before
it, `2020 (Final)` closes it. `(OT)` marks a different series of the same years and is kept apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIRST_YEAR, LAST_YEAR = 1990, 2100  # a year outside these is a typing slip, not a publication
RELEASE_ORDER = {"provisional": 0, "": 1, "revised": 2, "final": 3}
_RELEASES = {
    "prov": "provisional",
    "provisional": "provisional",
    "rev": "revised",
    "revised": "revised",
    "final": "final",
}
_YEAR = re.compile(
    r"""^(?P<base>
        (?P<single>\d{4})                                   # 2025
      | (?P<first>\d{4})[-/](?P<second>\d{2}|\d{4})        # 2024-25, 2023/24, 2014-16, 2024-2025
      | \d{4}/\d{2}-\d{2}/\d{2}                            # 2013/14-15/16
    )
    (?:\s*\((?P<suffix>[A-Za-z]+)\))?$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class PublishedYear:
    """One year label as published. `label` is the text as written; `base` the year it is for, release removed
    ("2024" for "2024 (Rev)"; "2016-17 (OT)" keeps its series mark); `release` is "", "provisional", "revised"
    or "final"; `end_year` the calendar year the period ends in (2025 for "2024-25" and for "2025")."""

    label: str
    base: str
    release: str
    end_year: int

    @property
    def release_order(self) -> int:
        """Return how late this release comes for its year: provisional 0, first 1, revised 2, final 3."""
        return RELEASE_ORDER[self.release]


def parse_year(label: str) -> PublishedYear | None:
    """Return the year `label` stands for, or None if it is in no known form (blank, "0", "last year", a year
    ending outside 1990-2100, or a suffix other than prov, Rev, Final or OT). Raises nothing."""
    text = " ".join(str(label).split())
    match = _YEAR.match(text)
    if not match:
        return None
    base = match.group("base")
    suffix = (match.group("suffix") or "").casefold()
    if suffix == "ot":
        release, base = "", f"{base} (OT)"
    elif suffix:
        if suffix not in _RELEASES:
            return None
        release = _RELEASES[suffix]
    else:
        release = ""
    end_year = _end_year(match)
    if end_year is None or not FIRST_YEAR <= end_year <= LAST_YEAR:
        return None
    return PublishedYear(label=text, base=base, release=release, end_year=end_year)


def _end_year(match: re.Match[str]) -> int | None:
    base = match.group("base")
    if match.group("single"):
        return int(match.group("single"))
    if match.group("first"):
        first, second = int(match.group("first")), match.group("second")
        end = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if end < first:
            end += 100
        return end if 0 < end - first <= 5 else None
    last = base.rsplit("-", 1)[1]  # "15/16" of "2013/14-15/16"
    start = int(base[:4])
    end = (start // 100) * 100 + int(last.split("/")[1])
    return end if 0 < end - start <= 5 else None


def year_for_readers(base: str, year_type: str) -> str:
    """Return how a reader should see the year `base` of an item of LAIT year type `year_type`.

    A financial year's "2025" is "2024-25"; an "Annual (end of Sept)" figure's "2025" is "September 2025";
    every other form is shown as published, with "/" kept ("2023/24"). Raises nothing.
    """
    if re.fullmatch(r"\d{4}", base):
        year = int(base)
        kind = year_type.casefold()
        if kind.startswith("financial"):
            return f"{year - 1}-{year % 100:02d}"
        if "sept" in kind:
            return f"September {year}"
    return base
