"""`python -m measures import FILE [--dry-run] [--json] [--user NAME]`: exit 0 imported, unchanged or checked;
1 refused (nothing written); 2 wrong arguments."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from measures.cli.users import command_line_actor
from measures.returns.importer import import_return
from measures.returns.report import ImportReport
from measures.storage import db

_STATUS_TEXT = {
    "imported": "Imported",
    "unchanged": "Nothing to change: every figure is already stored",
    "checked": "Checked (dry run): nothing was written",
    "refused": "Refused: nothing was written",
}


def _print_report(report: ImportReport) -> None:
    counts = report.counts
    periods = ", ".join(report.periods) or "no months"
    print(f"{report.file}: {_STATUS_TEXT[report.status]}.")
    print(f"Layout: {report.layout or 'not recognised'}; months: {periods}.")
    print(
        f"Figures: {counts['values']} ({counts['added']} new, {counts['revised']} revised, "
        f"{counts['unchanged']} unchanged)."
    )
    ratings = report.rating_counts
    if ratings:
        month = f" for {report.ratings_month}" if report.ratings_month else ""
        print(
            f"Action ratings{month}: {ratings.get('ratings', 0)} ({ratings.get('added', 0)} new, "
            f"{ratings.get('revised', 0)} revised, {ratings.get('unchanged', 0)} unchanged)."
        )
    errors, warnings = report.errors, report.warnings
    if errors:
        print(f"\n{len(errors)} error(s) - fix these and upload again:")
        _print_grouped(errors)
    if warnings:
        print(f"\n{len(warnings)} warning(s) - the file can still be imported:")
        _print_grouped(warnings)


def _print_grouped(issues: list, shown_per_kind: int = 5) -> None:
    """Every issue of a kind up to `shown_per_kind`, then how many more of that kind there are."""
    by_code: dict[str, list] = {}
    for issue in issues:
        by_code.setdefault(issue.code, []).append(issue)
    for same_kind in by_code.values():
        for issue in same_kind[:shown_per_kind]:
            print(f"  - {issue.message}")
        if len(same_kind) > shown_per_kind:
            print(
                f"    ... and {len(same_kind) - shown_per_kind} more like this ({same_kind[0].code}); "
                "--json lists them all."
            )


def run_import(args) -> int:
    """Run the import command for parsed arguments; returns the exit status."""
    path = Path(args.file)
    if not path.is_file():
        print(f"error: there is no file {args.file!r}.", file=sys.stderr)
        return 2
    engine = db.open_set_up()
    report = import_return(
        engine, path, user=args.user or command_line_actor(), dry_run=args.dry_run, reason=args.reason
    )
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        _print_report(report)
    return 1 if report.status == "refused" else 0
