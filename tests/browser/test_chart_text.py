"""Markup typed into names, titles, target wording or comparators is drawn as text inside plotly charts: plotly
reads `<a href>`, `<b>` and `<br>` in the text it draws, so before, a team named as a link became a clickable
"sign in again" link on a viewer's teams chart."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from measures.domain.catalogue import Catalogue, Target
from measures.storage import catalogue_records, db, recording
from measures.storage.recording import UploadInfo, ValueRow
from tests.browser.conftest import _serve, _stop

pytestmark = pytest.mark.browser

LINK_TEAM = '<a href="https://example.invalid/sign-in">Session expired: sign in again</a>'
BOLD_TEAM = "<b>Bold</b> team<br>second line"
TITLE = 'Assessments <a href="https://example.invalid/title">in time</a> & <b>bold</b>'
TARGET_TEXT = '<a href="https://example.invalid/target">at least 90%</a>'
COMPARATOR = '<a href="https://example.invalid/comparator">Elsewhere</a><br><b>council</b>'
COUNTS_LABEL = "<i>assessments</i> <a href='https://example.invalid/counts'>done</a>"


@pytest.fixture(scope="module")
def markup_app(demo_database, catalogue, tmp_path_factory):
    folder = tmp_path_factory.mktemp("chart-text")
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    engine = db.make_engine(f"sqlite:///{database}")
    measures = tuple(
        dataclasses.replace(
            m, short_title=TITLE, numerator_label=COUNTS_LABEL, target=Target("at_least", low=90.0, text=TARGET_TEXT)
        )
        if m.ref == "3.1"
        else m
        for m in catalogue.measures
    )
    catalogue_records.sync_catalogue(engine, Catalogue(catalogue.areas, measures))
    recording.record_values(
        engine,
        [
            ValueRow("3.1", "2023-01", team=LINK_TEAM, numerator=5, denominator=10, value=50.0),
            ValueRow("3.1", "2023-01", team=BOLD_TEAM, numerator=6, denominator=10, value=60.0),
            ValueRow("3.1", "2023-01", team="Zero team", numerator=0, denominator=10, value=0.0),
        ],
        UploadInfo(kind="import", filename="teams.xlsx", user_name="test"),
        benchmark_rows=[{"ref": "3.1", "year": "2021-22", "comparator": COMPARATOR, "value": 80.0, "source": "test"}],
    )
    engine.dispose()
    process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    yield base_url
    _stop(process, log)


def _chart_text(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("element => element.textContent")


def _assert_drawn_as_text(page, selector: str, texts: list[str]) -> None:
    plot = page.locator(selector).first
    assert plot.locator("a").count() == 0, "markup in the data became a link inside the chart"
    drawn = _chart_text(page, selector)
    # Long labels are broken onto lines (plotly never wraps them), so compare the characters without the spaces.
    unbroken = "".join(drawn.split())
    for text in texts:
        assert "".join(text.split()) in unbroken, (text, drawn)


def test_team_names_on_the_teams_chart_are_text(page_as, markup_app):
    page = page_as("viewer")
    page.goto(markup_app + "/teams/3.1?period=2023-01")
    page.wait_for_selector("#teams-chart .main-svg")
    _assert_drawn_as_text(page, "#teams-chart", [LINK_TEAM, BOLD_TEAM, TITLE, f"Target: {TARGET_TEXT}"])
    bar = page.locator("#teams-chart .bars .point path").first
    bar.hover(force=True)
    page.wait_for_selector("#teams-chart .hoverlayer .hovertext")
    assert page.locator("#teams-chart .hoverlayer a").count() == 0
    hover = _chart_text(page, "#teams-chart .hoverlayer")
    unbroken = "".join(hover.split())
    assert any("".join(team.split()) in unbroken for team in (LINK_TEAM, BOLD_TEAM, "Zero team")), hover


def test_titles_targets_and_comparators_on_the_measure_chart_are_text(page_as, markup_app):
    page = page_as("viewer")
    page.goto(markup_app + "/measure/3.1?period=2023-01")
    chart = "#measure-spc-chart"
    page.wait_for_selector(f"{chart} .main-svg")
    _assert_drawn_as_text(page, chart, [f"Target: {TARGET_TEXT}", COMPARATOR])
    # The newest figure's point: the chart also draws markers for events and completed actions, whose hover differs.
    points = page.locator(f"{chart} .scatterlayer .points path")
    hover = ""
    for index in range(points.count() - 1, max(points.count() - 12, -1), -1):
        points.nth(index).hover(force=True)
        page.wait_for_selector(f"{chart} .hoverlayer .hovertext")
        assert page.locator(f"{chart} .hoverlayer a").count() == 0
        hover = _chart_text(page, f"{chart} .hoverlayer")
        if COUNTS_LABEL in hover:
            break
    assert TITLE in hover and COUNTS_LABEL in hover, hover
