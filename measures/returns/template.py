"""The blank monthly return (`python -m measures template`): an Excel workbook officers fill in and upload.

Sheets, in order:

- `Return` (first and active): the header `Ref, Measure, Team, Period, Numerator, Denominator, Value, Status,
  Note`, one pre-filled row per catalogue measure for the whole service, drop-down lists on Ref, Team and
  Status, and grey Numerator/Denominator cells where a measure has no counts.
- `Actions` (when the plan has open actions): one row per open improvement-plan action, its number, wording,
  lead and deadline (grey and locked: for reference), a BRAG drop-down list and Progress, for the return's month.
- `Guidance`: how to fill the return in, what each column means, and every measure with its unit, what good
  looks like, target and counts.
- `Benchmarks` and `Commentary`: optional sheets that import too (header only).
- `Lists` (hidden): the refs, teams and statuses the drop-down lists read.

Every piece of text goes through `neutralise`, so a title starting with '=' stays text, never a formula.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from measures.domain.catalogue import Catalogue, Measure
from measures.domain.council import load_council
from measures.domain.periods import is_period, long_label, make_period, parse_period
from measures.domain.plan import Action, action_sort_key, brag_label, parse_brag
from measures.returns.action_checks import BRAG_CHOICES
from measures.returns.actions_sheet import ACTIONS_SHEET
from measures.returns.export import RETURN_HEADER, RETURN_SHEET, neutralise
from measures.storage.output_files import workbook_bytes, write_whole

GUIDANCE_SHEET = "Guidance"
BENCHMARKS_SHEET = "Benchmarks"
BENCHMARKS_HEADER = ("ref", "year", "comparator", "value")
COMMENTARY_SHEET = "Commentary"
COMMENTARY_HEADER = ("ref", "period", "text")
LISTS_SHEET = "Lists"
LISTS_HEADER = ("Measure refs", "Teams", "Statuses", "BRAG ratings")
ACTIONS_HEADER = ("Action", "Wording", "Lead", "Deadline", "BRAG", "Progress")
NO_DEADLINE = "None in the plan"
STATUSES = ("OK", "TBC", "NEW", "N/A", "SUPPRESSED")
VALIDATED_ROWS = 1000
_CHOICE_KEYS = tuple(
    parse_brag(choice) or "" for choice in BRAG_CHOICES
)  # drop-down lists apply to rows 2..VALIDATED_ROWS of the Return sheet

TEXT_FORMAT = "@"
COUNT_FORMAT = "0"
VALUE_FORMAT = "0.0"
NOT_APPLICABLE_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")

# Return sheet: column letter -> (width, number format of the column)
_RETURN_COLUMNS = {
    "A": (8, TEXT_FORMAT),  # Ref
    "B": (60, None),  # Measure
    "C": (28, None),  # Team
    "D": (10, TEXT_FORMAT),  # Period
    "E": (12, COUNT_FORMAT),  # Numerator
    "F": (13, COUNT_FORMAT),  # Denominator
    "G": (10, VALUE_FORMAT),  # Value
    "H": (9, None),  # Status
    "I": (45, None),  # Note
}
_GUIDANCE_WIDTHS = {"A": 13, "B": 55, "C": 20, "D": 20, "E": 24, "F": 32, "G": 32, "H": 70}

_UNIT_WORDS = {
    "count": "Number",
    "percent": "Percentage (0 to 100)",
    "average": "Average",
    "rate": "Rate",
}
_POLARITY_WORDS = {"higher": "Higher is better", "lower": "Lower is better", "none": "Not stated"}


def default_teams() -> tuple[str, ...]:
    """Return the teams a new return offers when the database has no team figures yet: the council file's
    teams. Raises CouncilError if the council file is invalid."""
    return load_council().teams


def write_template(
    catalogue: Catalogue,
    out: str | os.PathLike[str],
    period: str | None = None,
    teams: Sequence[str] | None = None,
    neighbours: Sequence[str] = (),
    actions: Sequence[Action] = (),
) -> Path:
    """Write the blank monthly return workbook to `out`, pre-filled with one row per measure for `period`.

    `period` is a month 'YYYY-MM' written as text in every row's Period cell; None leaves Period blank for
    the officer to fill. `teams` are the choices of the Team drop-down list (blank Team = whole service);
    None offers `default_teams()`. `neighbours` are the council's statistical neighbours, closest first, named
    in the guidance of the Benchmarks sheet (none: the guidance asks for authorities as DfE's code list names
    them). `actions` are the improvement plan's current actions: the open ones get a row each on the Actions
    sheet (none open: no Actions sheet).

    Returns the path written. Raises ValueError if `period` is not a 'YYYY-MM' month, and OSError if the
    file cannot be written (for example a missing folder or no permission).
    """
    period_text = None if period is None else make_period(*parse_period(period))
    teams = default_teams() if teams is None else teams
    workbook = Workbook()
    workbook.properties.title = "Measures that Matter: monthly return"
    workbook.properties.creator = "Measures that Matter"

    lists = _write_lists(workbook, catalogue, teams)
    return_sheet = workbook.active
    assert isinstance(return_sheet, Worksheet)  # a new workbook opens on its one blank worksheet
    _write_return(return_sheet, catalogue, period_text, lists)
    open_actions = sorted((a for a in actions if not a.closed), key=lambda a: action_sort_key(a.number))
    if open_actions:
        _write_actions(workbook.create_sheet(ACTIONS_SHEET), open_actions, period_text, lists["E"])
    _write_guidance(
        workbook.create_sheet(GUIDANCE_SHEET), catalogue, period_text, teams, neighbours, bool(open_actions)
    )
    _write_header_only(workbook.create_sheet(BENCHMARKS_SHEET), BENCHMARKS_HEADER, (8, 10, 26, 10), (0, 1))
    _write_header_only(workbook.create_sheet(COMMENTARY_SHEET), COMMENTARY_HEADER, (8, 10, 90), (0, 1))
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames) - 1 - workbook.sheetnames.index(LISTS_SHEET))
    workbook.active = 0

    return write_whole(out, workbook_bytes(workbook))


def _write_lists(workbook: Workbook, catalogue: Catalogue, teams: Sequence[str]) -> dict[str, str]:
    """Fill the hidden Lists sheet; return the drop-down formula of each Return column that has one."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    columns = (
        ("A", [measure.ref for measure in catalogue.measures]),
        ("B", list(teams)),
        ("C", list(STATUSES)),
        ("D", list(BRAG_CHOICES)),
    )
    formulas = {}
    # The key is the column each list serves: Return's A, C and H, and the Actions sheet's BRAG ("E").
    for (letter, values), header, return_column in zip(columns, LISTS_HEADER, ("A", "C", "H", "E"), strict=True):
        sheet[f"{letter}1"] = header
        sheet[f"{letter}1"].font = BOLD
        sheet.column_dimensions[letter].width = 30
        for row, value in enumerate(values, start=2):
            cell = sheet[f"{letter}{row}"]
            cell.value = neutralise(str(value))
            cell.number_format = TEXT_FORMAT
        if values:
            formulas[return_column] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return formulas


