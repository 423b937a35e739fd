"""What an import found: every problem at once, each naming sheet, cell, measure and month in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
Status = Literal["imported", "unchanged", "checked", "refused"]

# Errors refuse the whole file; warnings let it import.
ERROR_CODES = (
    "file-too-large",  # over the upload limit
    "not-xlsx",  # not an Excel workbook at all
    "truncated",  # an xlsx that is cut short or damaged
    "password-protected",  # an encrypted workbook
    "inflates-too-far",  # would expand past the decompression limit (zip bomb)
    "over-limits",  # more sheets, rows, columns or cells than a return needs
    "unsafe-file",  # reading it ran out of memory or time, or failed, in its separate process
    "no-header",  # no sheet with a recognisable header row
    "unknown-ref",  # a ref that is not in the catalogue
    "bad-period",  # a period that is not a month
    "future-period",  # a month that has not happened yet
    "not-a-number",  # text where a number belongs
    "numerator-above-denominator",
    "percent-out-of-range",  # a percentage below 0 or above 100
    "negative-count",
    "unknown-status",  # a status other than blank/OK, TBC or NEW
    "duplicate-conflict",  # the same ref, period and team twice with different figures
    "no-figures",  # the file holds no figures at all
    "formula-without-value",  # a formula whose result was never saved (written by a program, not Excel)
    "too-early",  # a month before the programme's first month (MEASURES_EARLIEST_PERIOD)
    "bad-setting",  # MEASURES_EARLIEST_PERIOD is not a month: nothing is imported until it is corrected
    "revision-needs-reason",  # figures of a published month revised without saying why
    # The Actions sheet: the improvement plan's BRAG ratings for the return's month.
    "no-return-month",  # ratings, but the return names no month for them
    "no-action-number",  # a rating or progress on a row whose Action cell starts with no action number
    "unknown-action",  # an action number the plan does not have
    "ambiguous-action",  # a number such as 3.1 typed as a number, where the plan has 3.1 and 3.10
    "duplicate-action",  # the same action rated twice
    "closed-action",  # an action the plan has closed, rated
    "not-a-brag",  # a rating not in the plan's BRAG key, or progress without a rating
    "progress-needed",  # a Red or Amber rating without progress
    "progress-too-long",  # more progress than a month's update holds
    "rating-refused",  # the plan's own rules refused a rating (the plan changed between the check and the import)
)
WARNING_CODES = (
    "percent-mismatch",  # a typed percentage disagrees with its counts by more than half a point
    "small-denominator",  # fewer than 10 in the denominator
    "outlier",  # far outside the measure's own history
    "missing-measure",  # present last month, missing now
    "arrow-contradiction",  # a typed Progress arrow contradicts the figures
    "duplicate-same",  # the same figure twice (kept once)
    "new-team",  # a team the database has not seen before
    "ignored-cell",  # a cell that could not be used and was left out
    "percent-ambiguous",  # a bare 0.61 for a percent measure: stored as typed (0.61%), could mean 61%
    "replaces-figure",  # TBC, not applicable or suppressed would replace a figure already stored
    "zero-denominator",  # 0 out of 0: counts kept, no percentage
    "revises-published",  # a check (dry run) of a return revising a published month: a reason will be needed
)


@dataclass(frozen=True)
class Issue:
    """One problem: severity, a stable code, where it is (sheet, cell like 'F12'), which measure and month."""

    severity: Severity
    code: str
    message: str
    sheet: str = ""
    cell: str = ""
    ref: str = ""
    period: str = ""
    detail: str = ""  # the message without its location, for tables that show the location in columns

    def as_dict(self) -> dict:
        """The issue as the JSON object of the import contract."""
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "ref": self.ref,
            "period": self.period,
            "message": self.message,
        }


@dataclass
class ImportReport:
    """The outcome of checking or importing one file."""

    file: str
    status: Status = "refused"
    layout: str = ""
    periods: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"values": 0, "added": 0, "revised": 0, "unchanged": 0})
    issues: list[Issue] = field(default_factory=list)
    upload_id: int | None = None
    changes: list[dict] = field(default_factory=list)  # preview rows: ref, period, team, change, old, new
    # The Actions sheet: the month its ratings are for, and how many are "ratings", "added", "revised", "unchanged"
    # (empty when the return rates no action).
    ratings_month: str = ""
    rating_counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        """The issues that refuse the file."""
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The issues that let it import."""
        return [issue for issue in self.issues if issue.severity == "warning"]

    def as_dict(self) -> dict:
        """The report as the one JSON object `import --json` prints."""
        return {
            "file": self.file,
            "status": self.status,
            "layout": self.layout,
            "periods": list(self.periods),
            "counts": dict(self.counts),
            "issues": [issue.as_dict() for issue in self.issues],
            **({"ratings": {"period": self.ratings_month, **self.rating_counts}} if self.rating_counts else {}),
        }


__all__ = ["ERROR_CODES", "WARNING_CODES", "ImportReport", "Issue"]
