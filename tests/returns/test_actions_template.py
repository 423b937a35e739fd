"""The template's Actions sheet: one row per open action of the plan, the plan's own cells grey and locked, a BRAG
drop-down list of the key's words, and a filled-in template that imports its ratings."""

from __future__ import annotations

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from measures.domain.plan import Action
from measures.returns import import_return
from measures.returns.template import ACTIONS_HEADER, LISTS_SHEET, NOT_APPLICABLE_FILL, write_template
from measures.storage.plan import add_action, close_action, current_actions, plan_ratings
from tests.returns.builders import TODAY, describe

FEBRUARY = "2023-02"
HOSTILE_TEXT = '=HYPERLINK("http://example.invalid","Click me")'


def _action(
    number: str, text: str = "", state: str = "open", deadline_text: str = "", deadline: str = "2023-03"
) -> Action:
    return Action(
        number=number,
        area=int(number.split(".")[0]),
        text=text or f"Action {number} wording",
        lead="Principal Social Worker (PSW)",
        deadline=deadline,
        deadline_text=deadline_text,
        measures=(),
        state=state,
        version=1,
        actor="ann",
        at=None,
        reason="",
    )


@pytest.fixture
def template(catalogue, tmp_path):
    actions = [
        _action("3.10", deadline_text="Spring 2023"),
        _action("2.4", text=HOSTILE_TEXT),
        _action("1.5", state="closed"),
        _action("3.2"),
        _action("7.4", deadline=""),  # the plan gives 7.4 no deadline
    ]
    return write_template(catalogue, tmp_path / "return.xlsx", period=FEBRUARY, teams=(), actions=actions)


def _rows(path, sheet):
    return CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python()


def test_one_row_per_open_action_in_the_plans_order_after_the_return_sheet(template):
    assert CalamineWorkbook.from_path(template).sheet_names[:2] == ["Return", "Actions"]
    rows = _rows(template, "Actions")
    assert tuple(rows[0]) == ACTIONS_HEADER
    assert [row[0] for row in rows[1:]] == ["2.4", "3.2", "3.10", "7.4"]  # 1.5 is closed; 3.10 after 3.2
    assert rows[3][3] == "Spring 2023"  # the deadline as published
    assert rows[2][3] == "March 2023"  # worded from the month when the plan gave no words
    assert rows[1][2] == "Principal Social Worker (PSW)"
    assert rows[4][3] == "None in the plan"
    assert all(row[4] == "" and row[5] == "" for row in rows[1:])  # BRAG and Progress are to fill in


def test_the_plans_cells_are_grey_and_locked_and_only_brag_and_progress_open(template):
    sheet = openpyxl.load_workbook(template)["Actions"]
    assert sheet.protection.sheet
    for row in range(2, 5):
        for letter in "ABCD":
            cell = sheet[f"{letter}{row}"]
            assert cell.protection.locked and cell.fill.start_color.rgb == NOT_APPLICABLE_FILL.start_color.rgb
        assert not sheet[f"E{row}"].protection.locked and not sheet[f"F{row}"].protection.locked
    assert sheet["B2"].value == "'" + HOSTILE_TEXT  # text, never a live formula
    assert sheet["B2"].data_type == "s"


def test_brag_offers_the_keys_words_from_a_list(template):
    workbook = openpyxl.load_workbook(template)
    validations = {str(v.sqref): v for v in workbook["Actions"].data_validations.dataValidation}
    brag = validations["E2:E5"]
    assert brag.type == "list" and brag.showErrorMessage
    listed = [row[3] for row in _rows(template, LISTS_SHEET)[1:] if len(row) > 3 and row[3]]
    assert listed == ["Blue", "Green", "Amber", "Red", "Not yet due"]
    assert brag.formula1 == f"{LISTS_SHEET}!$D$2:$D$6"


def test_without_open_actions_there_is_no_actions_sheet(catalogue, tmp_path):
    path = write_template(
        catalogue, tmp_path / "plain.xlsx", period=FEBRUARY, teams=(), actions=[_action("1.5", state="closed")]
    )
    assert "Actions" not in CalamineWorkbook.from_path(path).sheet_names


def test_a_filled_in_template_imports_its_ratings(engine, catalogue, tmp_path):
    for number in ("2.4", "3.2", "9.1"):
        add_action(
            engine,
            number=number,
            area=int(number.split(".")[0]),
            text=f"Action {number}",
            lead="Lead",
            deadline="2023-03",
            deadline_text="",
            measures=(),
            actor="ann",
            reason="As published",
        )
    close_action(engine, "9.1", actor="ann", reason="Merged into 9.2")
    path = write_template(
        catalogue, tmp_path / "return.xlsx", period=FEBRUARY, teams=(), actions=current_actions(engine)
    )
    workbook = openpyxl.load_workbook(path)
    actions = workbook["Actions"]
    assert [actions[f"A{row}"].value for row in (2, 3)] == ["2.4", "3.2"]
    actions["E2"], actions["F2"] = "Amber", "Panel dates moved to March"
    actions["E3"] = "Blue"
    workbook["Return"]["E10"], workbook["Return"]["F10"] = 236, 304  # 3.1's counts
    assert workbook["Return"]["A10"].value == "3.1"
    workbook.save(path)
    report = import_return(engine, path, user="olive", today=TODAY)
    assert report.status == "imported", describe(report)
    assert report.rating_counts == {"ratings": 2, "added": 2, "revised": 0, "unchanged": 0}
    ratings = plan_ratings(engine)
    assert (ratings["2.4"][FEBRUARY].brag, ratings["2.4"][FEBRUARY].progress) == ("amber", "Panel dates moved to March")
    assert ratings["3.2"][FEBRUARY].brag == "blue"


def test_the_template_command_lists_the_demo_plans_open_actions(demo_engine, tmp_path, monkeypatch):
    from measures.cli.main import main

    monkeypatch.setenv("MEASURES_DB_URL", demo_engine.url.render_as_string(hide_password=False))
    out = tmp_path / "return.xlsx"
    assert main(["template", "--period", FEBRUARY, "--out", str(out)]) == 0
    open_numbers = [action.number for action in current_actions(demo_engine) if not action.closed]
    rows = _rows(out, "Actions")
    assert [row[0] for row in rows[1:]] == open_numbers and len(open_numbers) > 50
    guidance = " ".join(str(cell) for row in _rows(out, "Guidance") for cell in row)
    assert "The ratings are for February 2023." in guidance
    assert "Blue: Completed (impact to be tested)." in guidance
