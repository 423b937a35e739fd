"""`python -m measures benchmarks ACTION`: national comparators.

`benchmarks import FILE [--dry-run] [--json] [--edition "May 2025"] [--user NAME]` imports LAIT's long form (CSV)
or a statistical neighbour workbook (xlsx). Exit status: 0 imported, unchanged, or checked (dry run) with no
errors; 1 refused (nothing written); 2 wrong arguments. With `--json` it prints one object: `{"file", "status",
"layout", "edition", "items", "years", "counts": {"values", "added", "revised", "unchanged"}, "issues":
[{"severity", "code", "sheet", "row", "column", "message"}], "unlisted_issues", "later_releases"}`.

`benchmarks show REF [--year Y] [--json]` prints a measure's national comparators for one year (default the latest
with a figure for the council): with `--json` one object `{"ref", "item", "year", "council", "value", "england",
"region", "region_value", "neighbours_average", "neighbours": {name: value}, "rank", "ranked_of", "quartile",
"edition"}`, values as published (null where there is no figure). Exit status: 0 shown; 1 the measure has no
national comparator or no figures for the year (the reason is printed); 2 no such measure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from measures.cli.users import command_line_actor
from measures.domain.formatting import format_number
from measures.domain.national_reference import SOURCE_CREDIT
from measures.national.importer import import_national_path
from measures.national.report import LONG_FORM, NationalIssue, NationalReport
from measures.storage import db
from measures.views.national import UnknownYear, comparator_year, measure_comparators
from measures.views.national_model import ComparatorYear, MeasureComparators, NoComparator

# The keys of `benchmarks show --json`, in order.
SHOW_KEYS = (
    "ref",
    "item",
    "year",
    "council",
    "value",
    "england",
    "region",
    "region_value",
    "neighbours_average",
    "neighbours",
    "rank",
    "ranked_of",
    "quartile",
    "edition",
)

_STATUS_TEXT = {
    "imported": "Imported",
    "unchanged": "Nothing to change: everything in it is already stored",
    "checked": "Checked (dry run): nothing was written",
    "refused": "Refused: nothing was written",
}


def add_parsers(commands) -> None:
    """Add the `benchmarks` command and its actions to the command line's subparsers."""
    benchmarks = commands.add_parser("benchmarks", help="national comparators: import DfE's published figures")
    actions = benchmarks.add_subparsers(dest="benchmarks_command", required=True, metavar="ACTION")
    importer = actions.add_parser(
        "import", help="import LAIT's long form (CSV) or a statistical neighbour workbook (xlsx)"
    )
    importer.add_argument("file")
    importer.add_argument("--dry-run", action="store_true", help="check and count without writing")
    importer.add_argument("--json", action="store_true", help="print the result as one JSON object")
    importer.add_argument(
        "--edition", default=None, help='the neighbour groups\' edition, e.g. "May 2025" (default: from the file name)'
    )
    importer.add_argument("--user", default="", help="who is importing (recorded in the history)")
    show = actions.add_parser("show", help="a measure's national comparators for one year")
    show.add_argument("ref", metavar="REF", help="the measure's ref, e.g. 3.3")
    show.add_argument("--year", default=None, help="the year, as published (2024) or as read (2023-24); default latest")
    show.add_argument("--json", action="store_true", help="print the comparators as one JSON object")


def report_lines(report: NationalReport, shown_per_kind: int = 5) -> list[str]:
    """Return the report as lines of plain text: the outcome, what the file holds, the counts and the problems
    (up to `shown_per_kind` of each kind, then how many more). Raises nothing."""
    counts = report.counts
    lines = [f"{report.file}: {_STATUS_TEXT[report.status]}."]
    noun = "Figures" if report.layout == LONG_FORM else "Neighbour groups"
    if report.layout == LONG_FORM:
        lines.append(
            f"LAIT long form; items: {', '.join(report.items) or 'none'}; years: {', '.join(report.years) or 'none'}."
        )
    elif report.layout:
        lines.append(f"Statistical neighbour groups; edition: {report.edition or 'not named'}.")
    lines.append(
        f"{noun}: {counts['values']} ({counts['added']} new, {counts['revised']} revised, "
        f"{counts['unchanged']} unchanged)."
    )
    if report.later_releases:
        lines.append(
            f"{report.later_releases} of the new figures {'is' if report.later_releases == 1 else 'are'} a later "
            "release of a year already held (such as 2024 (Rev) beside 2024): the earlier release is kept too."
        )
    for label, issues in (
        ("error(s) - fix these and import again", report.errors),
        ("warning(s) - the file can still be imported", report.warnings),
    ):
        if issues:
            lines.append(f"\n{len(issues)} {label}:")
            lines.extend(_grouped(issues, shown_per_kind))
    if report.unlisted:
        lines.append(f"... and {report.unlisted} more problems, not listed.")
    lines.append(f"Source: {SOURCE_CREDIT}.")
    return lines


