"""Drill-down from service to teams and from teams to workers, against the demo data, with hand-worked figures.

The published January 2023 figure for 3.1 is 236/304 (77.6%); the demo splits it across the four assessment
teams so that they add up exactly. December 2022's published caseloads are an average of 17.0 with 10 social
workers above 24 children; the demo's 62 pseudonymous workers reproduce both.
"""

from __future__ import annotations

import pytest

from measures.cli.demo import WORKERS_PER_TEAM
from measures.domain.council import load_council
from measures.storage import recording
from measures.storage.recording import UploadInfo, ValueRow
from measures.views.drilldown import CASELOAD_LIMIT, team_breakdown, worker_caseloads

ASSESSMENT_TEAMS = load_council().assessment_teams
CASEWORK_TEAMS = load_council().teams


def test_teams_of_assessments_in_time_add_up_to_the_published_service_figure(demo_engine):
    breakdown = team_breakdown(demo_engine, "3.1", "2023-01")
    assert breakdown.period == "2023-01"
    assert (breakdown.service.numerator, breakdown.service.denominator) == (236, 304)
    assert breakdown.service.text == "236/304 77.6%"
    assert breakdown.service.synthetic is False  # the published figure
    assert [team.team for team in breakdown.teams] == sorted(ASSESSMENT_TEAMS)
    assert breakdown.team_totals() == (236.0, 304.0)
    for team in breakdown.teams:
        figure = team.figure
        assert figure.value == pytest.approx(100 * figure.numerator / figure.denominator)
        assert figure.synthetic is True  # team splits are made up for the demo
        assert figure.rag == "none"  # 3.1 has no target
    assert breakdown.shows_synthetic


def test_each_team_carries_its_last_twelve_months(demo_engine):
    breakdown = team_breakdown(demo_engine, "3.1", "2023-01")
    for team in breakdown.teams:
        assert [point.period for point in team.trend] == [
            "2022-02",
            "2022-03",
            "2022-04",
            "2022-05",
            "2022-06",
            "2022-07",
            "2022-08",
            "2022-09",
            "2022-10",
            "2022-11",
            "2022-12",
            "2023-01",
        ]
        assert team.trend[-1].value == team.figure.value


def test_teams_are_sorted_by_name_and_rated_against_the_band(demo_engine):
    breakdown = team_breakdown(demo_engine, "2.2", "2023-01")
    assert [team.team for team in breakdown.teams] == sorted(CASEWORK_TEAMS)
    by_team = {team.team: team.figure for team in breakdown.teams}
    # Band 16-20 with tolerance 2: 12.2 is more than 2 below 16 (red); 15.3 is within 2 (amber).
    assert by_team["Care Leavers"].value == 12.2 and by_team["Care Leavers"].rag == "red"
    assert by_team["Assessment Team 4"].value == 15.3 and by_team["Assessment Team 4"].rag == "amber"
    assert by_team["Assessment Team 1"].value == 17.4 and by_team["Assessment Team 1"].rag == "green"
    assert breakdown.team_totals() is None  # averages have no counts to add up


def test_worker_links_only_where_worker_figures_exist(demo_engine):
    assert all(team.has_workers for team in team_breakdown(demo_engine, "2.2", "2023-01").teams)
    assert team_breakdown(demo_engine, "2.2", "2023-01").has_workers
    assert not team_breakdown(demo_engine, "3.1", "2023-01").has_workers
    assert not team_breakdown(demo_engine, "2.3", "2023-01").has_workers  # counts per team, no worker rows


def test_no_period_means_the_latest_month_with_team_figures(demo_engine):
    assert team_breakdown(demo_engine, "3.1").period == "2023-01"


def test_a_measure_without_team_figures_has_no_teams(demo_engine):
    breakdown = team_breakdown(demo_engine, "4.1", "2023-01")
    assert breakdown.teams == () and not breakdown.has_teams
    assert breakdown.available_periods == ()
    assert breakdown.service.text == "31"