def _style_header(sheet: Worksheet, header: Sequence[str]) -> None:
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column, value=neutralise(title))
        cell.font = BOLD
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"


def _write_return(sheet: Worksheet, catalogue: Catalogue, period: str | None, lists: dict[str, str]) -> None:
    sheet.title = RETURN_SHEET
    _style_header(sheet, RETURN_HEADER)
    for letter, (width, number_format) in _RETURN_COLUMNS.items():
        sheet.column_dimensions[letter].width = width
        if number_format:
            # A column style: cells the officer adds below the pre-filled rows take the same format.
            sheet.column_dimensions[letter].number_format = number_format

    for row, measure in enumerate(catalogue.measures, start=2):
        ref = sheet.cell(row=row, column=1, value=neutralise(measure.ref))
        ref.number_format = TEXT_FORMAT
        sheet.cell(row=row, column=2, value=neutralise(measure.title))
        period_cell = sheet.cell(row=row, column=4, value=period)
        period_cell.number_format = TEXT_FORMAT
        for column in (5, 6):
            cell = sheet.cell(row=row, column=column)
            cell.number_format = COUNT_FORMAT
            if not measure.counts:
                cell.fill = NOT_APPLICABLE_FILL
        sheet.cell(row=row, column=7).number_format = VALUE_FORMAT

    last_row = len(catalogue.measures) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(RETURN_HEADER))}{last_row}"

    validations = (
        (
            "A",
            False,
            "Measure ref",
            "Choose the measure's ref from the list, e.g. 3.1. The Guidance sheet lists every measure.",
            "Not a measure ref",
            "Choose a measure ref from the list, e.g. 3.1.",
        ),
        (
            "C",
            True,
            "Team",
            "Leave blank for the whole service, or choose a team from the list.",
            "Not a team",
            "Choose a team from the list, or leave Team blank for the whole service.",
        ),
        (
            "H",
            True,
            "Status",
            "Leave blank (or OK) for a figure. TBC: to be confirmed. NEW: a new measure with no data yet. N/A: not "
            "applicable. SUPPRESSED: a small number not published.",
            "Not a status",
            "Choose OK, TBC, NEW, N/A or SUPPRESSED, or leave Status blank (blank means OK).",
        ),
    )
    for letter, allow_blank, prompt_title, prompt, error_title, error in validations:
        if letter not in lists:
            continue  # nothing to choose from (an empty catalogue or no teams): no drop-down
        validation = DataValidation(
            type="list",
            formula1=lists[letter],
            allow_blank=allow_blank,
            showDropDown=False,  # False shows the in-cell arrow (the OOXML attribute is inverted)
            showInputMessage=True,
            showErrorMessage=True,
            errorStyle="stop",
            promptTitle=prompt_title,
            prompt=prompt,
            errorTitle=error_title,
            error=error,
        )
        validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(validation)


