"""The plan's rules on hand-worked ratings: the BRAG key as officers type it, overdue, stalled, completed in, and
every problem with a month's ratings in one list."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from measures.domain.plan import (
    BRAG_KEYS,
    Action,
    Rating,
    action_sort_key,
    brag_label,
    completed_in,
    is_overdue,
    is_stalled,
    latest_entry,
    latest_rating,
    parse_brag,
    rating_problems,
)


def _action(number: str = "3.2", deadline: str = "2022-10", state: str = "open") -> Action:
    return Action(number, int(number.split(".")[0]), "Do it", "Lead", deadline, "", ("3.1",), state, 1, "a", None, "")


def _ratings(*pairs: tuple[str, str]) -> dict[str, Rating]:
    return {period: Rating("3.2", period, brag, "", False, 1, "a", None, "page") for period, brag in pairs}


@dataclass
class Row:
    number: str
    period: str
    brag: str
    progress: str = ""


def test_every_key_has_the_plans_wording():
    assert BRAG_KEYS == ("not_yet_due", "green", "amber", "red", "blue", "not_recorded")
    assert brag_label("blue") == "Completed (impact to be tested)"
    assert brag_label("green") == "Started and on track"
    assert brag_label("amber") == "Started with some issues or delay"
    assert brag_label("red") == "Not on track and at risk"
    assert brag_label("not_yet_due") == "Not yet due to start"
    assert brag_label("not_recorded") == "Not recorded"
    with pytest.raises(KeyError):
        brag_label("purple")


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Blue", "blue"),
        ("B", "blue"),
        ("  blue ", "blue"),
        ("BLUE", "blue"),
        ("green", "green"),
        ("g", "green"),
        ("Amber", "amber"),
        ("R", "red"),
        ("Not yet due", "not_yet_due"),
        ("not yet due to start", "not_yet_due"),
        ("NOT   YET  DUE", "not_yet_due"),
        ("not_yet_due", "not_yet_due"),
        ("Completed (impact to be tested)", "blue"),
        ("Started with some issues/delay", "amber"),
        ("Not recorded", "not_recorded"),
    ],
)
def test_parse_brag_reads_what_officers_type(typed, key):
    assert parse_brag(typed) == key


@pytest.mark.parametrize("typed", ["", "  ", "purple", "Bl", "x", "=1+1", None, 3, "greenish", "Red!!!x"])
def test_parse_brag_refuses_what_is_not_in_the_key(typed):
    assert parse_brag(typed) is None


def test_action_numbers_sort_as_the_plan_does():
    numbers = ["2.1", "1.10", "10.1", "1.2", "oops", "1.9"]
    assert sorted(numbers, key=action_sort_key) == ["1.2", "1.9", "1.10", "2.1", "10.1", "oops"]


def test_overdue_after_the_deadline_month_unless_blue_or_closed():
    # Deadline October 2022: due by the end of October, so overdue from November when not Blue.
    action = _action(deadline="2022-10")
    amber = _ratings(("2022-10", "amber"))
    assert not is_overdue(action, latest_rating(amber, "2022-10"), "2022-10")
    assert is_overdue(action, latest_rating(amber, "2022-11"), "2022-11")
    assert is_overdue(action, None, "2022-11")  # never rated
    blue = _ratings(("2022-10", "amber"), ("2022-11", "blue"))
    assert not is_overdue(action, latest_rating(blue, "2022-12"), "2022-12")
    assert not is_overdue(_action(deadline="2022-10", state="closed"), None, "2023-01")


def test_a_month_whose_colour_was_not_recorded_does_not_hide_the_colour_before_it():
    ratings = _ratings(("2022-11", "blue"), ("2022-12", "not_recorded"))
    assert latest_rating(ratings, "2022-12").period == "2022-11"
    assert latest_entry(ratings, "2022-12").brag == "not_recorded"
    assert not is_overdue(_action(deadline="2022-10"), latest_rating(ratings, "2022-12"), "2022-12")


def test_stalled_needs_red_or_amber_in_each_of_its_three_newest_ratings():
    ratings = _ratings(("2022-09", "green"), ("2022-10", "red"), ("2022-11", "amber"), ("2022-12", "red"))
    assert is_stalled(ratings, "2022-12")  # October red, November amber, December red
    assert not is_stalled(ratings, "2022-11")  # September was green
    gap = _ratings(("2022-10", "red"), ("2022-12", "red"))
    assert not is_stalled(gap, "2022-12")  # November not rated: two ratings only
    lost = _ratings(("2022-10", "red"), ("2022-11", "not_recorded"), ("2022-12", "red"))
    assert not is_stalled(lost, "2022-12")
    # January's ratings have not come in (or December's colour was not recorded): the newest three still say stalled.
    assert is_stalled(ratings, "2023-01")
    assert is_stalled(lost | _ratings(("2023-01", "amber")), "2023-01")
    assert not is_stalled(ratings | _ratings(("2023-01", "green")), "2023-01")


def test_completed_in_is_the_first_month_of_the_run_of_blue_ending_at_the_latest_rating():
    ratings = _ratings(
        ("2022-07", "blue"), ("2022-08", "amber"), ("2022-09", "blue"), ("2022-10", "blue"), ("2022-12", "blue")
    )
    # July's Blue ended in August's Amber; the run from September is unbroken (November unrated says nothing).
    assert completed_in(ratings, "2022-12") == "2022-09"
    assert completed_in(ratings, "2022-09") == "2022-09"
    assert completed_in(ratings, "2022-08") is None
    assert completed_in(ratings, "2022-07") == "2022-07"
    assert completed_in(ratings, "2022-06") is None
    with_lost = _ratings(("2022-10", "blue"), ("2022-11", "blue"), ("2022-12", "not_recorded"))
    assert completed_in(with_lost, "2022-12") == "2022-10"
    assert completed_in(_ratings(("2022-10", "blue"), ("2022-11", "green")), "2022-11") is None


def test_rating_problems_lists_every_problem_in_officers_words():
    actions = {"3.2": _action("3.2"), "1.5": _action("1.5", state="closed")}
    rows = [
        Row("3.2", "2022-12", "Green", ""),  # good: Green needs no progress text
        Row("9.9", "2022-12", "Blue", "done"),  # unknown action
        Row("3.2", "2022-11", "purple", "x"),  # not in the key
        Row("3.2", "2022-10", "Red", "  "),  # Red with no progress
        Row("1.5", "2022-12", "Blue", "done"),  # closed
        Row("3.2", "2022-12", "Amber", "slow"),  # twice for December
        Row("3.2", "December", "Green", ""),  # not a month
    ]
    problems = rating_problems(rows, actions)
    assert problems == [
        "Action 9.9 is not in the improvement plan (December 2022).",
        "The rating for action 3.2, November 2022 is 'purple', which is not in the plan's key: use Blue, Green, "
        "Amber, Red or Not yet due.",
        "The Red rating for action 3.2, October 2022 has no progress text: say what is causing the delay or risk.",
        "Action 1.5 is closed, so it cannot be rated for December 2022.",
        "Action 3.2 is rated twice for December 2022: keep one rating.",
        "'December' is not a month in the form YYYY-MM (for action 3.2).",
    ]
    assert rating_problems(rows[:1], list(actions.values())) == []


def test_an_action_number_given_as_a_number_is_refused_not_guessed():
    actions = {"3.1": _action("3.1"), "3.10": _action("3.10")}
    problems = rating_problems([Row(3.1, "2022-12", "Green")], actions)  # type: ignore[arg-type]
    assert problems == [
        "The action number 3.1 (December 2022) was given as a number, not as text, so it may have lost a final zero "
        "(3.10 becomes 3.1): write it as text, for example 3.10."
    ]


def test_rating_problems_survive_hostile_rows():
    rows = [Row(None, None, None, None), Row("3.2", "2022-12", "Green", "x" * 10_000)]  # type: ignore[arg-type]
    problems = rating_problems(rows, {"3.2": _action()})
    assert any("not in the improvement plan" in problem for problem in problems)
    assert any("10,000 characters" in problem for problem in problems)
