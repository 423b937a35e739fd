"""What an import of national figures or neighbour groups found: every problem at once, each naming the row and
column (and the sheet of a workbook) in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
Status = Literal["imported", "unchanged", "checked", "refused"]
LONG_FORM = "lait-long-form"
NEIGHBOUR_GROUPS = "neighbour-groups"

ERROR_CODES = (
    "file-too-large",  # over the size limit
    "unreadable",  # not text (a CSV) or not a workbook that can be read
    "unsafe-file",  # reading the workbook ran out of memory or time, or failed, in its separate process
    "not-long-form",  # a CSV without the long form's columns
    "no-header",  # a workbook with no row holding LA num and SN1 to SN10
    "too-many-rows",  # more rows than any release holds
    "unknown-item",  # a Short Desc that is not one of LAIT's data items
    "bad-year",  # a year in no known form
    "bad-la-code",  # an LA Number that is not a whole number
    "unknown-authority",  # an LA Number not in the code list
    "name-mismatch",  # an authority's name disagrees with the code list
    "not-a-number",  # a value that is neither a number nor a known marker
    "duplicate-conflict",  # the same item, year and authority twice with different values
    "no-edition",  # a neighbour workbook whose edition is named neither by --edition nor by its file name
    "incomplete-group",  # a group with some neighbours missing
    "no-figures",  # nothing to import
)
WARNING_CODES = (
    "duplicate-same",  # the same figure twice (kept once)
    "no-group",  # an authority listed with no neighbours (a council formed after the edition)
    "rows-not-read",  # rows after the groups (such as "Old SNs:") that are not part of the edition
)
MAX_LISTED_ISSUES = 1000  # a hostile file could have millions: the rest are counted, not listed


@dataclass(frozen=True)
class NationalIssue:
    """One problem: severity, a stable code, the sentence, and where it is (sheet, row number, column name)."""

    severity: Severity
    code: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def as_dict(self) -> dict:
        """The issue as a JSON object: severity, code, sheet, row, column, message."""
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class NationalReport:
    """The outcome of checking or importing one file of national figures or neighbour groups.

    `layout` is "lait-long-form" or "neighbour-groups" ("" when not recognised); `counts` are figures (or groups):
    values read, added, revised, unchanged; `unlisted` counts problems beyond MAX_LISTED_ISSUES."""

    file: str
    status: Status = "refused"
    layout: str = ""
    edition: str = ""
    items: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"values": 0, "added": 0, "revised": 0, "unchanged": 0})
    issues: list[NationalIssue] = field(default_factory=list)
    unlisted: int = 0

    def add(self, issue: NationalIssue) -> None:
        """Add a problem, or count it when MAX_LISTED_ISSUES are already listed."""
        if len(self.issues) < MAX_LISTED_ISSUES:
            self.issues.append(issue)
        else:
            self.unlisted += 1
            if issue.severity == "error" and not any(i.severity == "error" for i in self.issues):
                self.issues[-1] = issue  # an error is always listed, so the refusal has its reason

    @property
    def errors(self) -> list[NationalIssue]:
        """The issues that refuse the file."""
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[NationalIssue]:
        """The issues that let it import."""
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def refused(self) -> bool:
        """True when any error was found (nothing is then written)."""
        return bool(self.errors)

    def as_dict(self) -> dict:
        """The report as the one JSON object `benchmarks import --json` prints."""
        return {
            "file": self.file,
            "status": self.status,
            "layout": self.layout,
            "edition": self.edition,
            "items": list(self.items),
            "years": list(self.years),
            "counts": dict(self.counts),
            "issues": [issue.as_dict() for issue in self.issues],
            "unlisted_issues": self.unlisted,
        }