# Actions sheet: column letter -> width. Action, Wording, Lead and Deadline are the plan's (grey, locked).
_ACTIONS_WIDTHS = {"A": 9, "B": 70, "C": 32, "D": 16, "E": 14, "F": 70}
_ACTIONS_FILLED_IN = ("E", "F")


def _write_actions(sheet: Worksheet, actions: Sequence[Action], period: str | None, brag_list: str) -> None:
    """One row per open action: its number, wording, lead and deadline for reference (grey, and locked by the
    sheet's protection, which has no password: it guards against slips, not people), BRAG from a drop-down list
    of the plan's key and Progress, the only cells to fill in."""
    _style_header(sheet, ACTIONS_HEADER)
    for letter, width in _ACTIONS_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["A"].number_format = TEXT_FORMAT  # 2.10 typed as a number would read 2.1
    for row, action in enumerate(actions, start=2):
        deadline = action.deadline_text or (long_label(action.deadline) if is_period(action.deadline) else NO_DEADLINE)
        for column, value in enumerate((action.number, action.text, action.lead, deadline), start=1):
            cell = sheet.cell(row=row, column=column, value=neutralise(value))
            cell.number_format = TEXT_FORMAT
            cell.fill = NOT_APPLICABLE_FILL
            cell.alignment = WRAP
        for letter in _ACTIONS_FILLED_IN:
            cell = sheet[f"{letter}{row}"]
            cell.protection = Protection(locked=False)
            cell.alignment = WRAP
    last_row = len(actions) + 1
    month = f" for {long_label(period)}" if period else " for the return's month"
    validation = DataValidation(
        type="list",
        formula1=brag_list,
        allow_blank=True,
        showDropDown=False,  # False shows the in-cell arrow (the OOXML attribute is inverted)
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="stop",
        promptTitle="BRAG rating",
        prompt=f"The action's rating{month}: Blue, Green, Amber, Red or Not yet due. Leave it blank if not rated.",
        errorTitle="Not a BRAG rating",
        error="Choose Blue, Green, Amber, Red or Not yet due, or leave BRAG blank.",
    )
    validation.add(f"E2:E{last_row}")
    sheet.add_data_validation(validation)
    sheet.protection.sheet = True
    # Officers may still widen columns and rows and sort or filter: only the plan's own cells are locked.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.auto_filter.ref = f"A1:F{last_row}"


