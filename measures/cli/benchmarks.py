"""`python -m measures benchmarks ACTION`: national comparators.

`benchmarks import FILE [--dry-run] [--json] [--edition "May 2025"] [--user NAME]` imports LAIT's long form (CSV)
or a statistical neighbour workbook (xlsx). Exit status: 0 imported, unchanged, or checked (dry run) with no
errors; 1 refused (nothing written); 2 wrong arguments. With `--json` it prints one object: `{"file", "status",
"layout", "edition", "items", "years", "counts": {"values", "added", "revised", "unchanged"}, "issues":
[{"severity", "code", "sheet", "row", "column", "message"}], "unlisted_issues"}`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from measures.cli.users import command_line_actor
from measures.domain.national_reference import SOURCE_CREDIT
from measures.national.importer import import_national_path
from measures.national.report import LONG_FORM, NationalIssue, NationalReport
from measures.storage import db

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
    lines = []
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