def _grouped(issues: list[NationalIssue], shown_per_kind: int) -> list[str]:
    by_code: dict[str, list[NationalIssue]] = {}
    for issue in issues:
        by_code.setdefault(issue.code, []).append(issue)
    lines: list[str] = []
    for same_kind in by_code.values():
        lines.extend(f"  - {issue.message}" for issue in same_kind[:shown_per_kind])
        if len(same_kind) > shown_per_kind:
            lines.append(
                f"    ... and {len(same_kind) - shown_per_kind} more like this ({same_kind[0].code}); "
                "--json lists them all."
            )
    return lines


def command_benchmarks(args) -> int:
    """Run a `benchmarks` action for parsed arguments; returns the exit status."""
    if args.benchmarks_command == "import":
        return run_benchmarks_import(args)
    if args.benchmarks_command == "show":
        return run_benchmarks_show(args)
    print(f"error: unknown action {args.benchmarks_command!r}.", file=sys.stderr)
    return 2


def run_benchmarks_import(args) -> int:
    """Run `benchmarks import` for parsed arguments; returns the exit status (0 done, 1 refused, 2 no such file)."""
    path = Path(args.file)
    if not path.is_file():
        print(f"error: there is no file {args.file!r}.", file=sys.stderr)
        return 2
    engine = db.open_set_up()
    report = import_national_path(
        engine, path, user=args.user or command_line_actor(), dry_run=args.dry_run, edition=args.edition
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(report_lines(report)))
    return 1 if report.status == "refused" else 0


def show_record(comparators: MeasureComparators, year: ComparatorYear) -> dict:
    """Return one year of a measure's comparators as the object `benchmarks show --json` prints (keys SHOW_KEYS):
    `year` as readers see it ("2023-24"), `council` and `region` names, values as published and None where there
    is no figure, `neighbours` each neighbour's value by name, closest first. Raises nothing."""
    return {
        "ref": comparators.ref,
        "item": comparators.item,
        "year": year.label,
        "council": comparators.council,
        "value": year.council,
        "england": year.england,
        "region": comparators.region,
        "region_value": year.region,
        "neighbours_average": year.neighbours_average,
        "neighbours": {neighbour.name: neighbour.value for neighbour in year.neighbours},
        "rank": year.rank,
        "ranked_of": year.ranked_of,
        "quartile": year.quartile,
        "edition": year.edition,
    }


def show_lines(comparators: MeasureComparators, year: ComparatorYear) -> list[str]:
    """Return one year of a measure's comparators as lines of plain text, values in the measure's unit and
    decimals ("61.0%"), every missing figure saying why. Raises nothing."""

    def shown(value: float | None, status: str = "") -> str:
        if value is None:
            return status or "no figure"
        text = format_number(value, comparators.decimals)
        return f"{text}%" if comparators.unit == "percent" else text

    release = f", {year.release} release" if year.release else ""
    lines: list[str] = [
        f"Measure {comparators.ref}: national item {comparators.item} ({comparators.item_title}).",
        f"Year: {year.label} (published as {year.year}{release}).",
        f"{comparators.council}: {shown(year.council, year.council_status)}.",
    ]
    if year.rank is not None:
        band = f", quartile band {year.quartile}" if year.quartile else ", no quartile band"
        lines.append(f"National rank: {year.rank} of {year.ranked_of} (1 is the best){band}.")
    else:
        lines.append(f"National rank: none ({year.ranked_of} authorities ranked).")
    lines.append(f"{comparators.england}: {shown(year.england)}.")
    lines.append(f"{comparators.region or 'Region'}: {shown(year.region)}.")
    edition = f"{year.edition} edition" if year.edition else "no neighbour groups imported"
    average = shown(year.neighbours_average)
    lines.append(
        f"Statistical neighbours ({edition}): average {average} "
        f"({year.neighbours_counted} of the {len(year.neighbours)} have a figure)."
    )
    width = max((len(neighbour.name) for neighbour in year.neighbours), default=0)
    lines.extend(
        f"  {neighbour.name.ljust(width)}  {shown(neighbour.value, neighbour.status)}" for neighbour in year.neighbours
    )
    if comparators.note:
        lines.append(f"How it differs: {comparators.note}")
    lines.append(f"Source: {comparators.credit}.")
    return lines


def run_benchmarks_show(args) -> int:
    """Run `benchmarks show` for parsed arguments; returns the exit status (0 shown, 1 no comparator or no figures
    for the year, 2 no such measure)."""
    engine = db.open_set_up()
    try:
        comparators = measure_comparators(engine, args.ref)
    except KeyError:
        print(f"error: there is no measure {args.ref!r} in the catalogue.", file=sys.stderr)
        return 2
    if isinstance(comparators, NoComparator):
        print(f"error: measure {comparators.ref}: {comparators.reason}", file=sys.stderr)
        return 1
    try:
        year = comparator_year(comparators, args.year)
    except UnknownYear as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(show_record(comparators, year), ensure_ascii=False, indent=1))
    else:
        print("\n".join(show_lines(comparators, year)))
    return 0
