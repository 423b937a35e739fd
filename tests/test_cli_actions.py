"""`actions list` and `actions history` on the command line, as a script would run them: a subprocess, exit status
0 shown, 1 nothing to show, 2 wrong arguments; the JSON keys of the contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from measures.storage import db, plan

LIST_KEYS = [
    "number",
    "area",
    "text",
    "lead",
    "deadline",
    "deadline_text",
    "measures",
    "state",
    "brag",
    "brag_label",
    "rated_in",
    "synthetic",
    "progress",
    "progress_in",
    "overdue",
    "stalled",
    "completed_in",
]


@pytest.fixture
def database(demo_database, tmp_path):
    path = tmp_path / "cli.db"
    shutil.copy(demo_database, path)
    return path


@pytest.fixture
def run(database):
    def run_command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "measures", "actions", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
        )

    return run_command


def test_list_json_reads_every_action_of_an_area_as_at_a_month(run):
    result = run("list", "--area", "3", "--period", "2022-11", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert listing["period"] == "2022-11"
    actions = listing["actions"]
    assert [a["number"] for a in actions] == [f"3.{n}" for n in range(1, 9)]
    assert list(actions[0]) == LIST_KEYS
    mash = next(a for a in actions if a["number"] == "3.2")
    assert mash["brag"] == "blue" and mash["brag_label"] == "Completed (impact to be tested)"
    assert (
        mash["completed_in"] == "2022-08"
        and mash["synthetic"] is True
        and mash["measures"] == ["3.1", "3.2", "3.3", "3.4"]
    )
    # 3.1's deadline as published is January 2022, and it is not Blue: overdue.
    first = actions[0]
    assert first["deadline"] == "2022-01" and first["overdue"] is True
    counts = listing["counts"]
    assert sum(counts[k] for k in ("not_yet_due", "green", "amber", "red", "blue", "not_rated")) == len(actions)
    assert counts["overdue"] == sum(a["overdue"] for a in actions)


def test_list_defaults_to_the_newest_rated_month_and_shows_december_as_published(run):
    newest = json.loads(run("list", "--json").stdout)
    assert newest["period"] == "2023-01" and len(newest["actions"]) == 62
    december = json.loads(run("list", "--period", "2022-12", "--json").stdout)
    mash = next(a for a in december["actions"] if a["number"] == "3.2")
    # December's colour was not recorded: the reading is November's, the progress December's as published.
    assert (mash["brag"], mash["rated_in"], mash["progress_in"]) == ("blue", "2022-11", "2022-12")
    assert mash["progress"] == "MASH Co-location complete and operating from Plough Lane offices"


def test_list_in_words_says_flags_and_synthetic(run):
    result = run("list", "--area", "3", "--period", "2022-11")
    assert result.returncode == 0, result.stderr
    assert "Improvement plan actions as at November 2022" in result.stdout
    first = json.loads(run("list", "--area", "3", "--period", "2022-11", "--json").stdout)["actions"][0]
    colour = {"green": "Green", "amber": "Amber", "red": "Red", "blue": "Blue"}[first["brag"]]
    assert f"3.1   {colour}: {first['brag_label']} (November 2022, synthetic) [OVERDUE]" in result.stdout
    assert "[OVERDUE" in result.stdout and "synthetic" in result.stdout
    assert "completed in August 2022" in result.stdout


def test_history_lists_every_version_and_rating(run, database):
    engine = db.make_engine(f"sqlite:///{database}")
    plan.change_action(engine, "2.4", actor="ann", reason="Campaign moved", deadline="2023-06")
    plan.record_ratings(
        engine,
        [plan.RatingRow("2.4", "2023-01", "Red", "Campaign paused")],
        actor="ann",
        source="page",
        reason="Rated at the board",
    )
    engine.dispose()
    result = run("history", "2.4", "--json")
    assert result.returncode == 0, result.stderr
    history = json.loads(result.stdout)
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["deadline"] == "2023-06" and history["versions"][1]["reason"] == "Campaign moved"
    january = [r for r in history["ratings"] if r["period"] == "2023-01"]
    assert [(r["version"], r["brag"], r["synthetic"], r["actor"]) for r in january] == [
        (1, january[0]["brag"], True, "demo"),
        (2, "red", False, "ann"),
    ]
    words = run("history", "2.4")
    assert "version 2, " in words.stdout and "by ann: Campaign moved" in words.stdout
    assert "January 2023, revision 2: Red" in words.stdout and "Campaign paused" in words.stdout


def test_wrong_arguments_exit_2_and_an_empty_plan_exits_1(run, engine, tmp_path):
    unknown = run("history", "9.9")
    assert unknown.returncode == 2 and "There is no action '9.9'" in unknown.stderr
    area = run("list", "--area", "11")
    assert area.returncode == 2 and "no actions in area 11" in area.stderr
    month = run("list", "--period", "2022-13")
    assert month.returncode == 2
    empty = subprocess.run(
        [sys.executable, "-m", "measures", "actions", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"MEASURES_DB_URL": str(engine.url), "PATH": "/usr/bin:/bin"},
    )
    assert empty.returncode == 1 and "no actions yet" in empty.stderr
