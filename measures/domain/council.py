"""The council the dashboard serves, read from `data/council.toml`: its name, DfE authority code, region, teams
and the comparators its benchmarks name.

The file is read-only data, the same in every worker, so each path is parsed once per process.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_COUNCIL_PATH = Path(__file__).resolve().parents[2] / "data" / "council.toml"
COUNCIL_FILE_SETTING = "MEASURES_COUNCIL_FILE"


class CouncilError(ValueError):
    """The council file is missing, not TOML, or has a missing or invalid entry."""


@dataclass(frozen=True)
class Council:
    """The council and who it is compared with.

    `name` is also the comparator name of its own published figures; `la_code` is the DfE local-authority
    number (Herefordshire 884); `england` and `region` are the comparator names of the national and regional
    figures, `region_in_text` how a sentence names the region ("the West Midlands"); `teams` are every team in
    order and `assessment_teams` those that complete assessments; `neighbours_average` is the comparator name
    of the statistical neighbours' average and `statistical_neighbours` the neighbours, closest first.
    """

    name: str
    la_code: int
    region: str
    region_in_text: str
    england: str
    teams: tuple[str, ...]
    assessment_teams: tuple[str, ...]
    neighbours_average: str
    statistical_neighbours: tuple[str, ...]
    neighbours_source: str = ""

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
    """Return the council described by the file in force (see `council_path`), parsed once per path.

    Raises CouncilError naming the file and every missing or invalid key if the file is missing, not TOML,
    or inconsistent.
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


def parse_council(data: dict[str, Any], source: str = "the council file") -> Council:
    """Build a Council from parsed TOML. Raises CouncilError listing every missing or invalid key, each named
    as `[table] key`, with `source` (the file) named first."""
    problems: list[str] = []

    def table(name: str) -> dict[str, Any] | None:
        value = data.get(name)
        if not isinstance(value, dict):
            problems.append(f"the [{name}] table is missing" if value is None else f"[{name}] must be a table")
            return None
        return value

    def text(section: str, values: dict[str, Any] | None, key: str, required: bool = True) -> str:
        if values is None:
            return ""
        value = values.get(key)
        if value is None:
            if required:
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
    name = text("council", council, "name")
    la_code = None if council is None else council.get("la_code")
    if council is not None and la_code is None:
        problems.append("[council] la_code is missing")
    elif la_code is not None and (
        isinstance(la_code, bool) or not isinstance(la_code, int) or not 100 <= la_code <= 999
    ):
        problems.append(f"[council] la_code must be the DfE three-digit authority number, not {la_code!r}")
    region = text("council", council, "region")
    region_in_text = text("council", council, "region_in_text", required=False) or region
    england = text("council", council, "england")
    all_teams = names("teams", teams, "all")
    assessment_teams = names("teams", teams, "assessment")
    unknown = [team for team in assessment_teams if all_teams and team not in all_teams]
    if unknown:
        problems.append(f"[teams] assessment names {', '.join(unknown)}, which [teams] all does not list")
    neighbours_average = text("comparators", comparators, "neighbours_average")
    neighbours = names("comparators", comparators, "statistical_neighbours")
    neighbours_source = text("comparators", comparators, "neighbours_source", required=False)
    clashing = ({name, region, england, neighbours_average} - {""}) & set(neighbours)
    if clashing:
        problems.append(
            f"[comparators] statistical_neighbours names {', '.join(sorted(clashing))}, which is another comparator"
        )
    if problems:
        raise CouncilError(f"The council file {source} has problems: " + "; ".join(problems) + ".")
    return Council(
        name=name,
        la_code=int(la_code),  # type: ignore[arg-type]
        region=region,
        region_in_text=region_in_text,
        england=england,
        teams=all_teams,
        assessment_teams=assessment_teams,
        neighbours_average=neighbours_average,
        statistical_neighbours=neighbours,
        neighbours_source=neighbours_source,
    )
