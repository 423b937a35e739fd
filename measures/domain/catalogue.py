"""The measure catalogue: improvement areas and their measures, read from `data/catalogue.toml`.

The catalogue is a readable data file kept under version control. This module only parses and
checks it; `measures.storage.catalogue_records` writes it into the database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from measures.domain.national_reference import NationalReferenceError, load_national_items
from measures.domain.spc_settings import DEFAULT_OPTIONS, SpcOptions

Unit = Literal["count", "percent", "average", "rate"]
Polarity = Literal["higher", "lower", "range", "none"]
TargetKind = Literal["at_least", "at_most", "band"]
# What one month's figure covers: that month alone, the 12 months to it, or the financial year to it.
Basis = Literal["month", "rolling-12", "year-to-date"]

UNITS: tuple[str, ...] = ("count", "percent", "average", "rate")
POLARITIES: tuple[str, ...] = ("higher", "lower", "range", "none")
TARGET_KINDS: tuple[str, ...] = ("at_least", "at_most", "band")
BASES: tuple[str, ...] = ("month", "rolling-12", "year-to-date")

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "data" / "catalogue.toml"


class CatalogueError(ValueError):
    """The catalogue file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Target:
    """A target for RAG rating.

    `at_least`: green when value >= low. `at_most`: green when value <= high.
    `band`: green when low <= value <= high. Amber within `tolerance` outside the green zone.
    """

    kind: TargetKind
    low: float | None = None
    high: float | None = None
    tolerance: float = 0.0
    text: str = ""

    def describe(self) -> str:
        """Return the target in plain words, e.g. 'at least 90%' or 'between 16 and 20'."""
        if self.text:
            return self.text
        if self.kind == "at_least":
            return f"at least {self.low:g}"
        if self.kind == "at_most":
            return f"at most {self.high:g}"
        return f"between {self.low:g} and {self.high:g}"


@dataclass(frozen=True)
class ProcessChange:
    """A month from which a measure's process changed, so its SPC chart recalculates the mean and limits from it."""

    period: str
    reason: str = ""


@dataclass(frozen=True)
class Baseline:
    """The months (`first` to `last`, inclusive) a measure's SPC limits are fixed on, and why."""

    first: str
    last: str
    reason: str = ""


@dataclass(frozen=True)
class TargetChange:
    """A target in force from `effective_from` (YYYY-MM) until the next change; `target` None means no target."""

    effective_from: str
    target: Target | None
    reason: str = ""


@dataclass(frozen=True)
class Area:
    """One of the ten improvement areas of the plan."""

    number: int
    title: str
    short_title: str
    description: str = ""
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure:
    """One measure that matters, as the committee defines it.

    `basis` says what each month's figure covers: "month" (that month alone, the default), "rolling-12" (the 12
    months up to it) or "year-to-date" (the financial year, April to March, up to it). Only monthly figures are
    averaged, compared with earlier months' average or put on an SPC chart as they are.

    `national_item` is the code of the LAIT data item the measure is compared with nationally ("" for none);
    `national_note` says where that item's definition differs from the measure's, or, without an item, why
    the measure has no national comparator.
    """

    ref: str
    area: int
    title: str
    short_title: str
    unit: Unit
    polarity: Polarity
    good_looks_like: str = ""
    counts: bool = False
    decimals: int = 0
    target: Target | None = None
    target_source: str = ""
    objective: str = ""
    timescale: str = ""
    best_practice: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    chart: str = ""
    source: str = ""  # the documents the measure comes from, named plainly: shown to every reader
    source_note: str = ""  # officers' working notes on the sources (document line numbers, doubts): not for readers
    flags: tuple[str, ...] = ()
    basis: Basis = "month"
    sort_key: tuple[int, int] = field(default=(0, 0), compare=False)
    spc: SpcOptions = DEFAULT_OPTIONS  # the SPC rules' settings for this measure
    national_item: str = ""
    national_note: str = ""
    # Recorded in the app (`measures.storage.chart_changes`), read back with the catalogue: the months the process
    # changed (oldest first), the months the limits are fixed on, and each target with the month it applied from.
    process_changes: tuple[ProcessChange, ...] = ()
    baseline: Baseline | None = None
    target_history: tuple[TargetChange, ...] = ()

    def target_for(self, period: str) -> Target | None:
        """Return the target in force in `period` (YYYY-MM): that of the latest `target_history` entry effective
        from that month or before, None when that entry says "no target". Without history, or for a month before
        the first entry, the measure's current `target`. Raises nothing."""
        in_force: TargetChange | None = None
        for change in self.target_history:
            if change.effective_from <= period:
                in_force = change
        return self.target if in_force is None else in_force.target

    def as_at(self, period: str) -> Measure:
        """Return this measure as it stood in `period`: its `target` the one in force then (`target_for`), its
        history kept, so every reader of a month words and rates that month's target. Raises nothing."""
        if not self.target_history:
            return self
        return replace(self, target=self.target_for(period))

    @property
    def band(self) -> tuple[float, float] | None:
        """The target band (low, high) of a `range` measure, or None."""
        if self.target is not None and self.target.kind == "band":
            return (float(self.target.low), float(self.target.high))  # type: ignore[arg-type]
        return None