def test_team_breakdown_refuses_an_unknown_ref_and_a_bad_month(demo_engine):
    with pytest.raises(KeyError):
        team_breakdown(demo_engine, "99.1", "2023-01")
    with pytest.raises(ValueError):
        team_breakdown(demo_engine, "3.1", "2023-13")


def test_a_team_marked_tbc_is_shown_as_tbc_and_breaks_the_totals(engine):
    rows = [
        ValueRow("3.1", "2023-01", numerator=20, denominator=30, value=200 / 3),
        ValueRow("3.1", "2023-01", team="North", numerator=20, denominator=30, value=200 / 3),
        ValueRow("3.1", "2023-01", team="South", status="tbc"),
    ]
    recording.record_values(engine, rows, UploadInfo(kind="import", filename="test.xlsx"))
    breakdown = team_breakdown(engine, "3.1", "2023-01")
    assert [(t.team, t.figure.text, t.figure.status) for t in breakdown.teams] == [
        ("North", "20/30 66.7%", "ok"),
        ("South", "TBC", "tbc"),
    ]
    assert breakdown.team_totals() is None
    assert not breakdown.shows_synthetic


def test_worker_caseloads_of_december_2022_match_the_published_figures(demo_engine):
    data = worker_caseloads(demo_engine, "2.2", "2022-12", viewer_may_see_workers=True)
    assert len(data.workers) == sum(WORKERS_PER_TEAM) == 62
    assert round(data.mean, 1) == 17.0  # published 2.2, December 2022
    assert data.above_limit == 10  # published 2.3, December 2022
    assert data.limit == CASELOAD_LIMIT == 24
    assert data.band == (16.0, 20.0)  # from the measure's target
    assert sum(count for _, count in data.distribution) == 62
    assert sum(load * count for load, count in data.distribution) == 17.0 * 62  # 1,054 children
    assert data.above_limit == sum(count for load, count in data.distribution if load > 24)
    assert data.within_band == sum(count for load, count in data.distribution if 16 <= load <= 20)
    assert [load for load, _ in data.distribution] == sorted({w.caseload for w in data.workers})
    assert data.teams == tuple(sorted(CASEWORK_TEAMS))
    assert data.synthetic and all(w.worker.startswith("Worker ") for w in data.workers)


def test_worker_caseloads_of_one_team_agree_with_its_team_average(demo_engine):
    data = worker_caseloads(demo_engine, "2.2", "2023-01", "Care Leavers", viewer_may_see_workers=True)
    assert data.team == "Care Leavers"
    assert len(data.workers) == 6  # WORKERS_PER_TEAM for Care Leavers
    assert {w.team for w in data.workers} == {"Care Leavers"}
    assert round(data.mean, 1) == 12.2  # the team's 2.2 figure
    assert len(data.teams) == 8  # the picker still lists every team


def test_worker_figures_are_refused_unless_the_reader_may_see_them():
    # Refused before anything is read: no database is needed to prove it.
    with pytest.raises(PermissionError):
        worker_caseloads(None, "2.2", "2022-12", viewer_may_see_workers=False)
    with pytest.raises(PermissionError):
        worker_caseloads(None, "2.2", "2022-12", viewer_may_see_workers=1)  # only a real True will do
    with pytest.raises(TypeError):
        worker_caseloads(None, "2.2", "2022-12")  # the reader's permission must be stated


def test_worker_caseloads_refuse_an_unknown_ref_and_a_bad_month(demo_engine):
    with pytest.raises(KeyError):
        worker_caseloads(demo_engine, "99.1", "2022-12", viewer_may_see_workers=True)
    with pytest.raises(ValueError):
        worker_caseloads(demo_engine, "2.2", "December", viewer_may_see_workers=True)


def test_a_measure_without_worker_figures_gives_no_workers(demo_engine):
    data = worker_caseloads(demo_engine, "3.1", "2023-01", viewer_may_see_workers=True)
    assert data.workers == () and data.mean is None and data.above_limit == 0 and data.distribution == ()
    assert data.band is None
