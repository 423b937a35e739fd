"""Reading the Actions sheet's rows, before the plan is consulted: which rows are ratings, where each came from,
and which rows of the plan's own table are not actions."""

from __future__ import annotations

from measures.returns.actions_sheet import action_number, parse_actions
from measures.returns.candidates import MAX_PROGRESS_CHARACTERS, ParsedReturn
from measures.returns.workbook import Sheet

TEMPLATE_HEADER = ["Action", "Wording", "Lead", "Deadline", "BRAG", "Progress"]
PLAN_HEADER = ["Action", "Lead", "Deadline", "Progress", "BRAG"]


def _read(*sheets: Sheet) -> ParsedReturn:
    parsed = ParsedReturn()
    parse_actions(list(sheets), parsed)
    return parsed


def test_action_numbers_as_officers_write_them():
    assert action_number("2.4") == "2.4"
    assert action_number("3.10 Deliver the training") == "3.10"
    assert action_number("2.4. Review") == "2.4"
    assert action_number("Action 2.4") == "2.4"
    assert action_number(2.4) == "2.4"
    assert action_number("Review the strategy") == ""
    assert action_number("2.4x") == ""
    assert action_number("12.4.1") == ""
    assert action_number(None) == ""


def test_the_template_sheet_rows_and_their_cells():
    sheet = Sheet(
        "Actions",
        [
            TEMPLATE_HEADER,
            ["2.4", "Review the service", "Head", "March 2023", "Green", " On track \n\n  Panel booked  "],
            ["3.1", "Train", "PSW", "March 2023", None, None],  # not rated this month
            [None, None, None, None, None, "Progress under an unrated action"],
            ["3.2", None, None, None, "Red", None],
        ],
    )
    parsed = _read(sheet)
    assert parsed.actions_sheet == "Actions"
    assert [(c.number, c.brag, c.progress, c.row) for c in parsed.ratings] == [
        ("2.4", "Green", "On track\nPanel booked", 2),
        ("", "", "Progress under an unrated action", 4),  # names no action: the checks refuse it by its cell
        ("3.2", "Red", "", 5),
    ]
    first = parsed.ratings[0]
    assert (first.number_cell, first.brag_cell, first.progress_cell) == ("A2", "E2", "F2")
    assert parsed.ratings[1].number_cell == "A4"


def test_the_plans_own_table_skips_its_key_headings_and_notes_and_mends_a_page_break():
    sheet = Sheet(
        "Improvement plan",
        [
            ["1: Corporate responsibility"],
            PLAN_HEADER,
            ["2.4 Review the Fostering Service", "Head of Service", "March 2023", "Recruitment underway", "Amber"],
            ["Key", "Activity Not yet due to start", None, None, "Activity completed (impact to be tested)"],
            [None, None, None, "Foster Care whole service event scheduled", None],
            PLAN_HEADER,
            ["2.5 Review our Sufficiency Strategy", "Service Director", "March 2023", None, "Green"],
            ["Expected Outcomes (how we will know)", "More foster carers", None, None, None],
            [None, None, None, "Not a continuation: a note after the outcomes", None],
        ],
    )
    parsed = _read(Sheet("Return", [["Ref", "Period", "Value"]]), sheet)
    assert parsed.actions_sheet == "Improvement plan"
    assert [(c.number, c.brag, c.progress) for c in parsed.ratings] == [
        ("2.4", "Amber", "Recruitment underway\nFoster Care whole service event scheduled"),
        ("2.5", "Green", ""),
        ("", "", "Not a continuation: a note after the outcomes"),
    ]


def test_a_sheet_named_actions_comes_first_and_long_text_is_kept_short_with_its_length():
    plan_table = Sheet("Plan", [PLAN_HEADER, ["1.1 Allocate", "Director", "October 2022", "Done", "Blue"]])
    huge = "x" * (MAX_PROGRESS_CHARACTERS + 500)
    actions = Sheet("actions ", [TEMPLATE_HEADER, ["2.4", None, None, None, "y" * 1000, huge]])
    parsed = _read(plan_table, actions)
    assert parsed.actions_sheet == "actions "
    (only,) = parsed.ratings
    assert len(only.progress) == MAX_PROGRESS_CHARACTERS and only.progress_length == MAX_PROGRESS_CHARACTERS + 500
    assert len(only.brag) == 200


def test_no_sheet_with_the_headings_reads_nothing():
    assert _read(Sheet("Return", [["Ref", "Period", "Value"], ["3.1", "2023-02", 5]])).ratings == []
    unread = _read(Sheet("Actions", [["Number", "Rating"], ["2.4", "Green"]]))
    assert unread.ratings == [] and [issue.code for issue in unread.issues] == ["ignored-cell"]