@dataclass(frozen=True)
class Catalogue:
    """All areas and measures, in ref order."""

    areas: tuple[Area, ...]
    measures: tuple[Measure, ...]

    def measure(self, ref: str) -> Measure:
        """Return the measure with this ref; raises KeyError if there is none."""
        for measure in self.measures:
            if measure.ref == ref:
                return measure
        raise KeyError(ref)

    def area(self, number: int) -> Area:
        """Return the area with this number; raises KeyError if there is none."""
        for area in self.areas:
            if area.number == number:
                return area
        raise KeyError(number)

    @property
    def refs(self) -> tuple[str, ...]:
        """Every measure ref, in order."""
        return tuple(m.ref for m in self.measures)


def ref_sort_key(ref: str) -> tuple[int, int]:
    """Return a sort key that orders '2.10' after '2.9'; raises ValueError for a malformed ref."""
    area, _, number = ref.partition(".")
    return (int(area), int(number))


def _target(raw: dict | None, ref: str) -> Target | None:
    if raw is None:
        return None
    kind = raw.get("kind")
    if kind not in TARGET_KINDS:
        raise CatalogueError(f"Measure {ref}: target kind {kind!r} is not one of {', '.join(TARGET_KINDS)}.")
    low, high = raw.get("low"), raw.get("high")
    if kind == "at_least" and low is None:
        raise CatalogueError(f"Measure {ref}: an 'at_least' target needs 'low'.")
    if kind == "at_most" and high is None:
        raise CatalogueError(f"Measure {ref}: an 'at_most' target needs 'high'.")
    if kind == "band" and (low is None or high is None or low > high):
        raise CatalogueError(f"Measure {ref}: a 'band' target needs 'low' <= 'high'.")
    return Target(
        kind=kind,
        low=None if low is None else float(low),
        high=None if high is None else float(high),
        tolerance=float(raw.get("tolerance", 0.0)),
        text=str(raw.get("text", "")),
    )


SPC_KEYS: dict[str, type] = {
    "shift_length": int,
    "trend_length": int,
    "minimum_points": int,
    "two_of_three": bool,
    "exclude_moving_range_outliers": bool,
}


def parse_spc(raw: object, base: SpcOptions, where: str) -> SpcOptions:
    """Return `base` with the settings of an `[spc]` table (`raw`, parsed TOML) applied over it.

    `where` names the table in errors, e.g. "The catalogue's [spc] table" or "Measure 3.1: spc". Raises
    CatalogueError naming every unknown key and every value that is not a whole number of at least 2 (the
    lengths and minimum points) or not true/false (the rule switches).
    """
    if raw is None:
        return base
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where} must be a table of settings ({', '.join(SPC_KEYS)}), not {raw!r}.")
    problems = []
    settings: dict[str, int | bool] = {}
    for key, value in raw.items():
        kind = SPC_KEYS.get(key)
        if kind is None:
            problems.append(f"{where}.{key} is not a setting (the settings are {', '.join(SPC_KEYS)})")
        elif kind is bool and not isinstance(value, bool):
            problems.append(f"{where}.{key} must be true or false, not {value!r}")
        elif kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 2):
            problems.append(f"{where}.{key} must be a whole number of at least 2, not {value!r}")
        else:
            settings[key] = value
    if problems:
        raise CatalogueError("; ".join(problems) + ".")
    return replace(base, **settings)  # type: ignore[arg-type]


