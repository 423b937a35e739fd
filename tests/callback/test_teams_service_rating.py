"""The teams page rates the whole service as every other page does: from the measure's assessment, so a month whose
whole-service figure is TBC reads "Off target, as at December 2022" here as on the overview (it read "Not rated: no
figure"). Team rows keep their own month's rating: teams have no assessment."""

from __future__ import annotations

import pytest

from dashboard.server import data
from measures.returns.importer import import_return
from measures.storage import publications
from tests.auth_helpers import client_as
from tests.rendered import components, measure_row, rendered, spoken
from tests.returns.builders import template_row, template_workbook

TEAMS = ("Assessment Team 1", "Children in Need")


@pytest.fixture
def february(app, tmp_path):
    """The demo figures plus February 2023, where 2.3's whole-service figure is TBC but two teams reported theirs."""
    path = template_workbook(
        tmp_path / "february.xlsx",
        [
            template_row("2.3", "2023-02", status="TBC"),
            template_row("2.3", "2023-02", value=12, team=TEAMS[0]),
            template_row("2.3", "2023-02", value=0, team=TEAMS[1]),
        ],
    )
    report = import_return(data.engine(), path, user="test")
    assert report.status == "imported", report.issues
    publications.publish(data.engine(), "2023-02", "test")
    return app


def _by_id(tree, component_id: str) -> dict:
    return next(c for c in components(tree) if c["props"].get("id") == component_id)


def test_the_whole_service_is_rated_from_its_latest_figure_and_says_its_month(february):
    client = client_as(february, "viewer")
    teams = rendered(client, "/teams/2.3", "?period=2023-02")
    # 2.3 has a target of zero: January's 12 is off target, and February is TBC, within the rating window.
    expected = "Off target, as at January 2023"
    assert expected in spoken(_by_id(teams, "service-figure"))
    service_row = next(c for c in components(teams) if "service-row" in (c["props"].get("className") or ""))
    assert expected in spoken(service_row)
    overview = rendered(client, "/", "?period=2023-02")
    row = measure_row(overview, "2.3")
    assert expected in spoken(row)
    # Each team is rated from its own February figure: 12 is off a target of zero, 0 meets it.
    team_rows = {
        spoken(c["props"]["children"][0]): spoken(c)
        for c in components(teams)
        if c["type"] == "Tr" and spoken(c).startswith(TEAMS)
    }
    assert "Off target" in team_rows[TEAMS[0]] and "as at" not in team_rows[TEAMS[0]]
    assert "On target" in team_rows[TEAMS[1]]