def _unit_words(measure: Measure) -> str:
    if measure.unit == "percent" and measure.counts:
        return "Number and % (give numerator and denominator)"
    return _UNIT_WORDS.get(measure.unit, str(measure.unit))


def _polarity_words(measure: Measure) -> str:
    if measure.polarity == "range":
        band = measure.band
        return f"Within {band[0]:g} to {band[1]:g}" if band else "Within the target band"
    return _POLARITY_WORDS.get(measure.polarity, "Not stated")


def _write_guidance(
    sheet: Worksheet,
    catalogue: Catalogue,
    period: str | None,
    teams: Sequence[str],
    neighbours: Sequence[str],
    with_actions: bool = False,
) -> None:
    council = load_council()
    for letter, width in _GUIDANCE_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    row = 1

    def line(text: str, font: Font | None = None) -> None:
        nonlocal row
        cell = sheet.cell(row=row, column=1, value=neutralise(text))
        if font is not None:
            cell.font = font
        row += 1

    def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        nonlocal row
        for column, title in enumerate(header, start=1):
            cell = sheet.cell(row=row, column=column, value=neutralise(title))
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = WRAP
        row += 1
        for values in rows:
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=neutralise(value))
                cell.number_format = TEXT_FORMAT
                cell.alignment = WRAP
            row += 1
        row += 1

    example_period = period or "2023-02"
    example_team = teams[0] if teams else "Assessment Team 1"

    line("Measures that Matter: the monthly return", TITLE_FONT)
    if period:
        line(f"This return is set up for {long_label(period)} ({period}).")
    else:
        line("No month is filled in: type the month in the Period column of each row (for example 2023-02).")
    row += 1

    line("How to fill in the Return sheet", HEADING_FONT)
    for text in (
        "One row for each measure, month and team. Every measure has a row already, for the whole service.",
        "Leave Team blank for the whole service. For a team's figure, add a row with the same Ref and Period and "
        "choose the team.",
        "Period is the month the figures are for: type it as YYYY-MM, such as 2023-02 (the column keeps it as "
        "text), or give an Excel date in that month.",
        'For a "Number and %" measure, give the Numerator and Denominator and leave Value blank: the % is worked '
        "out for you.",
        "Numerator and Denominator are shaded grey where a measure has no counts: leave them blank and give the Value.",
        "A percentage is 0 to 100: type 39.5, or 39.5% in a cell formatted as a percentage (both are read as "
        "39.5%). A number such as 0.61 in a cell not formatted as a percentage is stored as 0.61%, with a warning.",
        "If a figure is to be confirmed, put TBC in Status; for a new measure with no data yet, put NEW. Leave "
        "its figures blank: never 0.",
        "If the measure does not apply this month, put N/A in Status; if the figure is a small number that must "
        "not be published, put SUPPRESSED. Leave the figures blank. Neither is ever shown or counted as 0.",
        "The markers official statistics use are understood too, in Status or in the figure's own cell: n/a, na, "
        "-, x, z, .. (not applicable or not available) and *, c (suppressed: a small number).",
        "Type dates the UK way, day first: 01/02/2023 is February 2023.",
        "Status blank means OK.",
        "A blank cell never deletes a figure already stored. To correct a figure, upload the right number.",
        "Anything in the Note column is kept with the figure: say there what a reader should know about it.",
        "Do not rename the sheets or change the header row.",
    ):
        line(f"• {text}")
    row += 1

    line("The columns of the Return sheet", HEADING_FONT)
    table(
        ("Column", "What to enter", "Example"),
        (
            ("Ref", "The measure's ref, chosen from the list. It decides which measure the figures are for.", "3.1"),
            (
                "Measure",
                "The measure's title, to help you find the row. You do not need to change it.",
                "Number and % of child and family assessments ...",
            ),
            ("Team", "Blank for the whole service, or a team chosen from the list.", example_team),
            ("Period", "The month: YYYY-MM, or an Excel date in that month.", example_period),
            ("Numerator", 'For a "Number and %" measure: how many met the measure (a whole number).', "42"),
            ("Denominator", 'For a "Number and %" measure: how many there were in all (a whole number).', "108"),
            (
                "Value",
                "The figure in the measure's unit (a percentage is 0 to 100). Leave blank when you give "
                "Numerator and Denominator.",
                "17.2",
            ),
            (
                "Status",
                "Blank or OK for a figure; TBC if it is to be confirmed; NEW for a new measure with no data "
                "yet; N/A if it does not apply this month; SUPPRESSED for a small number that is not published.",
                "TBC",
            ),
            (
                "Note",
                "Anything a reader should know about this figure. It is kept with the figure.",
                "Two assessments were recorded late.",
            ),
        ),
    )

    if with_actions:
        line("The Actions sheet: the improvement plan's actions", HEADING_FONT)
        month = long_label(period) if period else "the return's month (the latest month of its figures)"
        for text in (
            f"One row for each open action of the improvement plan. The ratings are for {month}.",
            "Action, Wording, Lead and Deadline are the plan's, for reference: they are grey and cannot be changed "
            "here (an administrator changes the plan itself).",
            "BRAG: choose the action's rating from the list. Leave it blank if the action is not rated this month.",
            *(f"   {name}: {brag_label(key)}." for name, key in zip(BRAG_CHOICES, _CHOICE_KEYS, strict=True)),
            "Progress: what has happened this month. A Red or Amber rating needs it: say what is holding the action "
            "up and what is being done.",
            "Each action once. A closed action is not listed and cannot be rated.",
        ):
            line(text)
        row += 1

    line("The Benchmarks sheet (optional)", HEADING_FONT)
    for text in (
        "Comparator figures for a measure, one row per measure, year and comparator. Leave it empty if you have "
        "none to add.",
        "ref: the measure's ref, e.g. 3.1.   year: the year the figure is for, e.g. 2021-22.",
        f"comparator: {', '.join((council.england, council.region, council.neighbours_average))}, or one "
        "statistical neighbour by name as DfE's list of local authorities writes it" + (":" if neighbours else "."),
        *([f"{', '.join(neighbours)}."] if neighbours else []),
        "value: in the measure's unit; a percentage is 0 to 100 (type 87 for 87%).",
    ):
        line(text)
    row += 1

    line("The Commentary sheet (optional)", HEADING_FONT)
    for text in (
        "Words about a measure for a month, kept with its figures. One row per measure and month.",
        "ref: the measure's ref, e.g. 3.1.   period: the month, YYYY-MM such as 2023-02.   text: the commentary.",
    ):
        line(text)
    row += 1

    line("The measures", HEADING_FONT)
    table(
        ("Ref", "Measure", "Unit", "Good looks like", "Target", "Numerator", "Denominator", "Notes"),
        [
            (
                measure.ref,
                measure.title,
                _unit_words(measure),
                _polarity_words(measure),
                measure.target.describe() if measure.target is not None else "None stated",
                measure.numerator_label if measure.counts else "Not used",
                measure.denominator_label if measure.counts else "Not used",
                measure.source_note,
            )
            for measure in catalogue.measures
        ],
    )


def _write_header_only(
    sheet: Worksheet, header: Sequence[str], widths: Sequence[int], text_columns: Sequence[int]
) -> None:
    _style_header(sheet, header)
    for index, width in enumerate(widths):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = width
        if index in text_columns:
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
