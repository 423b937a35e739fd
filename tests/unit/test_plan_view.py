"""The plan as every reader sees it, worked by hand on a small plan as at January 2023:

| action | deadline | ratings up to January 2023                         | latest          | flags             |
|--------|----------|----------------------------------------------------|-----------------|-------------------|
| 1.1    | 2023-06  | Jan not yet due                                    | not yet due     |                   |
| 3.2    | 2022-08  | Jun green, Jul–Jan blue                            | blue (from Jul) |                   |
| 3.3    | 2022-10  | Nov red, Dec amber, Jan red                        | red             | overdue, stalled  |
| 3.4    | 2023-03  | none                                               | not recorded    |                   |
| 3.5    | 2022-12  | Nov green, Dec not recorded (the published words)  | green (Nov)     | overdue           |

So: 1 green, 0 amber, 1 red, 1 blue, 1 not yet due, 1 not recorded; 2 overdue, 1 stalled; 1 completed.

3.2 links measure 3.1 (higher is better). Its figures: August 2021 to July 2022 alternate 60, 62 (mean 61, every
moving range 2, limits 61 ± 2.66 × 2 = 55.68 to 66.32); August 2022 to January 2023 are 63, above the previous
average and inside the limits: six months on one side is a shift, so an improvement since July 2022, and the plan's
impact count is 1 of 1 completed actions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import pytest

from measures.domain.periods import period_range
from measures.domain.plan import Action, Rating
from measures.storage import plan, publications
from measures.storage.plan import RatingRow
from measures.views.plan import (
    PlanInputs,
    build_plan,
    counts_sentence,
    filter_plan,
    impact_count_sentence,
    plan_view,
)
from tests.plan_examples import DRAFT_MONTH, add_example_figures, add_example_plan

AS_AT = "2023-01"
AT = datetime(2023, 2, 1, tzinfo=UTC)


def _action(number: str, deadline: str, measures: tuple[str, ...] = (), lead: str = "Head of Service") -> Action:
    return Action(
        number=number,
        area=int(number.split(".")[0]),
        text=f"Action {number} as the plan words it",
        lead=lead,
        deadline=deadline,
        deadline_text="",
        measures=measures,
        state="open",
        version=1,
        actor="ann",
        at=AT,
        reason="As published",
    )


def _ratings(number: str, *months: tuple[str, str], progress: str = "Work is under way") -> dict[str, Rating]:
    return {period: Rating(number, period, brag, progress, False, 1, "ann", AT, "page") for period, brag in months}


BEFORE = period_range("2021-08", "2022-07")
AFTER = period_range("2022-08", "2023-01")


def _series() -> pd.DataFrame:
    values = [60.0, 62.0] * 6 + [63.0] * 6
    return pd.DataFrame(
        {
            "ref": "3.1",
            "period": BEFORE + AFTER,
            "value": values,
            "status": "ok",
        }
    )


@pytest.fixture
def view(catalogue):
    actions = (
        _action("3.3", "2022-10", lead="Service Manager, MASH"),
        _action("1.1", "2023-06"),
        _action("3.2", "2022-08", measures=("3.1", "99.9")),
        _action("3.4", "2023-03"),
        _action("3.5", "2022-12"),
    )
    ratings = {
        "1.1": _ratings("1.1", ("2023-01", "not_yet_due")),
        "3.2": _ratings("3.2", ("2022-06", "green"), *((month, "blue") for month in period_range("2022-07", AS_AT))),
        "3.3": _ratings("3.3", ("2022-11", "red"), ("2022-12", "amber"), ("2023-01", "red")),
        "3.5": {
            **_ratings("3.5", ("2022-11", "green")),
            **_ratings("3.5", ("2022-12", "not_recorded"), progress="The words published in December"),
        },
    }
    inputs = PlanInputs(catalogue, AS_AT, (AS_AT,), actions, ratings, _series())
    return plan_view(inputs)


def _row(view, number):
    return next(row for row in view.rows if row.action.number == number)


def test_actions_are_grouped_by_area_and_sorted_by_number(view):
    assert [(area.number, [row.action.number for row in rows]) for area, rows in view.groups] == [
        (1, ["1.1"]),
        (3, ["3.2", "3.3", "3.4", "3.5"]),
    ]


def test_each_action_has_its_latest_rating_and_flags(view):
    assert {row.action.number: row.brag for row in view.rows} == {
        "1.1": "not_yet_due",
        "3.2": "blue",
        "3.3": "red",
        "3.4": "not_recorded",
        "3.5": "green",
    }
    assert {row.action.number for row in view.rows if row.overdue} == {"3.3", "3.5"}
    assert {row.action.number for row in view.rows if row.stalled} == {"3.3"}
    assert _row(view, "3.2").completed == "2022-07"
    assert _row(view, "3.3").completed is None


def test_the_progress_shown_is_the_newest_entry_even_without_a_colour(view):
    row = _row(view, "3.5")
    assert row.latest is not None and row.latest.period == "2022-11"
    assert row.entry is not None and row.entry.period == "2022-12"
    assert row.entry.progress == "The words published in December"
    assert _row(view, "3.4").entry is None


def test_a_completed_action_reads_its_measures_since_completion(view):
    row = _row(view, "3.2")
    assert [measure.ref for measure in row.measures] == ["3.1"]  # 99.9 is not in the catalogue
    [line] = row.impacts
    assert line.reading.kind == "improvement"
    assert line.sentence == (
        "Since action 3.2 was completed in July 2022, measure 3.1 has improved significantly (6 months above the "
        "previous average)."
    )
    assert row.evidenced
    assert _row(view, "3.3").impacts == ()


def test_the_counts_and_their_sentences(view):
    counts = view.counts()
    assert {key: counts[key] for key in ("green", "amber", "red", "blue", "not_yet_due", "not_recorded")} == {
        "green": 1,
        "amber": 0,
        "red": 1,
        "blue": 1,
        "not_yet_due": 1,
        "not_recorded": 1,
    }
    assert (counts["actions"], counts["overdue"], counts["stalled"], counts["completed"], counts["evidenced"]) == (
        5,
        2,
        1,
        1,
        1,
    )
    assert (
        counts_sentence(counts)
        == "1 green, 0 amber, 1 red, 1 blue, 1 not yet due, 1 not recorded; 2 overdue, 1 stalled"
    )
    assert impact_count_sentence(counts) == "impact evidenced for 1 of 1 completed action"


def test_the_counts_sentence_in_the_plans_own_shape():
    counts = {"green": 41, "amber": 9, "red": 3, "blue": 9, "overdue": 6, "completed": 9, "evidenced": 3}
    assert counts_sentence(counts) == "41 green, 9 amber, 3 red, 9 blue; 6 overdue"
    assert impact_count_sentence(counts) == "impact evidenced for 3 of 9 completed actions"
    assert impact_count_sentence({"completed": 0}) == "no completed actions yet"


def test_an_earlier_month_reads_the_plan_as_it_then_stood(catalogue, view):
    inputs = PlanInputs(
        catalogue,
        "2022-11",
        ("2022-11",),
        tuple(row.action for row in view.rows),
        {row.action.number: {} for row in view.rows}
        | {"3.3": _ratings("3.3", ("2022-11", "red"), ("2022-12", "amber"), ("2023-01", "red"))},
        _series(),
    )
    earlier = plan_view(inputs)
    row = _row(earlier, "3.3")
    assert row.brag == "red" and row.latest is not None and row.latest.period == "2022-11"
    assert row.overdue and not row.stalled  # one month of trouble is not three


def test_filters_by_rating_lead_overdue_and_area(view):
    assert [row.action.number for row in filter_plan(view, brags={"red", "green"}).rows] == ["3.3", "3.5"]
    assert [row.action.number for row in filter_plan(view, lead="Service Manager, MASH").rows] == ["3.3"]
    assert [row.action.number for row in filter_plan(view, overdue=True).rows] == ["3.3", "3.5"]
    assert [row.action.number for row in filter_plan(view, area=1).rows] == ["1.1"]
    assert filter_plan(view, brags={"amber"}).groups == ()
    assert view.leads == ("Head of Service", "Service Manager, MASH")


@pytest.fixture
def stored(engine):
    """A database holding only the example plan and 3.1's example figures (tests/plan_examples.py)."""
    add_example_figures(engine)
    add_example_plan(engine)
    return engine


