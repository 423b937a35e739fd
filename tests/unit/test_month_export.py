"""The whole month's download built from hand-made inputs (no database): each figure rounded as the page shows it,
the verdicts in the pages' words, DRAFT on a month not published, and typed text kept as typed (the file's writer
makes it safe)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from measures.domain.plan import Action, Rating
from measures.views.month_export import DRAFT_WORDS, PLAN_COLUMNS, Publication, month_export, plan_row
from measures.views.overview import OverviewInputs, overview_model
from measures.views.plan import ActionRow, PlanView

# 3.1 (a percentage, one decimal place): 50/62 = 80.645...% in December, 53/62 = 85.483...% in January.
SERIES = pd.DataFrame(
    [
        ("3.1", "2022-11", 49, 62, 49 / 62 * 100, "ok", "", False),
        ("3.1", "2022-12", 50, 62, 50 / 62 * 100, "ok", "", False),
        ("3.1", "2023-01", 53, 62, 53 / 62 * 100, "ok", "", False),
        ("2.6", "2023-01", None, None, None, "tbc", "", False),
    ],
    columns=["ref", "period", "numerator", "denominator", "value", "status", "note", "synthetic"],
)


def _export(catalogue, publication: Publication):
    inputs = OverviewInputs(catalogue, "2023-01", ("2022-11", "2022-12", "2023-01"), SERIES)
    return month_export(
        overview_model(inputs),
        PlanView(None, (), ()),
        {},
        {"3.1": "=1+1 is what the team typed"},
        publication,
        "Herefordshire",
        date(2023, 2, 6),
    )


def _rows(table) -> dict[str, dict]:
    return {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}


def test_a_measure_row_holds_the_figures_rounded_and_worded_as_the_page_shows_them(catalogue):
    export = _export(catalogue, Publication(False, "Published on 3 February 2023 by Ada Admin.", "2 of 38 ..."))
    area = next(table for table in export.areas if table.name == "Area 3")
    row = _rows(area)["3.1"]
    assert (row["Figure Nov-22"], row["Figure Dec-22"], row["Figure Jan-23"]) == (79.0, 80.6, 85.5)
    assert (row["Numerator"], row["Denominator"], row["Value"], row["Previous month's value"]) == (53, 62, 85.5, 80.6)
    assert row["Figure as shown"] == "53/62 85.5%"
    assert (row["Direction"], row["Judgement"]) == ("up", "better")
    assert row["Change since last month"] == "Up 4.9 points, too few months to judge"  # 85.5 - 80.6, as shown
    assert row["Variation (SPC)"] == "Too few months to judge yet"
    assert row["Commentary"] == "=1+1 is what the team typed"  # as typed: the writer neutralises
    assert area.title == ("Area 3: Timeliness, as at January 2023", "Published on 3 February 2023 by Ada Admin.")
    assert area.row_decimals[list(_rows(area)).index("3.1")] == 1
    tbc = _rows(next(table for table in export.areas if table.name == "Area 2"))["2.6"]
    assert (tbc["Figure Jan-23"], tbc["Value"], tbc["Status"], tbc["Direction"]) == ("TBC", None, "tbc", "none")
    assert export.filename == "measures-that-matter-2023-01"
    assert [table.name for table in export.tables] == ["Headline", *(f"Area {n}" for n in range(1, 11)), "Plan"]
    assert len(export.measures.rows) == len(catalogue.measures)


def test_a_draft_month_says_draft_in_its_name_titles_headline_and_every_row(catalogue):
    export = _export(catalogue, Publication(True, DRAFT_WORDS, "1 of 38 measures has a figure for January 2023."))
    assert export.filename == "measures-that-matter-2023-01-DRAFT"
    assert all(table.title[0].startswith("DRAFT: January 2023 is not published") for table in export.tables)
    assert export.headline.rows[0] == ("DRAFT", "January 2023 is not published: these figures may change.")
    publication = export.measures.columns.index("Publication")
    assert {row[publication] for row in export.measures.rows} == {DRAFT_WORDS}


def _action(number: str, deadline: str) -> Action:
    return Action(
        number, 3, f"Action {number}", "Head of Service", deadline, "Spring", ("3.1",), "open", 1, "", None, ""
    )


def test_a_plan_row_holds_the_latest_rating_its_month_and_the_flags():
    red = Rating("3.1", "2022-12", "red", "=SUM(A1) was typed here", False, 1, "", None, "page")
    late = ActionRow(_action("3.1", "2022-11"), red, red, True, False, None, (), ())
    never = ActionRow(_action("3.2", "2023-06"), None, None, False, False, None, (), ())
    row = dict(zip(PLAN_COLUMNS, plan_row(late), strict=True))
    assert (row["BRAG"], row["BRAG meaning"], row["Rated in"]) == ("Red", "Not on track and at risk", "2022-12")
    assert (row["Overdue"], row["Stalled"], row["Progress update"]) == ("yes", "", "=SUM(A1) was typed here")
    unrated = dict(zip(PLAN_COLUMNS, plan_row(never), strict=True))
    assert (unrated["BRAG"], unrated["BRAG meaning"], unrated["Rated in"]) == ("", "Not recorded", "")
