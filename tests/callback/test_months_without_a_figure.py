"""A month marked suppressed or not applicable has no figure: the pages that read it must never let a judgement
made on earlier months pass for a judgement of that month. Pages are requested through the page router, as the
browser does."""

from __future__ import annotations

import re

import pytest

from dashboard.server import data
from measures.returns.importer import import_return
from measures.storage import publications
from tests.auth_helpers import client_as
from tests.rendered import components, measure_row, rendered, text
from tests.returns.builders import template_row, template_workbook


@pytest.fixture
def february(app, tmp_path):
    """The demo figures plus February 2023, where 4.5 is suppressed and 8.2 not applicable (both have a year of
    figures before, so their SPC reading exists, up to January 2023) and 3.1 and 4.4 have figures."""
    path = template_workbook(
        tmp_path / "february.xlsx",
        [
            template_row("4.5", "2023-02", value="*"),
            template_row("8.2", "2023-02", value="n/a"),
            template_row("3.1", "2023-02", numerator=250, denominator=310),
            template_row("4.4", "2023-02", numerator=6, denominator=31),
        ],
    )
    report = import_return(data.engine(), path, user="test")
    assert report.status == "imported", report.issues
    publications.publish(data.engine(), "2023-02", "test")  # read by a viewer, so signed off first
    return app


def _page(app, path: str, search: str):
    return rendered(client_as(app, "viewer"), path, search)


def _row(tree, ref: str) -> str:
    """The words of the table row of measure `ref`."""
    return text(measure_row(tree, ref))


@pytest.mark.parametrize("ref", ["4.5", "8.2"])
def test_the_overview_says_which_month_the_spc_reading_is_up_to_when_the_month_has_no_figure(february, ref):
    row = _row(_page(february, "/", "?period=2023-02"), ref)
    assert re.search(r"normal variation|Significant|Unusual", row), row  # an SPC reading is shown
    assert "Reading up to January 2023" in row


def test_the_overview_says_nothing_more_when_the_month_has_a_figure(february):
    assert "Reading up to" not in _row(_page(february, "/", "?period=2023-02"), "3.1")


def test_the_pack_says_which_month_the_spc_reading_is_up_to_when_the_month_has_no_figure(february):
    rows = [
        text(c)
        for c in components(_page(february, "/pack", "?period=2023-02"))
        if c["type"] == "Tr" and "Audits graded outstanding" in text(c)
    ]
    assert len(rows) == 1
    assert "Suppressed" in rows[0]
    assert "Reading up to January 2023" in rows[0]


def test_the_area_card_says_which_month_the_spc_reading_is_up_to_when_the_month_has_no_figure(february):
    cards = [
        c
        for c in components(_page(february, "/area/4", "?period=2023-02"))
        if c["type"] == "Article" and c["props"].get("data-ref") in ("4.4", "4.5")
    ]
    words = {card["props"]["data-ref"]: text(card) for card in cards}
    assert "Suppressed" in words["4.5"] and "Reading up to January 2023" in words["4.5"]
    assert "Reading up to January 2023" not in words["4.4"]


def test_the_overview_trend_line_stops_short_of_a_month_with_no_figure(february):
    from urllib.parse import unquote

    images = {}
    for ref in ("4.5", "3.1"):
        rows = [
            c
            for c in components(_page(february, "/", "?period=2023-02"))
            if c["type"] == "Tr" and c["props"].get("data-ref") == ref
        ]
        images[ref] = [c for c in components(rows[0]) if c["type"] == "Img"][0]["props"]
    # The line of 4.5 ends at January; drawn to the right edge like every other row it read as February's figure.
    assert "no figure for February 2023" in images["4.5"]["alt"]
    last_dot = float(re.search(r'circle cx="([\d.]+)"', unquote(images["4.5"]["src"])).group(1))
    full_dot = float(re.search(r'circle cx="([\d.]+)"', unquote(images["3.1"]["src"])).group(1))
    assert last_dot < full_dot - 3, (last_dot, full_dot)
    assert "no figure" not in images["3.1"]["alt"]


def test_a_suppressed_teams_trend_line_says_the_month_has_no_figure(february, tmp_path):
    path = template_workbook(
        tmp_path / "teams.xlsx",
        [
            template_row("3.3", "2023-02", team="Assessment Team 1", numerator=8, denominator=11),
            template_row("3.3", "2023-02", team="Assessment Team 2", value="*"),
        ],
    )
    assert import_return(data.engine(), path, user="test").status == "imported"
    rows = {
        c["props"]["data-team"]: c
        for c in components(_page(february, "/teams/3.3", "?period=2023-02"))
        if c["type"] == "Tr" and "data-team" in c["props"]
    }
    alts = {
        team: [c for c in components(row) if c["type"] == "Img"][0]["props"]["alt"]
        for team, row in rows.items()
        if team in ("Assessment Team 1", "Assessment Team 2")
    }
    assert "no figure for February 2023" in alts["Assessment Team 2"]
    assert "no figure" not in alts["Assessment Team 1"]