def parse_catalogue(data: dict) -> Catalogue:
    """Build a Catalogue from parsed TOML; raises CatalogueError naming the first inconsistent entry.

    The catalogue-level `[spc]` table sets the SPC defaults (`SpcOptions`' own where it is absent); a measure's
    `spc` table overrides them for that measure, so each `Measure.spc` is the setting in force.
    """
    default_spc = parse_spc(data.get("spc"), DEFAULT_OPTIONS, "The catalogue's [spc] table")
    areas = []
    for raw in data.get("area", []):
        try:
            areas.append(
                Area(
                    number=int(raw["number"]),
                    title=str(raw["title"]),
                    short_title=str(raw.get("short_title", raw["title"])),
                    description=str(raw.get("description", "")),
                    outcomes=tuple(raw.get("outcomes", ())),
                )
            )
        except KeyError as missing:
            raise CatalogueError(f"An area is missing {missing}.") from None
    area_numbers = {a.number for a in areas}
    measures = []
    seen: set[str] = set()
    for raw in data.get("measure", []):
        ref = str(raw.get("ref", ""))
        try:
            key = ref_sort_key(ref)
        except ValueError:
            raise CatalogueError(f"Measure ref {ref!r} is not of the form AREA.NUMBER.") from None
        if ref in seen:
            raise CatalogueError(f"Measure {ref} appears twice.")
        seen.add(ref)
        if raw.get("unit") not in UNITS:
            raise CatalogueError(f"Measure {ref}: unit {raw.get('unit')!r} is not one of {', '.join(UNITS)}.")
        if raw.get("polarity") not in POLARITIES:
            raise CatalogueError(
                f"Measure {ref}: polarity {raw.get('polarity')!r} is not one of {', '.join(POLARITIES)}."
            )
        if int(raw.get("area", -1)) not in area_numbers or key[0] != int(raw["area"]):
            raise CatalogueError(f"Measure {ref}: area {raw.get('area')!r} does not match an area of its ref.")
        target = _target(raw.get("target"), ref)
        basis = raw.get("basis", "month")
        if basis not in BASES:
            raise CatalogueError(f"Measure {ref}: basis {basis!r} is not one of {', '.join(BASES)}.")
        if raw["polarity"] == "range" and (target is None or target.kind != "band"):
            raise CatalogueError(f"Measure {ref}: a 'range' measure needs a 'band' target.")
        spc_options = parse_spc(raw.get("spc"), default_spc, f"Measure {ref}: spc")
        national_item = _national_item(raw.get("national_item", ""), ref)
        measures.append(
            Measure(
                ref=ref,
                area=int(raw["area"]),
                title=str(raw["title"]),
                short_title=str(raw.get("short_title", raw["title"])),
                unit=raw["unit"],
                polarity=raw["polarity"],
                good_looks_like=str(raw.get("good_looks_like", "")),
                counts=bool(raw.get("counts", False)),
                decimals=int(raw.get("decimals", 1 if raw["unit"] in ("percent", "average", "rate") else 0)),
                target=target,
                target_source=str(raw.get("target_source", "")),
                objective=str(raw.get("objective", "")),
                timescale=str(raw.get("timescale", "")),
                best_practice=str(raw.get("best_practice", "")),
                numerator_label=str(raw.get("numerator_label", "")),
                denominator_label=str(raw.get("denominator_label", "")),
                chart=str(raw.get("chart", "")),
                source=str(raw.get("source", "")),
                source_note=str(raw.get("source_note", "")),
                flags=tuple(raw.get("flags", ())),
                basis=basis,
                sort_key=key,
                spc=spc_options,
                national_item=national_item,
                national_note=" ".join(str(raw.get("national_note", "")).split()),
            )
        )
    measures.sort(key=lambda m: m.sort_key)
    areas.sort(key=lambda a: a.number)
    return Catalogue(areas=tuple(areas), measures=tuple(measures))


def _national_item(raw: object, ref: str) -> str:
    if not isinstance(raw, str):
        raise CatalogueError(f'Measure {ref}: national_item must be text (a LAIT item code or ""), not {raw!r}.')
    code = raw.strip()
    if not code:
        return ""
    try:
        known = load_national_items()
    except NationalReferenceError as error:
        raise CatalogueError(f"Measure {ref}: LAIT's item list cannot be read ({error}).") from None
    if code not in known:
        raise CatalogueError(f"Measure {ref}: national_item {code!r} is not a data item of LAIT (lait_items.csv).")
    return code


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and check the catalogue file (default `data/catalogue.toml`).

    Returns the Catalogue; raises CatalogueError if the file is missing, not TOML or inconsistent.
    """
    path = Path(path) if path else DEFAULT_CATALOGUE_PATH
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise CatalogueError(f"The catalogue file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"The catalogue file {path} is not valid TOML: {error}") from None
    return parse_catalogue(data)
