"""Reading a return's workbook: its sheets and number formats, and which layout it is in (the template or
the committee table). Runs in the isolated reader process (`measures.returns.isolation`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from measures.domain.catalogue import Catalogue
from measures.returns import checks
from measures.returns.actions_sheet import parse_actions
from measures.returns.candidates import ParsedReturn
from measures.returns.committee_layout import parse_committee
from measures.returns.number_formats import (
    UnreadableFormats,
    mark_percent_cells,
    read_number_formats,
    uncomputed_formulas,
)
from measures.returns.report import Issue
from measures.returns.template_layout import find_header, parse_template
from measures.returns.workbook import Sheet, read_sheets


def parse_return(
    data: bytes,
    filename: str,
    catalogue: Catalogue,
    current_period: str = "9999-12",
    earliest_period: str | None = None,
) -> tuple[ParsedReturn, list[Issue]]:
    """Read a workbook and recognise its layout from its content; returns what was found and any file errors.

    Months after `current_period` or before `earliest_period` (default: the MEASURES_EARLIEST_PERIOD of this
    process) are left in `dated` for the checks that refuse them."""
    with cycle_collector_paused():
        return _parse_return(data, filename, catalogue, current_period, earliest_period)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block: reading a large return, or rebuilding what was read, makes
    hundreds of thousands of objects (cells, figures, places) and none of them in cycles, so the collector's
    passes over them as they pile up only cost time. Reference counting still frees everything; the collector
    runs again afterwards if it was running before. Yields nothing and raises nothing of its own."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _parse_return(
    data: bytes, filename: str, catalogue: Catalogue, current_period: str, earliest_period: str | None
) -> tuple[ParsedReturn, list[Issue]]:
    sheets, file_issues = read_sheets(data, filename)
    if file_issues:
        return ParsedReturn(), file_issues
    try:
        formats = read_number_formats(data)
    except UnreadableFormats:
        return ParsedReturn(), [
            Issue(
                "error",
                "truncated",
                f"{filename or 'The file'} could not be read as an Excel workbook: its formats or sheets are damaged. "
                "Open it in Excel, save it again and upload the new copy.",
            )
        ]
    sheets = [mark_percent_cells(sheet, formats.get(sheet.name)) for sheet in sheets]
    earliest_period = earliest_period or checks.earliest_period()
    parsed = parse_template(sheets, catalogue, current_period, earliest_period)
    if parsed is not None:
        parsed.issues += _committee_tables_left_out(sheets, catalogue)
    else:
        parsed = parse_committee(sheets, catalogue)
    if parsed is None:
        return ParsedReturn(), [
            Issue(
                "error",
                "no-header",
                f"No sheet in {filename or 'the file'} has a header this return understands. Use the template "
                "(header Ref, Measure, Team, Period, Numerator, Denominator, Value, Status, Note on row 1) or the "
                "committee table (a row with Ref, Measure and one column per month).",
            )
        ]
    parse_actions(sheets, parsed)
    parsed.issues = uncomputed_formulas(formats) + parsed.issues
    return parsed, []


def _names_ref_and_measure(row: list) -> bool:
    """Whether a row holds the committee header's Ref and Measure headings (a quick look before reading a sheet)."""
    names = {cell.strip().lower() for cell in row if isinstance(cell, str)}
    return "ref" in names and "measure" in names


def _committee_tables_left_out(sheets: list[Sheet], catalogue: Catalogue) -> list[Issue]:
    """A warning for each sheet holding a committee table with figures in a workbook read as the template (the
    template is read, the table is not): its figures are never left out without a word."""
    issues = []
    for sheet in sheets:
        if find_header(sheet) is not None or not any(_names_ref_and_measure(row) for row in sheet.rows):
            continue
        table = parse_committee([sheet], catalogue)
        if table is None or not table.candidates:
            continue
        first = table.candidates[0].place
        issues.append(
            Issue(
                "warning",
                "ignored-cell",
                f"Sheet ‘{sheet.name}’, cell {first.cell}: this sheet holds the committee table, but this workbook is "
                "read as the template (the sheet headed Ref, Period and Value), so nothing on this sheet was imported. "
                "Upload the committee table in a workbook of its own, or copy its figures into the template's rows.",
                sheet.name,
                first.cell,
            )
        )
    return issues
