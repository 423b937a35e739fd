"""Importing a monthly return: read, validate everything, then write it all in one transaction or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from measures.domain.periods import long_label, period_of, shift_period
from measures.returns import action_checks, checks
from measures.returns.candidates import ParsedReturn
from measures.returns.isolation import parse_isolated
from measures.returns.report import ImportReport, Issue
from measures.returns.workbook import MAX_FILE_BYTES, too_large
from measures.storage import audit, catalogue_records, publications, reads, recording
from measures.storage import plan as plan_store
from measures.storage.plan import RatingRow
from measures.storage.recording import UploadInfo, ValueRow


def _change_rows(plan: recording.ChangePlan) -> list[dict]:
    changes: list[dict[str, object]] = [{"change": "added", "row": row, "old": None} for row in plan.added]
    changes += [{"change": "revised", "row": row, "old": current} for row, current in plan.revised]
    changes += [{"change": "unchanged", "row": row, "old": None} for row in plan.unchanged]
    return changes


def _revisions_of_published_months(
    engine: Engine, rows: list, reason: str, dry_run: bool, rating_rows: Sequence[RatingRow] = ()
) -> list[Issue]:
    """A revision of a published month needs a reason (readers see what was published, what it is now and why):
    an error without one; for a dry run, a warning that one will be asked for. A whole-service figure added to a
    published month is a revision to its readers ("published as no figure, now ...") and needs one too, and so is
    an action's rating added or changed in a published month."""
    plan = recording.preview_changes(engine, rows)
    revised = {row.period for row, _ in plan.revised}
    revised |= {row.period for row in plan.added if row.team == recording.SERVICE and row.worker == recording.SERVICE}
    rated: set[str] = set()
    if rating_rows:
        stored = plan_store.plan_ratings(engine, up_to=max(row.period for row in rating_rows))
        rated = {row.period for row in rating_rows if action_checks.rating_changes(stored, [row])["unchanged"] == 0}
    months = publications.published_months_revised(engine, sorted(revised | rated))
    if not months or reason.strip():
        return []
    names = ", ".join(long_label(month) for month in months)
    which = "a month that is" if len(months) == 1 else "months that are"
    by_figures, by_ratings = bool(revised & set(months)), bool(rated & set(months))
    what = " and ".join(
        word for word, applies in (("figures", by_figures), ("the actions' BRAG ratings", by_ratings)) if applies
    )
    if dry_run:
        return [
            Issue(
                "warning",
                "revises-published",
                f"This return revises {what} of {names}, {which} already published: readers will see each "
                "change marked revised, with what was published and why, so importing it needs the reason.",
            )
        ]
    return [
        Issue(
            "error",
            "revision-needs-reason",
            f"This return revises {what} of {names}, {which} already published, and no reason was given. "
            "Readers see each revised figure with what was published and why: give the reason (the upload's "
            "note, or --reason on the command line) and import it again.",
        )
    ]


