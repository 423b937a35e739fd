"""The drill-down computed from inputs built in code, with no database: teams and worker caseloads."""

from __future__ import annotations

from measures.domain.catalogue import Measure, Target
from measures.views.drilldown import TeamInputs, caseloads_of, team_breakdown_of

CASELOADS = Measure(
    ref="2.2",
    area=2,
    title="Average caseload",
    short_title="Average caseload",
    unit="rate",
    polarity="range",
    decimals=1,
    target=Target(kind="band", low=16, high=20),
)


def _row(period: str, team: str, value: float | None, status: str = "ok", worker: str = "") -> dict:
    return {
        "ref": "2.2",
        "period": period,
        "team": team,
        "worker": worker,
        "numerator": None,
        "denominator": None,
        "value": value,
        "status": status,
        "note": "",
        "synthetic": False,
    }


def test_teams_come_sorted_with_the_month_figure_rating_and_twelve_months_of_trend():
    rows = (
        _row("2021-12", "North", 30.0),  # thirteen months before: outside the trend
        _row("2022-01", "North", 22.0),
        _row("2022-12", "North", 21.0),
        _row("2022-12", "East", 18.0),
        _row("2022-11", "East", None, status="tbc"),  # no figure: never on the trend
        _row("2022-11", "West", 17.0),  # no figure for the month: not listed
    )
    inputs = TeamInputs(
        CASELOADS,
        "2022-12",
        rows,
        _row("2022-12", "", 19.5),
        frozenset({"East"}),
        ("2021-12", "2022-01", "2022-11", "2022-12"),
    )
    breakdown = team_breakdown_of(inputs)
    assert [team.team for team in breakdown.teams] == ["East", "North"]
    east, north = breakdown.teams
    assert (east.figure.text, east.figure.rag, east.has_workers) == ("18.0", "green", True)
    assert (north.figure.rag, north.has_workers) == ("red", False)  # 21.0 is outside 16-20
    assert [point.period for point in north.trend] == ["2022-01", "2022-12"]
    assert [point.period for point in east.trend] == ["2022-12"]
    assert breakdown.service is not None and breakdown.service.value == 19.5


def test_a_measure_without_figures_has_no_month_and_no_teams():
    breakdown = team_breakdown_of(TeamInputs(CASELOADS, None, (), None, frozenset(), ()))
    assert (breakdown.period, breakdown.service, breakdown.teams) == (None, None, ())


def test_worker_caseloads_of_one_team_and_of_all():
    rows = (
        _row("2022-12", "East", 15.0, worker="W1"),
        _row("2022-12", "East", 25.0, worker="W2"),
        _row("2022-12", "North", 18.0, worker="W3"),
        _row("2022-12", "North", None, status="tbc", worker="W4"),
    )
    everyone = caseloads_of(CASELOADS, "2022-12", None, rows)
    assert [worker.worker for worker in everyone.workers] == ["W1", "W2", "W3"]
    assert everyone.teams == ("East", "North")
    # (15 + 25 + 18) / 3 = 19.33...; 25 is above the limit of 24; only 18 lies within 16-20
    assert round(everyone.mean or 0, 2) == 19.33
    assert (everyone.above_limit, everyone.within_band) == (1, 1)
    east = caseloads_of(CASELOADS, "2022-12", "East", rows)
    assert [worker.worker for worker in east.workers] == ["W1", "W2"]
    assert east.teams == ("East", "North")  # every team with workers that month, whatever the choice
    assert east.mean == 20.0
