"""The overview table in a real browser: every measure shown, figures from the store, month picker in the URL."""

from __future__ import annotations

import re

import pytest

from measures.storage import reads
from tests.unit.test_catalogue import PUBLISHED_REFS

pytestmark = pytest.mark.browser


def _wait_for_table(page):
    page.wait_for_selector("table.mtm-table tbody tr.measure-row")
    page.wait_for_load_state("networkidle")  # the page's first callbacks have answered


def test_every_measure_is_shown_with_no_console_errors(page, served_app, output_dir):
    page.goto(served_app + "/")
    _wait_for_table(page)
    refs = page.locator("tr.measure-row").evaluate_all("rows => rows.map(r => r.dataset.ref)")
    assert refs == PUBLISHED_REFS
    assert page.locator("#overview-summary h2").inner_text() == "As at January 2023"
    page.screenshot(path=str(output_dir / "overview.png"), full_page=True)


def test_figures_match_the_store(page, served_app, demo_engine):
    page.goto(served_app + "/")
    _wait_for_table(page)
    row = page.locator("#measure-3-1")
    assert row.locator("td.latest").inner_text() == "236/304 77.6%"
    assert "198/291 68.0%" in row.inner_text()
    assert "Up 9.6 points, better" in row.locator("td.change").inner_text()  # special cause, improvement
    # 4.2 (16/33 -> 16/31) is common cause: said in words, in the page's ink, neither red nor green.
    change = page.locator("#measure-4-2 td.change")
    assert change.inner_text().strip().endswith("Up 3.1 points, within normal variation")
    assert "judgement-neutral" in change.get_attribute("class")
    ink = page.locator("body").evaluate("body => getComputedStyle(body).color")
    assert change.evaluate("cell => getComputedStyle(cell).color") == ink
    better = page.locator("#measure-3-1 td.change").evaluate("cell => getComputedStyle(cell).color")
    assert better != ink
    # 10.5 is TBC in January: rated from December, and says so.
    assert page.locator("#measure-10-5 td.rag").inner_text().startswith("Off target, as at December 2022")
    # The headline leads with the SPC reading; last month's comparison follows, labelled.
    lines = page.locator("#overview-summary p.headline").all_inner_texts()
    assert "show significant improvement" in lines[0] and "within normal variation" in lines[0]
    assert "no SPC reading" in lines[0] and "consistently fail" not in lines[0]
    assert lines[1].endswith("consistently fail their target")  # the assurance, apart from the variation counts
    assert lines[2].startswith("Compared with last month only:")
    assert page.locator("#measure-2-6 td.latest").inner_text() == "TBC"
    assert page.locator("#measure-10-1 td.figure").nth(1).inner_text() == "New measure"
    series = reads.service_series(demo_engine, refs=["8.1"])
    latest = series[series["period"] == "2023-01"].iloc[0]
    expected = f"{latest.numerator:.0f}/{latest.denominator:.0f} 63.5%"
    assert page.locator("#measure-8-1 td.latest").inner_text() == expected


def test_synthetic_figures_are_marked(page, served_app):
    page.goto(served_app + "/")
    _wait_for_table(page)
    assert page.locator("text=Demonstration data.").count() == 1
    november = page.locator("#measure-3-1 td.figure").first
    assert "synthetic" in november.get_attribute("class")
    assert "†" in november.inner_text()


def test_choosing_a_month_puts_it_in_the_address_and_the_address_restores_it(page, served_app):
    page.goto(served_app + "/")
    _wait_for_table(page)
    page.locator("#period-picker").click()
    page.get_by_role("option", name="December 2022").click()
    page.wait_for_url(re.compile(r"\?period=2022-12$"))
    # The month's heading (the headline may also say "as at December 2022" of a rating read from December).
    page.wait_for_selector("#overview-summary h2:has-text('As at December 2022')")
    assert page.locator("#measure-3-1 td.latest").inner_text() == "198/291 68.0%"
    page.goto(served_app + "/?period=2022-12")
    _wait_for_table(page)
    assert page.locator("#overview-summary h2").inner_text() == "As at December 2022"


def test_a_bad_month_in_the_address_is_explained(page, served_app):
    page.goto(served_app + "/?period=yesterday")
    _wait_for_table(page)
    assert "is not a month in the form YYYY-MM" in page.locator(".notice-warning").inner_text()


def test_unknown_address_shows_a_helpful_page(page, served_app):
    page.goto(served_app + "/no-such-page")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Page not found"


def test_filters_and_committee_columns_live_in_the_address(page, served_app, demo_engine):
    from measures.views.overview import build_overview

    model = build_overview(demo_engine, period="2023-01")
    worse = [row.measure.ref for row in model.rows if row.assessment.judgement == "worse"]
    page.goto(served_app + "/?period=2023-01")
    _wait_for_table(page)
    page.get_by_label("Getting worse").check()
    page.wait_for_url(re.compile(r"show=worse"))
    page.wait_for_selector(".showing")
    refs = page.locator("tr.measure-row").evaluate_all("rows => rows.map(r => r.dataset.ref)")
    assert refs == worse
    assert page.locator(".showing").inner_text() == f"Showing {len(worse)} of 38 measures."
    page.get_by_label("Show objectives, timescales and best practice").check()
    page.wait_for_url(re.compile(r"columns=committee"))
    page.wait_for_selector("th:text-is('Best practice')")
    page.goto(served_app + "/?period=2023-01&area=3&columns=committee")
    _wait_for_table(page)
    refs = page.locator("tr.measure-row").evaluate_all("rows => rows.map(r => r.dataset.ref)")
    assert refs == ["3.1", "3.2", "3.3", "3.4"]
    assert page.locator("th:text-is('Objective')").count() == 1


def test_a_measure_link_carries_the_month(page, served_app):
    page.goto(served_app + "/?period=2022-12")
    _wait_for_table(page)
    href = page.locator("#measure-3-1 th.ref a").get_attribute("href")
    assert href == "/measure/3.1?period=2022-12"


def test_a_suppressed_month_does_not_push_the_trend_off_a_laptop_screen(page, writable_app, tmp_path):
    from measures.returns.importer import import_return
    from measures.storage import db
    from tests.browser.conftest import writable_database
    from tests.returns.builders import template_row, template_workbook

    path = template_workbook(
        tmp_path / "february.xlsx",
        [template_row("4.5", "2023-02", value="*"), template_row("3.1", "2023-02", numerator=250, denominator=310)],
    )
    engine = db.make_engine(writable_database(writable_app))
    assert import_return(engine, path, user="test").status == "imported"
    engine.dispose()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(writable_app + "/?period=2023-02")
    _wait_for_table(page)
    assert page.locator("#measure-4-5 td.latest").inner_text().split() == ["Suppressed", "(small", "number)"]
    # "Suppressed (small number)" kept on one line widened the month's column until the trend column was cut off
    # at the right edge of a 1280-pixel screen, with nothing to say the table scrolled.
    widths = page.locator(".table-scroll").evaluate("e => [e.clientWidth, e.scrollWidth]")
    assert widths[1] <= widths[0], widths
