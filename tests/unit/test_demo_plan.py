"""The demonstration plan: the published actions as version 1 with their published progress as December's
update, and synthetic ratings that are marked, deterministic and plausible."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from measures.cli import demo_plan
from measures.domain.plan import completed_in, is_overdue, is_stalled, latest_entry, latest_rating
from measures.storage import plan, publications

SMALL_PLAN = """number,area,text,lead,deadline_text,deadline,progress,measures
3.1,3,"Review the ""front door"", with partners",Head of Service,October 2022,2022-10,"Leads have met
Agreement to be refreshed",3.1 3.2
3.2,3,Co-locate the MASH,Service Director,August 2022,2022-08,MASH co-location complete in August 2022,3.1
7.4,7,Refresh the strategy,Commissioner,,,Specialist commissioner appointed,7.4
"""


@pytest.fixture
def small_plan(tmp_path) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(SMALL_PLAN, encoding="utf-8")
    return path


def test_a_plan_file_loads_as_version_one_with_its_published_progress(engine, small_plan):
    counts = demo_plan.load_plan(engine, small_plan)
    assert counts["actions"] == 3
    first = plan.action(engine, "3.1")
    assert first.text == 'Review the "front door", with partners'
    assert (first.version, first.actor, first.reason) == (1, "demo", demo_plan.PLAN_REASON)
    assert first.measures == ("3.1", "3.2") and first.deadline == "2022-10" and first.deadline_text == "October 2022"
    no_deadline = plan.action(engine, "7.4")
    assert no_deadline.deadline == "" and no_deadline.deadline_text == ""
    assert not is_overdue(no_deadline, None, "2030-01")
    december = plan.plan_ratings(engine)["3.1"]["2022-12"]
    assert (december.brag, december.synthetic, december.source, december.actor) == (
        "not_recorded",
        False,
        "plan",
        "demo",
    )
    assert december.progress == "Leads have met\nAgreement to be refreshed"
    # Every other month from July 2022 to January 2023 is synthetic and says so in its words.
    others = [r for r in plan.action_history(engine, "3.1").ratings if r.period != "2022-12"]
    assert [r.period for r in others] == ["2022-07", "2022-08", "2022-09", "2022-10", "2022-11", "2023-01"]
    assert all(r.synthetic and r.source == "demo" and "Synthetic" in r.progress for r in others)


def test_loading_again_changes_nothing(engine, small_plan):
    first = demo_plan.load_plan(engine, small_plan)
    again = demo_plan.load_plan(engine, small_plan)
    assert again == {"actions": 0, "added": 0, "revised": 0, "unchanged": first["added"]}
    assert [v.version for v in plan.action_history(engine, "3.2").versions] == [1]


def test_an_action_whose_progress_reads_as_done_turns_blue_by_its_deadline_and_stays_blue(engine, small_plan):
    demo_plan.load_plan(engine, small_plan)
    ratings = plan.plan_ratings(engine)
    # 3.2's progress names August 2022, its deadline: Blue from then, and never back.
    assert completed_in(ratings["3.2"], "2023-01") == "2022-08"
    months = [r.brag for month, r in ratings["3.2"].items() if month >= "2022-08" and month != "2022-12"]
    assert set(months) == {"blue"}
    assert completed_in(ratings["3.1"], "2023-01") is None  # still to do: "to be refreshed"


@pytest.mark.parametrize(
    ("progress", "done"),
    [
        ("New permanent Principal Social Worker appointed November 2022", True),
        ("MASH Co-location complete and operating from Plough Lane offices", True),
        ("Edge of Care Strategy underway and to be completed January 2023", False),
        ("Revised QAF complete November 2022\nRe-launch due December 2022", False),
        ("Review of arrangements underway", False),
        ("", False),
    ],
)
def test_what_reads_as_done(progress, done):
    assert demo_plan.reads_as_done(progress) is done


def test_the_shipped_plans_synthetic_ratings_are_plausible():
    rows = demo_plan.read_plan()
    synthetic = list(demo_plan.synthetic_ratings(rows))
    assert synthetic == list(demo_plan.synthetic_ratings(rows))  # deterministic
    assert all(r.synthetic for r in synthetic)
    assert {r.period for r in synthetic} == set(demo_plan.RATING_MONTHS) - {"2022-12"}
    by_action: dict[str, dict] = {}
    for row in synthetic:
        by_action.setdefault(row.number, {})[row.period] = row
    actions = {row.number: row for row in rows}
    for number, months in by_action.items():
        colours = [months[m].brag for m in sorted(months)]
        if "blue" in colours:  # never Blue then back, and Blue by the deadline
            first_blue = colours.index("blue")
            assert set(colours[first_blue:]) == {"blue"}, number
            deadline = actions[number].deadline
            assert not deadline or sorted(months)[first_blue] <= max(deadline, "2022-07"), number
        if "not_yet_due" in colours:  # not yet due only before work starts
            last = len(colours) - 1 - colours[::-1].index("not_yet_due")
            assert "not_yet_due" not in colours[last + 1 :] and set(colours[: last + 1]) == {"not_yet_due"}, number
    latest = Counter(by_action[number]["2023-01"].brag for number in by_action)
    assert latest["blue"] >= 5 and latest["green"] >= 20 and latest["amber"] >= 3 and latest["red"] >= 1


def test_the_demo_database_holds_the_whole_plan_with_overdue_and_stalled_actions(demo_engine):
    actions = plan.current_actions(demo_engine)
    assert len(actions) == len(demo_plan.read_plan()) == 62
    ratings = plan.plan_ratings(demo_engine)
    by_number = {action.number: action for action in actions}
    overdue = [n for n, a in by_number.items() if is_overdue(a, latest_rating(ratings[n], "2023-01"), "2023-01")]
    stalled_november = [n for n in by_number if is_stalled(ratings[n], "2022-11")]
    assert 3 <= len(overdue) <= 15 and 1 <= len(stalled_november) <= 8
    # December's colours were lost: as at December every action shows its published progress, not recorded.
    assert {latest_entry(ratings[n], "2022-12").brag for n in by_number} == {"not_recorded"}
    # The months the ratings fall in are published, as the demo's figures are: readers see them.
    visible = publications.published_months(demo_engine)
    assert plan.plan_ratings(demo_engine, visible=visible) == ratings
