"""The council the dashboard serves, read from `data/council.toml`: its DfE authority code, teams and the labels
its benchmarks use. Its name and region follow from the code, through DfE's code list (`data/national/
authorities.csv`); its statistical neighbours are not kept here but in the imported neighbour groups, one list
per edition (`measures.domain.neighbour_editions` chooses the edition for a year).

The file is read-only data, the same in every worker, so each path is parsed once per process.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measures.domain.national_reference import NationalReferenceError, load_areas

DEFAULT_COUNCIL_PATH = Path(__file__).resolve().parents[2] / "data" / "council.toml"
COUNCIL_FILE_SETTING = "MEASURES_COUNCIL_FILE"


class CouncilError(ValueError):
    """The council file is missing, not TOML, or has a missing or invalid entry."""


@dataclass(frozen=True)
class Council:
    """The council and who it is compared with.

    `la_code` is the DfE local-authority number (Herefordshire 884); `name` is the authority's name in DfE's code
    list, also the comparator name of its own published figures; `region` is its region as the code list names
    it ("West Midlands", "Inner London") and the comparator name of the regional figure; `region_code` the DfE
    number of the published regional figures (984; "Inner London" is published as "London (Inner)", 988), None
    if the code list has none; `region_in_text` how a sentence names the region ("the West Midlands");
    `england` the comparator name of the national figure; `teams` are every team in order and
    `assessment_teams` those that complete assessments; `neighbours_average` is the comparator name of the
    statistical neighbours' average; `committee` the committee the meeting pack is for, as its cover names it
    ("" when the file names none).
    """

    name: str
    la_code: int
    region: str
    region_in_text: str
    england: str
    teams: tuple[str, ...]
    assessment_teams: tuple[str, ...]
    neighbours_average: str
    region_code: int | None = None
    committee: str = ""

    @property
    def headline_comparators(self) -> tuple[str, str, str]:
        """The comparators a summary sentence names, in reading order: neighbours' average, England, region."""
        return (self.neighbours_average, self.england, self.region)


def council_path(path: Path | str | None = None) -> Path:
    """Return the council file in force: `path`, else the MEASURES_COUNCIL_FILE setting, else
    `data/council.toml`. Raises nothing."""
    chosen = path or os.environ.get(COUNCIL_FILE_SETTING) or DEFAULT_COUNCIL_PATH
    return Path(chosen).resolve()


def load_council(path: Path | str | None = None) -> Council:
    """Return the council described by the file in force (see `council_path`), parsed once per path, with its
    name and region from DfE's code list.

    Raises CouncilError naming the file and every missing or invalid key if the file is missing, not TOML,
    inconsistent, or names an authority code that is not in the code list.
    """
    return _load(council_path(path))


@functools.cache
def _load(path: Path) -> Council:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise CouncilError(f"The council file {path} does not exist.") from None
    except OSError as error:
        raise CouncilError(f"The council file {path} cannot be read: {error.strerror}.") from None
    except tomllib.TOMLDecodeError as error:
        raise CouncilError(f"The council file {path} is not valid TOML: {error}") from None
    return parse_council(data, str(path))


# Keys an earlier council file held: the name and region now follow from la_code, and the neighbours from the
# imported neighbour groups, so a file that still sets them is told so rather than silently half-read.
_RETIRED_KEYS = {
    ("council", "name"): "the name follows from la_code (DfE's code list)",
    ("council", "region"): "the region follows from la_code (DfE's code list)",
    ("council", "region_in_text"): "the region follows from la_code (DfE's code list)",
    ("comparators", "statistical_neighbours"): "the neighbours follow from la_code and the imported neighbour groups",
    ("comparators", "neighbours_source"): "each neighbour figure names the edition of the groups it comes from",
}
# Regions a sentence names with "the": "below the West Midlands", "in the East of England".
_REGIONS_WITH_THE = ("north", "south", "east", "west")


def region_in_text(region: str) -> str:
    """Return how a sentence names `region`: "the West Midlands", "the East of England", but "Inner London" and
    "Yorkshire and The Humber" as they are. Raises nothing."""
    first = region.split(" ", 1)[0].casefold()
    return f"the {region}" if first in _REGIONS_WITH_THE else region