def import_return(
    engine: Engine,
    source: str | Path | bytes,
    filename: str | None = None,
    user: str = "",
    dry_run: bool = False,
    today: date | None = None,
    reason: str = "",
) -> ImportReport:
    """Check a return and, unless `dry_run` or it has errors, write it in one transaction.

    `source` is a path or the file's bytes. The workbook is read in a separate process with memory and time
    limits (`isolation.parse_isolated`); a file that breaks them is refused as "could not be read safely" and
    audited as return.unsafe. Every problem is collected before deciding. Returns the
    ImportReport: status "imported", "unchanged", "checked" (dry run without errors) or "refused" (nothing
    written). A return revising a published month is refused without a `reason`, which is kept with the upload.
    Raises OSError if a path cannot be read, and sqlalchemy errors on a database failure.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        filename = filename or path.name
        with path.open("rb") as stream:  # never more than the limit in memory, however large the file
            data = stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return ImportReport(file=filename, issues=too_large(filename, max(path.stat().st_size, len(data))))
    else:
        data = source
    filename = filename or "upload.xlsx"
    report = ImportReport(file=filename)
    catalogue = catalogue_records.read_catalogue(engine)
    current_period = period_of(today or date.today())
    # Read in a separate process with memory and time limits: a file that breaks them is refused, not fatal.
    # The reader is told the earliest month: it does not see this process's settings.
    outcome = parse_isolated(data, filename, catalogue, current_period, earliest_period=checks.earliest_period())
    parsed, file_issues = outcome.parsed, outcome.issues
    if outcome.failure:
        audit.record_event(
            engine,
            user,
            "return.unsafe",
            filename,
            {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "failure": outcome.failure,
                "seconds": round(outcome.seconds, 1),
            },
        )
    report.layout = parsed.layout
    if file_issues:
        report.issues = file_issues
        return report
    candidates, duplicate_issues = checks.deduplicate(parsed.candidates)
    report.periods = sorted({c.row.period for c in candidates})
    earliest = min(report.periods) if report.periods else None
    history = reads.service_series(engine, since=shift_period(earliest, -checks.OUTLIER_HISTORY) if earliest else None)
    sheet = candidates[0].place.sheet if candidates else ""
    issues = parsed.issues + duplicate_issues
    issues += checks.earliest_period_problems()
    issues += checks.early_periods(parsed.dated, checks.earliest_period())
    issues += checks.future_periods(parsed.dated, current_period)
    issues += checks.outliers(candidates, history, catalogue)
    issues += checks.missing_measures(candidates, history, catalogue, sheet)
    marked = [c.row for c in candidates if c.row.status != "ok"]
    if marked:
        issues += checks.replaced_figures(candidates, recording.preview_changes(engine, marked), catalogue)
    issues += checks.new_teams(candidates, reads.known_teams(engine))
    issues += checks.contradicting_arrows(parsed, catalogue, history)
    if (
        not candidates
        and not parsed.ratings
        and not parsed.benchmarks
        and not parsed.commentary
        and not any(issue.severity == "error" for issue in issues)
    ):
        issues.append(
            Issue(
                "error",
                "no-figures",
                f"{filename} has the return's header but no figures. Fill in at least one row and upload it again.",
            )
        )
    rows = [c.row for c in candidates]
    rating_rows, rating_issues = _checked_ratings(engine, parsed, report, current_period)
    issues += rating_issues
    if rows or rating_rows:  # reported beside any other error: every problem in one report
        issues += _revisions_of_published_months(engine, rows, reason, dry_run, rating_rows)
    report.issues = issues
    if report.errors:
        report.status = "refused"
        report.counts = {"values": len(rows), "added": 0, "revised": 0, "unchanged": 0}
        return report
    if dry_run:
        plan = recording.preview_changes(engine, rows)
        report.counts, report.changes = plan.counts, _change_rows(plan)
        if rating_rows:
            report.rating_counts = action_checks.rating_changes(
                plan_store.plan_ratings(engine, up_to=report.ratings_month), rating_rows
            )
        report.status = "checked"
        return report
    try:
        summary = _record(engine, data, filename, user, reason, parsed, rows, rating_rows)
    except plan_store.PlanError as refused:  # the plan changed between the check and the write: nothing written
        sheet = parsed.actions_sheet
        report.issues = issues + [
            Issue("error", "rating-refused", f"Sheet ‘{sheet}’: {problem}", sheet) for problem in refused.problems
        ]
        report.status = "refused"
        return report
    report.counts = summary.counts
    report.changes = _change_rows(summary.plan) if summary.plan else []
    if rating_rows:
        report.rating_counts = {"ratings": len(rating_rows), **summary.rating_counts}
    report.upload_id = summary.upload_id
    report.status = "imported" if summary.upload_id is not None else "unchanged"
    return report


def _record(
    engine: Engine,
    data: bytes,
    filename: str,
    user: str,
    reason: str,
    parsed: ParsedReturn,
    rows: list[ValueRow],
    rating_rows: list[RatingRow],
) -> recording.WriteSummary:
    return recording.record_values(
        engine,
        rows,
        UploadInfo(
            kind="import",
            filename=filename,
            sha256=hashlib.sha256(data).hexdigest(),
            layout=parsed.layout,
            user_name=user,
            description=f"Monthly return ({parsed.layout} layout)",
            reason=" ".join(reason.split()),
        ),
        benchmark_rows=parsed.benchmarks,
        commentary_rows=parsed.commentary,
        rating_rows=rating_rows,
    )


def _ratings_month(parsed: ParsedReturn, periods: list[str]) -> str | None:
    """The return's month, which the Actions sheet rates: the latest month of its figures, else the latest month
    its Period column names (a template filled in with ratings only); None when it names none."""
    if periods:
        return max(periods)
    return max(parsed.named_months) if parsed.named_months else None


def _checked_ratings(
    engine: Engine, parsed: ParsedReturn, report: ImportReport, current_period: str
) -> tuple[list[RatingRow], list[Issue]]:
    """The Actions sheet's ratings to record and every problem with them (none when the return has no such
    sheet, or nothing typed on it). Sets the report's `ratings_month`."""
    if not parsed.ratings:
        return [], []
    month = _ratings_month(parsed, report.periods)
    report.ratings_month = month or ""
    rows, issues = action_checks.check_ratings(parsed.ratings, plan_store.current_actions(engine), month)
    if month is not None and not report.periods and not checks.earliest_period() <= month <= current_period:
        sheet = parsed.actions_sheet
        when = "has not ended yet" if month > current_period else "is before the programme's first month"
        issues.append(
            Issue(
                "error",
                "future-period" if month > current_period else "too-early",
                f"Sheet ‘{sheet}’: the actions are rated for the return's month, {long_label(month)}, which {when}. "
                "Check the Period of the Return sheet's rows and upload it again.",
                sheet,
                period=month,
            )
        )
        rows = []
    return rows, issues
