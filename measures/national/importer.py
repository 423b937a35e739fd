"""Importing a file of national comparators: LAIT's long form (CSV) or a statistical neighbour workbook (xlsx).

Checked like a monthly return: the file is read and every row checked into one report; any error refuses the
whole file and nothing is written; otherwise everything is written in one transaction (`measures.storage.national`),
audited, the earlier versions kept. Importing the same file again changes nothing. A dry run checks and counts what
would be written, and writes nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine

from measures.domain.national_reference import load_areas, load_national_items
from measures.domain.neighbour_editions import NeighbourEdition, edition_from_file_name, parse_edition
from measures.national.long_form import decode, read_long_form
from measures.national.neighbour_workbook import read_neighbour_groups
from measures.national.report import LONG_FORM, NEIGHBOUR_GROUPS, NationalIssue, NationalReport
from measures.national.workbook_process import UnsafeWorkbook, read_sheets_isolated
from measures.storage import national

MAX_CSV_BYTES = 256 * 1024 * 1024  # LAIT's whole long form is about 90 MB as CSV
MAX_WORKBOOK_BYTES = 10 * 1024 * 1024  # a neighbour workbook is under 50 kB
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # an old .xls, or an encrypted workbook


def _size_words(size: int) -> str:
    return f"{size / 1_048_576:.0f} MB"


def import_national_path(
    engine: Engine, path: Path, *, user: str, dry_run: bool = False, edition: str | None = None
) -> NationalReport:
    """Read the file at `path` (never more than the size limit into memory) and import it as `import_national`
    does. Returns the report. Raises OSError if the file cannot be opened."""
    with path.open("rb") as stream:
        data = stream.read(MAX_CSV_BYTES + 1)
    return import_national(engine, data, path.name, user=user, dry_run=dry_run, edition=edition)


def import_national(
    engine: Engine, data: bytes, filename: str, *, user: str, dry_run: bool = False, edition: str | None = None
) -> NationalReport:
    """Check the file `data` (named `filename`) and, unless it has errors or `dry_run` is set, write it.

    A workbook is read as a statistical neighbour workbook, in a separate process with limits; anything else as
    LAIT's long form. `edition` ("May 2025") names a workbook's edition; without it the file name must ("sn_may_
    2025.xlsx"). Returns the report: status "refused" (nothing written), "checked" (dry run, counts of what would
    be written), "imported" or "unchanged". Raises sqlalchemy errors from the database (nothing written then); never
    raises for anything in the file.
    """
    report = NationalReport(file=filename)
    sha256 = hashlib.sha256(data).hexdigest()
    if data[:4] in (_ZIP, _OLE):
        report.layout = NEIGHBOUR_GROUPS
        groups = _check_workbook(data, filename, edition, report)
        if report.refused:
            return report
        resolved = parse_edition(report.edition)
        assert resolved is not None  # set by _check_workbook when no error
        report.counts["values"] = len(groups)
        if dry_run:
            report.counts.update(national.preview_neighbour_groups(engine, resolved, groups))
            report.status = "checked"
        else:
            report.counts.update(
                national.record_neighbour_groups(engine, resolved, groups, source=filename, user=user, sha256=sha256)
            )
            report.status = "imported" if report.counts["added"] or report.counts["revised"] else "unchanged"
        return report
    report.layout = LONG_FORM
    figures = _check_long_form(data, filename, report)
    if report.refused:
        return report
    report.items = sorted({f.item for f in figures})
    report.years = sorted({f.year for f in figures})
    report.counts["values"] = len(figures)
    if dry_run:
        report.counts.update(national.preview_national_figures(engine, figures))
        report.status = "checked"
    else:
        report.counts.update(
            national.record_national_figures(engine, figures, source=filename, user=user, sha256=sha256)
        )
        report.status = "imported" if report.counts["added"] or report.counts["revised"] else "unchanged"
    return report


def _check_long_form(data: bytes, filename: str, report: NationalReport) -> list[national.NationalFigure]:
    if len(data) > MAX_CSV_BYTES:
        report.add(
            NationalIssue(
                "error",
                "file-too-large",
                f"{filename} is larger than {_size_words(MAX_CSV_BYTES)}, more than LAIT's whole data set: it was not "
                "read.",
            )
        )
        return []
    text = decode(data)
    if text is None:
        report.add(
            NationalIssue(
                "error",
                "unreadable",
                f"{filename} is not a CSV file (it is not text): export LAIT's long form as CSV and import that.",
            )
        )
        return []
    return read_long_form(text, filename, load_national_items(), load_areas(), report)


def _check_workbook(
    data: bytes, filename: str, edition: str | None, report: NationalReport
) -> dict[int, list[tuple[int, str]]]:
    resolved: NeighbourEdition | None
    if edition:
        resolved = parse_edition(edition)
        if resolved is None:
            report.add(
                NationalIssue(
                    "error",
                    "no-edition",
                    f"The edition '{edition[:40]}' is not a month and year: give it as, for example, May 2025.",
                )
            )
    else:
        resolved = edition_from_file_name(filename)
        if resolved is None:
            report.add(
                NationalIssue(
                    "error",
                    "no-edition",
                    f"Which edition of the neighbour groups is {filename}? Its name gives no month and year: name the "
                    "edition (for example May 2025), or name the file after it (sn_may_2025.xlsx).",
                )
            )
    if resolved is not None:
        report.edition = resolved.name
    if len(data) > MAX_WORKBOOK_BYTES:
        report.add(
            NationalIssue(
                "error",
                "file-too-large",
                f"{filename} is larger than {_size_words(MAX_WORKBOOK_BYTES)}; a neighbour workbook is far smaller: "
                "it was not read.",
            )
        )
        return {}
    try:
        sheets = read_sheets_isolated(data)
    except UnsafeWorkbook as problem:
        if problem.reason == "unreadable":
            sentence = (
                f"{filename} cannot be read as an Excel workbook (.xlsx): it is damaged, password-protected or of "
                "another kind. Save it again from Excel as .xlsx and import that."
            )
            report.add(NationalIssue("error", "unreadable", sentence))
        else:
            what = (
                "it needed more memory or time than a neighbour workbook ever does"
                if problem.reason == "memory or time"
                else "reading it failed"
            )
            report.add(
                NationalIssue(
                    "error",
                    "unsafe-file",
                    f"{filename} could not be read safely: {what}, so it was stopped and nothing was saved.",
                )
            )
        return {}
    return read_neighbour_groups(sheets, filename, load_areas(), report)
