"""The national reference lists the product ships in `data/national/`: every English local authority, England
and the regions with their DfE codes (`authorities.csv`, from LAIT's `la_code_list.xlsx`), and every data item
of DfE's Local Authority Interactive Tool with its polarity, decimal places, year type and quartile flag
(`lait_items.csv`, from LAIT's data dictionary).

The files are read-only data, the same in every worker, so each is parsed once per process.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

NATIONAL_DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "national"
AUTHORITIES_PATH = NATIONAL_DATA_DIR / "authorities.csv"
ITEMS_PATH = NATIONAL_DATA_DIR / "lait_items.csv"
ENGLAND_CODE = 970
SOURCE_CREDIT = "Department for Education, Local Authority Interactive Tool"
LICENCE = "Open Government Licence v3.0"

AreaKind = Literal["authority", "region", "england"]
NationalPolarity = Literal["higher", "lower", "none"]


class NationalReferenceError(ValueError):
    """A shipped reference list is missing or has a row that cannot be read."""


@dataclass(frozen=True)
class Area:
    """One place national figures are published for: an authority, a region or England.

    `la_code` is the DfE number (Camden 202, England 970, London (Inner) 987); `region` is the region an
    authority belongs to as LAIT names it ("North East", "Inner London"), None for England and regions.
    """

    la_code: int
    name: str
    region: str | None
    kind: AreaKind


@dataclass(frozen=True)
class NationalItem:
    """One LAIT data item: `code` is its short description (`CP_conf_15days`), `title` its name, `polarity`
    "higher" or "lower" is better (or "none"), `decimals` the places LAIT shows (None: as published),
    `year_type` how its years read ("Financial Year", "Calendar Year", "Academic Year", "Annual (end of Sept)"),
    `no_quartile` True where LAIT gives no quartile band, `unit_label` its axis name ("% conferences held")."""

    code: str
    title: str
    polarity: NationalPolarity
    decimals: int | None
    year_type: str
    no_quartile: bool
    unit_label: str


@dataclass(frozen=True)
class Areas:
    """Every area by code and by name (names as LAIT's long form writes them)."""

    by_code: dict[int, Area]

    def find(self, la_code: int) -> Area | None:
        """Return the area with DfE number `la_code`, or None. Raises nothing."""
        return self.by_code.get(la_code)

    def named(self, name: str) -> Area | None:
        """Return the area called `name` (ignoring case and surrounding spaces), or None. Raises nothing."""
        wanted = _fold(name)
        return next((area for area in self.by_code.values() if _fold(area.name) == wanted), None)

    def region_of(self, authority: Area) -> Area | None:
        """Return the region area whose published figures stand for `authority`'s region ("Inner London" is
        published as "London (Inner)"), or None for England, a region or an unknown region. Raises nothing."""
        if authority.kind != "authority" or not authority.region:
            return None
        wanted = _fold(authority.region)
        for candidate in (wanted, *_LONDON_FORMS.get(wanted, ())):
            for area in self.by_code.values():
                if area.kind == "region" and _fold(area.name) == candidate:
                    return area
        return None

    def authorities(self) -> list[Area]:
        """Return every authority (not England or a region), ordered by name. Raises nothing."""
        return sorted((a for a in self.by_code.values() if a.kind == "authority"), key=lambda a: a.name)


_LONDON_FORMS = {"inner london": ("london (inner)",), "outer london": ("london (outer)",)}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@functools.cache
def load_areas(path: Path = AUTHORITIES_PATH) -> Areas:
    """Return every authority, region and England from `authorities.csv` (columns la_code, name, region, type).

    Raises NationalReferenceError if the file is missing or a row has no whole-number code or no name.
    """
    areas: dict[int, Area] = {}
    for number, row in _rows(path):
        try:
            code = int(row["la_code"])
        except (TypeError, ValueError):
            raise NationalReferenceError(f"{path.name} row {number}: la_code is not a whole number") from None
        name = (row.get("name") or "").strip()
        if not name:
            raise NationalReferenceError(f"{path.name} row {number}: the name is blank")
        region = (row.get("region") or "").strip() or None
        if code == ENGLAND_CODE:
            kind: AreaKind = "england"
        elif region is None:
            kind = "region"
        else:
            kind = "authority"
        if "(discontinued)" in name:
            continue
        areas[code] = Area(la_code=code, name=name, region=region, kind=kind)
    return Areas(by_code=areas)


@functools.cache
def load_national_items(path: Path = ITEMS_PATH) -> dict[str, NationalItem]:
    """Return every LAIT data item by code from `lait_items.csv` (columns item, title, polarity, decimals,
    year_type, no_quartile, unit_label). Raises NationalReferenceError if the file is missing or unreadable."""
    items: dict[str, NationalItem] = {}
    for number, row in _rows(path):
        code = (row.get("item") or "").strip()
        if not code:
            raise NationalReferenceError(f"{path.name} row {number}: the item code is blank")
        decimals_text = (row.get("decimals") or "").strip()
        try:
            decimals = int(decimals_text) if decimals_text else None
        except ValueError:
            raise NationalReferenceError(f"{path.name} row {number}: decimals is not a whole number") from None
        items[code] = NationalItem(
            code=code,
            title=(row.get("title") or code).strip(),
            polarity=_polarity((row.get("polarity") or "").strip()),
            decimals=decimals,
            year_type=(row.get("year_type") or "").strip(),
            no_quartile=(row.get("no_quartile") or "").strip().upper() == "N",  # LAIT: "N" = no quartile band
            unit_label=(row.get("unit_label") or "").strip(),
        )
    return items


def is_percentage(item: NationalItem) -> bool:
    """Return True when LAIT's item is a percentage: its axis name starts with "%" or its name with "Percentage",
    "Proportion" or "%", or says "(%)". Raises nothing."""
    title = item.title.strip()
    return item.unit_label.startswith("%") or title.startswith(("Percentage", "Proportion", "%")) or "(%)" in title


def _polarity(text: str) -> NationalPolarity:
    return {"high": "higher", "low": "lower"}.get(text.casefold(), "none")  # type: ignore[return-value]


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return [(number, row) for number, row in enumerate(csv.DictReader(handle), start=2)]
    except OSError as error:
        raise NationalReferenceError(f"cannot read {path}: {error.strerror or error}") from None
