"""The improvement plan file `data/plan/improvement-plan.csv`: every action of the ten areas, whole, as published."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from measures.domain.periods import MONTH_ABBREVIATIONS, MONTH_NAMES, is_period, make_period

PLAN_FILE = Path(__file__).resolve().parents[2] / "data" / "plan" / "improvement-plan.csv"
COLUMNS = ["number", "area", "text", "lead", "deadline_text", "deadline", "progress", "measures"]

# Actions per area, counted in the plan's tables (Herefordshire Children's Services Improvement Plan, Children and
# Young People Scrutiny Committee papers of 13 December 2022, "Areas for Improvement" 1 to 10): 1.1-1.9, 2.1-2.5,
# 3.1-3.8, 4.1-4.5, 5.1-5.8, 6.1-6.5, 7.1-7.5, 8.1-8.6, 9.1-9.5, 10.1-10.6.
ACTIONS_PER_AREA = {1: 9, 2: 5, 3: 8, 4: 5, 5: 8, 6: 5, 7: 5, 8: 6, 9: 5, 10: 6}

# The one action the plan gives no deadline (its Deadline cell is empty).
NO_DEADLINE = {"7.4"}

# The last month of a meteorological season, the month by the end of which "Spring 2023" is due.
SEASON_END_MONTH = {"spring": 5, "summer": 8, "autumn": 11}


def deadline_month(deadline_text: str) -> str:
    """The README's rule: a month (written out or in three letters) is that month; a season is its last month."""
    word, year = deadline_text.split()
    word = word.lower()
    months = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
    months.update({name.lower(): number for number, name in enumerate(MONTH_ABBREVIATIONS, start=1)})
    month = months.get(word) or SEASON_END_MONTH[word]
    return make_period(int(year), month)


def read_plan() -> list[dict[str, str]]:
    with PLAN_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    for row in rows:
        assert None not in row, f"{row['number']} has more cells than the header"
        assert all(value is not None for value in row.values()), f"{row['number']} has fewer cells than the header"
    return rows


@pytest.fixture(scope="module")
def plan() -> list[dict[str, str]]:
    return read_plan()


@pytest.fixture(scope="module")
def by_number(plan) -> dict[str, dict[str, str]]:
    return {row["number"]: row for row in plan}


@pytest.mark.parametrize(
    ("typed", "month"),
    [("October 2022", "2022-10"), ("Feb 2023", "2023-02"), ("Spring 2023", "2023-05"), ("January 2022", "2022-01")],
)
def test_the_deadline_rule_on_hand_worked_examples(typed, month):
    assert deadline_month(typed) == month


def test_every_number_is_unique_and_in_its_area(plan):
    numbers = [row["number"] for row in plan]
    assert len(numbers) == len(set(numbers))
    for row in plan:
        assert re.fullmatch(r"([1-9]|10)\.[1-9][0-9]?", row["number"]), row["number"]
        assert row["number"].split(".")[0] == row["area"], row["number"]


def test_each_area_has_the_plans_actions_numbered_in_order(plan):
    assert Counter(int(row["area"]) for row in plan) == ACTIONS_PER_AREA
    expected = [f"{area}.{n}" for area, count in ACTIONS_PER_AREA.items() for n in range(1, count + 1)]
    assert [row["number"] for row in plan] == expected


def test_no_cell_keeps_the_documents_markup_or_page_furniture(plan):
    for row in plan:
        for column in COLUMNS:
            value = row[column]
            assert not re.search(r"<[^>]*>|•|&[a-z]+;", value), (row["number"], column, value)
            assert "Activity Not yet due to start" not in value, (row["number"], column)
            for line in value.split("\n"):
                assert line == line.strip() and "  " not in line, (row["number"], column, line)
            if column != "progress":
                assert "\n" not in value, (row["number"], column)


def test_every_action_has_its_text_lead_and_progress(plan):
    for row in plan:
        assert row["text"] and row["lead"] and row["progress"], row["number"]
        assert row["text"][0].isupper(), row["number"]
        assert all(row["progress"].split("\n")), f"{row['number']} has an empty progress bullet"