def test_from_the_store_readers_of_published_months_see_no_draft_rating(stored):
    officer = build_plan(stored)
    assert officer.as_at == DRAFT_MONTH  # a month with ratings and no figures is still a month of the plan
    assert _row(officer, "3.3").brag == "green"
    viewer = build_plan(stored, visible=publications.published_months(stored))
    assert viewer.as_at == "2023-01" and DRAFT_MONTH not in viewer.available_periods
    assert _row(viewer, "3.3").brag == "not_yet_due"
    assert (
        _row(build_plan(stored, period=DRAFT_MONTH, visible=publications.published_months(stored)), "3.3").brag
        == "not_yet_due"
    )


def test_from_the_store_as_at_january_2023(stored):
    view = build_plan(stored, period="2023-01")
    assert counts_sentence(view.counts()) == "1 green, 0 amber, 1 red, 1 blue, 1 not yet due; 2 overdue, 1 stalled"
    assert _row(view, "3.1").completed == "2022-07"
    [line] = _row(view, "3.1").impacts  # worked in the module's docstring
    assert line.sentence == (
        "Since action 3.1 was completed in July 2022, measure 3.1 has improved significantly (6 months above the "
        "previous average)."
    )
    assert _row(view, "1.1").latest is not None and _row(view, "1.1").latest.synthetic
    assert view.shows_synthetic


def test_a_change_to_the_plan_is_read_at_once(stored):
    assert _row(build_plan(stored, period="2023-01"), "3.2").brag == "red"
    plan.record_ratings(
        stored, [RatingRow("3.2", "2023-01", "Blue", "Finished")], actor="ann", source="page", reason="Late"
    )
    assert _row(build_plan(stored, period="2023-01"), "3.2").brag == "blue"


def test_a_closed_action_is_apart_neither_counted_nor_flagged(catalogue, view):
    # 3.6, closed, was Red from November to January and its deadline passed in September.
    closed = replace(_action("3.6", "2022-09"), state="closed", version=2, reason="Merged into 3.2")
    inputs = PlanInputs(
        catalogue,
        AS_AT,
        (AS_AT,),
        (*(row.action for row in view.rows), closed),
        {"3.6": _ratings("3.6", ("2022-12", "red"), ("2023-01", "red"), ("2022-11", "red"))},
        _series(),
    )
    with_closed = plan_view(inputs)
    without = plan_view(replace(inputs, actions=inputs.actions[:-1]))
    assert [row.action.number for row in with_closed.closed] == ["3.6"]
    assert "3.6" not in [row.action.number for row in with_closed.rows]
    assert with_closed.closed[0].overdue is False  # a closed action is never overdue
    assert with_closed.counts() == without.counts()  # three months of Red, yet neither counted nor stalled
    assert filter_plan(with_closed, area=1).closed == ()