def parse_council(data: dict[str, Any], source: str = "the council file") -> Council:
    """Build a Council from parsed TOML, its name and region from DfE's code list by `[council] la_code`.

    Raises CouncilError listing every missing or invalid key, each named as `[table] key`, with `source` (the
    file) named first: among them an authority code the code list does not know, and a key an earlier file
    held that is now worked out (name, region, statistical_neighbours).
    """
    problems: list[str] = []

    def table(name: str) -> dict[str, Any] | None:
        value = data.get(name)
        if not isinstance(value, dict):
            problems.append(f"the [{name}] table is missing" if value is None else f"[{name}] must be a table")
            return None
        return value

    def text(section: str, values: dict[str, Any] | None, key: str) -> str:
        if values is None:
            return ""
        value = values.get(key)
        if value is None:
            problems.append(f"[{section}] {key} is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            problems.append(f"[{section}] {key} must be non-empty text, not {value!r}")
            return ""
        return value.strip()

    def names(section: str, values: dict[str, Any] | None, key: str) -> tuple[str, ...]:
        if values is None:
            return ()
        value = values.get(key)
        if value is None:
            problems.append(f"[{section}] {key} is missing")
            return ()
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) and item.strip() for item in value)
        ):
            problems.append(f"[{section}] {key} must be a non-empty list of names, not {value!r}")
            return ()
        cleaned = tuple(item.strip() for item in value)
        repeated = sorted({item for item in cleaned if cleaned.count(item) > 1})
        if repeated:
            problems.append(f"[{section}] {key} names {', '.join(repeated)} more than once")
        return cleaned

    council, teams, comparators = table("council"), table("teams"), table("comparators")
    for (section, key), reason in _RETIRED_KEYS.items():
        values = {"council": council, "comparators": comparators}[section]
        if values is not None and key in values:
            problems.append(f"[{section}] {key} is no longer read ({reason}): remove it")
    la_code = None if council is None else council.get("la_code")
    authority = None
    if council is not None and la_code is None:
        problems.append("[council] la_code is missing")
    elif la_code is not None and (
        isinstance(la_code, bool) or not isinstance(la_code, int) or not 100 <= la_code <= 999
    ):
        problems.append(f"[council] la_code must be the DfE three-digit authority number, not {la_code!r}")
    elif la_code is not None:
        try:
            areas = load_areas()
        except NationalReferenceError as error:
            problems.append(f"DfE's code list cannot be read ({error})")
        else:
            authority = areas.find(la_code)
            if authority is None or authority.kind != "authority":
                problems.append(f"[council] la_code {la_code} is not an authority in DfE's code list")
                authority = None
    region_area = None if authority is None else load_areas().region_of(authority)
    england = text("council", council, "england")
    all_teams = names("teams", teams, "all")
    assessment_teams = names("teams", teams, "assessment")
    unknown = [team for team in assessment_teams if all_teams and team not in all_teams]
    if unknown:
        problems.append(f"[teams] assessment names {', '.join(unknown)}, which [teams] all does not list")
    neighbours_average = text("comparators", comparators, "neighbours_average")
    committee = "" if council is None or "committee" not in council else text("council", council, "committee")
    if authority is not None:
        clashing = {label for label in (england, neighbours_average) if label in (authority.name, authority.region)}
        if clashing:
            problems.append(
                f"[council] {', '.join(sorted(clashing))} is the council's own name or region, not another label"
            )
    if problems or authority is None:
        raise CouncilError(f"The council file {source} has problems: " + "; ".join(problems) + ".")
    region = authority.region or ""
    return Council(
        name=authority.name,
        la_code=authority.la_code,
        region=region,
        region_in_text=region_in_text(region),
        england=england,
        teams=all_teams,
        assessment_teams=assessment_teams,
        neighbours_average=neighbours_average,
        region_code=None if region_area is None else region_area.la_code,
        committee=committee,
    )