def test_no_lead_is_cut_by_a_page_break(plan):
    # A lead split across pages leaves a bracket open ("Head of Service (Fostering,") or a word twice.
    for row in plan:
        lead = row["lead"]
        assert lead.count("(") == lead.count(")"), (row["number"], lead)
        assert not lead.endswith((",", "’s", "'s")), (row["number"], lead)
        assert not re.search(r"\b(\w+\)?) \1", lead), (row["number"], lead)


@pytest.mark.parametrize(
    ("number", "column", "expected"),
    [
        ("3.4", "lead", "Head of Service (Fostering, Adoption & Placements)"),
        (
            "5.4",
            "lead",
            "Service Director (Safeguarding and Family Support) & Detective Superintendent, West Mercia Police",
        ),
        ("9.5", "lead", "Herefordshire Safeguarding Children’s Partnership, Independent Scrutineer"),
        ("10.4", "lead", "Service Director (Education, Skills and Learning)"),
        (
            "9.5",
            "text",
            "Work collaboratively with other agencies across the safeguarding partnership to develop and publish a "
            "quarterly multi-agency data set to safeguard children and young people.",
        ),
        (
            "6.3",
            "text",
            "Increase the leadership and management oversight for any child placed in an unregistered setting and "
            "publish revised guidance for our staff to ensure there is a clear understanding of what is a placement "
            "unregulated by Ofsted and what is an unregistered placement.",
        ),
        (
            "4.4",
            "text",
            "Develop, revise and launch our practice model to emphasise the importance of relationships, respect and "
            "restorative practice for how we will work with children, young people and parents/carers, especially "
            "where this may not have been their experience previously.",
        ),
    ],
)
def test_rows_split_by_a_page_break_are_whole(by_number, number, column, expected):
    assert by_number[number][column] == expected


@pytest.mark.parametrize(
    ("number", "bullets", "last"),
    [
        ("2.4", 4, "Foster Care whole service event scheduled for 21.11.22"),
        ("3.4", 2, "promotional campaign and learning event under development"),
        ("3.6", 8, "Report to HSCP scheduled for December 2022"),
        (
            "5.4",
            3,
            "Audit activity October 2022 indicated delays still evident in other teams elsewhere in the service",
        ),
        ("6.3", 4, "Revised guidance to be issued January 2023"),
        ("7.3", 3, "Scope of resource options to address legacy, current and new demands for April 2023"),
        ("10.4", 2, "Draft to be presented to partnership group in the autumn term"),
        ("1.1", 3, "New Improvement Director appointed"),
    ],
)
def test_progress_keeps_every_bullet_across_page_breaks(by_number, number, bullets, last):
    lines = by_number[number]["progress"].split("\n")
    assert len(lines) == bullets
    assert lines[-1] == last


def test_a_bullet_running_over_a_page_break_is_one_bullet(by_number):
    assert (
        "Sub Group recommendation for the ‘Get Safe’ model and ‘Get Safe Plus to support children as victims of "
        "exploitation." in by_number["3.6"]["progress"].split("\n")
    )


def test_every_deadline_is_the_month_its_published_words_give(plan):
    for row in plan:
        if row["number"] in NO_DEADLINE:
            assert row["deadline_text"] == "" and row["deadline"] == "", row["number"]
            continue
        assert is_period(row["deadline"]), (row["number"], row["deadline"])
        assert deadline_month(row["deadline_text"]) == row["deadline"], row["number"]


def test_only_the_action_without_a_published_deadline_has_none(plan):
    assert {row["number"] for row in plan if not row["deadline_text"]} == NO_DEADLINE


def test_every_linked_ref_is_a_catalogue_measure_of_the_actions_area(plan, catalogue):
    for row in plan:
        refs = row["measures"].split(" ")
        assert refs and len(refs) == len(set(refs)), row["number"]
        for ref in refs:
            assert ref in catalogue.refs, (row["number"], ref)
            # The plan lists its "Measures that Matter" per area, so each action links to its own area's.
            assert catalogue.measure(ref).area == int(row["area"]), (row["number"], ref)


def test_every_action_of_an_area_links_the_same_measures_and_every_measure_is_linked(plan, catalogue):
    per_area: dict[str, set[str]] = {}
    for row in plan:
        per_area.setdefault(row["area"], set()).add(row["measures"])
    assert all(len(lists) == 1 for lists in per_area.values()), per_area
    linked = {ref for row in plan for ref in row["measures"].split(" ")}
    assert linked == set(catalogue.refs)
