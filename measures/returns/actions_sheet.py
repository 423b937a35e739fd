"""Reading the `Actions` sheet of a return: each improvement-plan action's BRAG rating and progress for the
return's month. Runs in the isolated reader process (`measures.returns.isolation`), so it knows nothing of the
plan: it records what was typed and where, and `measures.returns.action_checks` checks it against the plan.

Two layouts read the same way, found by their headings wherever they are: the template's sheet (Action,
Wording, Lead, Deadline, BRAG, Progress) and the plan's own table as officers keep it (Action, Lead, Deadline,
Progress, BRAG, where the Action cell starts with the number: "2.4 Review the Fostering Service ..."). A sheet
named Actions is read first; otherwise the first sheet whose heading row holds Action and BRAG.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from measures.returns.candidates import MAX_PROGRESS_CHARACTERS, MAX_TYPED_TEXT, ParsedReturn, RatingCandidate
from measures.returns.cells import text_of
from measures.returns.report import Issue
from measures.returns.workbook import Sheet

ACTIONS_SHEET = "Actions"
HEADER_SEARCH_ROWS = 10
ACTION_HEADING = "action"
BRAG_HEADING = "brag"
PROGRESS_HEADING = "progress"
# The leading action number of an Action cell: "2.4", "10.12", "2.4 Review the ...", "2.4. Review", "2.4: ...",
# "Action 2.4".
# A point after the number ends it only before a space ("2.4. Review"): 12.4.1 is no action of the plan.
_ACTION_NUMBER = re.compile(r"^(?:action\s+)?(\d{1,2}\.\d{1,3})(?=\.?(?:\s|$)|[:;,)\-–])", re.IGNORECASE)


def _address(column: int, row_index: int) -> str:
    return f"{get_column_letter(column + 1)}{row_index + 1}"


def _cell(row: list, column: int | None) -> object:
    if column is None or column >= len(row):
        return None
    return row[column]


def _heading_columns(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """(row index, {heading: first column with it}) of the sheet's first row holding Action and BRAG, or None."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, cell in enumerate(row):
            name = " ".join(text_of(cell).lower().split()) if isinstance(cell, str) else ""
            columns.setdefault(name, column)
        if ACTION_HEADING in columns and BRAG_HEADING in columns:
            return index, columns
    return None


def action_number(cell: object) -> str:
    """The action number an Action cell starts with ('2.4' from '2.4 Review the ...', from the number 2.4, or
    from '2.4'), or '' when it starts with none. A number typed as a number loses trailing zeros (2.10 is 2.1),
    which is why the template's Action column is text."""
    text = text_of(cell)
    match = _ACTION_NUMBER.match(text)
    return match.group(1) if match else ""


def find_actions_sheet(sheets: list[Sheet]) -> tuple[Sheet, int, dict[str, int]] | None:
    """The sheet holding the actions' ratings, its heading row index and columns; None when there is none.

    A sheet named Actions (any case) comes first; then any sheet with Action and BRAG in a heading row."""
    ordered = sorted(sheets, key=lambda sheet: sheet.name.strip().lower() != ACTIONS_SHEET.lower())
    for sheet in ordered:
        found = _heading_columns(sheet)
        if found is not None:
            return (sheet, *found)
    return None


def parse_actions(sheets: list[Sheet], parsed: ParsedReturn) -> None:
    """Add to `parsed` every row of the actions sheet that holds a rating, progress or an action number with
    either, with the cells they came from; a row of progress alone under an action (a table split by a page
    break) continues that action's progress. Records the sheet's name in `parsed.actions_sheet`. Nothing is
    refused here: the checks decide with the plan in hand."""
    found = find_actions_sheet(sheets)
    if found is None:
        named = next((sheet for sheet in sheets if sheet.name.strip().lower() == ACTIONS_SHEET.lower()), None)
        if named is not None and any(cell is not None for row in named.rows for cell in row):
            parsed.issues.append(_unread_sheet(named.name))
        return
    sheet, header_index, columns = found
    parsed.actions_sheet = sheet.name
    action_at, brag_at = columns[ACTION_HEADING], columns[BRAG_HEADING]
    progress_at = columns.get(PROGRESS_HEADING)
    previous: RatingCandidate | None = None
    for index in range(header_index + 1, len(sheet.rows)):
        row = sheet.rows[index]
        action_cell = _cell(row, action_at)
        number = action_number(action_cell)
        brag = text_of(_cell(row, brag_at))
        progress = _progress_text(_cell(row, progress_at))
        if not number:
            text = text_of(action_cell)
            if _not_an_action_row(text):
                continue  # the action before a page's key or repeated heading may go on after it
            if not text and not brag and progress and previous is not None:
                joined = f"{previous.progress}\n{progress}" if previous.progress else progress
                previous.progress_length += len(joined) - len(previous.progress)
                previous.progress = joined[:MAX_PROGRESS_CHARACTERS]
                continue
            if not brag and (text or not progress):
                if text:
                    previous = None  # a heading or note inside the table, such as "Measures that Matter"
                continue
            # Otherwise a rating, or progress, that names no action: kept, for the checks to refuse by its cell.
        elif not brag and not progress:
            previous = None
            continue  # an action left unrated this month
        candidate = RatingCandidate(
            number=number,
            action_text=text_of(action_cell)[:MAX_TYPED_TEXT],
            brag=brag[:MAX_TYPED_TEXT],
            progress=progress[:MAX_PROGRESS_CHARACTERS],
            progress_length=len(progress),
            typed_as_number=isinstance(action_cell, int | float) and not isinstance(action_cell, bool),
            sheet=sheet.name,
            row=index + 1,
            number_cell=_address(action_at, index),
            brag_cell=_address(brag_at, index),
            progress_cell=_address(progress_at, index) if progress_at is not None else "",
        )
        parsed.ratings.append(candidate)
        previous = candidate if number else None


def _not_an_action_row(text: str) -> bool:
    """Rows of the plan's own table that are not actions: the BRAG key printed on each page ("Key  Activity not
    yet due to start ...", whose last cell reads like a rating) and the heading row repeated after a page break."""
    lowered = text.lower()
    return lowered == ACTION_HEADING or lowered == "key" or lowered.startswith("key ")


def _progress_text(cell: object) -> str:
    """Progress as typed, each line trimmed and blank lines dropped (a cell's bullets stay one per line)."""
    if cell is None:
        return ""
    text = cell if isinstance(cell, str) else text_of(cell)
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _unread_sheet(name: str) -> Issue:
    """The warning for a sheet named Actions with something in it but no heading row with Action and BRAG."""
    what = (
        "this sheet has no heading row with Action and BRAG in its first rows, so no action's rating was read from it"
    )
    advice = (
        "If it rates the plan's actions, put back the template's headings (Action, Wording, Lead, Deadline, BRAG, "
        "Progress) and upload it again."
    )
    return Issue(
        "warning",
        "ignored-cell",
        f"Sheet ‘{name}’, cell A1: {what}. {advice}",
        name,
        "A1",
        detail=f"{what[0].upper()}{what[1:]}. {advice}",
    )
