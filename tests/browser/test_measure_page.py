"""The measure page in a real browser: figures from the store, the summary, the SPC chart, the month in the
address, downloads, and the helpful page for a measure that does not exist."""

from __future__ import annotations

import csv
import io
import re

import pytest

from measures.storage import reads
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".measure-page")
    page.wait_for_selector("#measure-spc-chart .js-plotly-plot svg.main-svg")


def _fact(page, key: str) -> str:
    return page.locator(f"[data-fact={key}]").inner_text()


def test_measure_page_renders_with_no_console_errors(page, served_app, output_dir):
    _open(page, served_app + "/measure/3.1")
    assert page.locator("h1").inner_text() == "3.1 Assessments completed in time"
    assert page.title() == "Measure 3.1: Measures that Matter"
    headings = page.locator(".measure-page h2").all_inner_texts()
    assert headings == [
        "In summary",
        "Key figures for January 2023",
        "Monthly figures on an SPC chart",
        "Compared nationally",  # 3.1 has no national comparator: the section says why
        "Every month",
        "How Herefordshire compares",
        "Commentary",
        "Events and recalculations on the chart",  # the page is served to an officer here
        "Changes to the January 2023 figure",
        "About this measure",
    ]
    page.screenshot(path=str(output_dir / "measure-3-1.png"), full_page=True)


def test_key_numbers_match_the_store(page, served_app, demo_engine):
    _open(page, served_app + "/measure/3.1")
    current = page.locator("[data-fact=current]")
    assert current.locator(".card-figure").inner_text() == "77.6%"
    assert current.locator(".card-counts").inner_text() == "236 of 304 assessments completed"
    previous = page.locator("[data-fact=previous]")
    assert previous.locator(".card-figure").inner_text() == "68.0%"
    assert "Change: Up 9.6 points, better" in previous.inner_text()  # special cause, improvement
    series = reads.service_series(demo_engine, refs=["3.1"])
    last_year = series[series["period"] == "2022-01"].iloc[0]
    assert f"{last_year.numerator:.0f} of {last_year.denominator:.0f}" in _fact(page, "last-year")
    assert "†" in page.locator("[data-fact=last-year] .card-figure").inner_text()  # synthetic, and marked
    ytd = series[(series["period"] >= "2022-04") & (series["period"] <= "2023-01")]
    numerator, denominator = ytd["numerator"].sum(), ytd["denominator"].sum()
    assert f"{numerator:,.0f} of {denominator:,.0f}" in _fact(page, "year-to-date")
    assert f"{100 * numerator / denominator:.1f}%" in _fact(page, "year-to-date")
    assert "Significant improvement" in _fact(page, "spc")
    first_row = page.locator("#measure-months-table tbody tr").first.locator("th, td").all_inner_texts()
    assert first_row[:4] == ["January 2023", "236", "304", "77.6%"]


def test_the_summary_is_in_words_and_names_the_benchmarks(page, served_app):
    _open(page, served_app + "/measure/3.1")
    summary = page.locator("#measure-summary").inner_text()
    assert "77.6% in January 2023 (236 of 304 assessments completed)" in summary
    assert "up from 68.0% in December 2022, which is better" in summary
    assert "below statistical neighbours (87%) and England (88%) in 2021-22" in summary
    assert "Demonstration data." in page.locator(".notice-info").inner_text()


def test_the_spc_chart_has_rendered_with_its_key(page, served_app):
    _open(page, served_app + "/measure/3.1")
    chart = page.locator("#measure-spc-chart")
    # 22 months, and one marker for each event or completed action listed under the chart (the demonstration's
    # plan completes actions linked to 3.1).
    events = page.locator(".measure-chart-events li").count()
    assert events >= 1
    assert chart.locator(".scatterlayer .trace .points path").count() == 22 + events
    legend = chart.locator(".legend").text_content()
    for entry in (
        "Normal variation",
        "Significant improvement",
        "Process limits",
        "England",
        "Statistical neighbours (average)",
        "Shropshire (synthetic)",
        "Event or action completed",
    ):
        assert entry in legend
    page.locator("details.measure-details summary").first.click()
    table = page.locator("#measure-chart-table")
    table.wait_for()  # sent when the details are first opened
    assert table.locator("tbody tr").count() == 22
    assert table.locator("tbody tr").last.inner_text().split("\t")[-1] == "Significant improvement"


def test_the_latest_months_come_first_and_the_rest_on_demand_accessibly_and_stacked_on_a_phone(
    page, served_app, output_dir
):
    _open(page, served_app + "/measure/3.1")
    months = page.locator("#measure-months-table tbody tr")
    assert months.count() == 13
    assert months.first.locator("th").inner_text() == "January 2023"
    # A synthetic figure's mark is drawn by its cell's class: the dagger after the figure, the word for a screen
    # reader, the meaning on hover.
    marked = page.locator("#measure-months-table td.synthetic-figure").first
    mark = marked.evaluate("cell => getComputedStyle(cell, '::after').content")
    assert mark.startswith('"†"') and "(synthetic)" in mark
    assert marked.get_attribute("title") == "Synthetic demonstration figure, not real data"
    summary = page.get_by_text(re.compile(r"^Show all \d+ months$"))
    total = int(summary.inner_text().split()[2])
    summary.focus()
    page.keyboard.press("Enter")  # a keyboard opens it as a click does
    earlier = page.locator("#measure-earlier-months-table tbody tr")
    earlier.first.wait_for()
    assert months.count() + earlier.count() == total
    assert earlier.first.locator("th").inner_text() == "December 2021"
    assert_accessible(page, "measure-every-month", output_dir)
    page.set_viewport_size({"width": 390, "height": 844})
    cell = page.locator("#measure-earlier-months-table tbody tr").first.locator("td").first
    assert cell.evaluate("cell => getComputedStyle(cell).display") == "block"  # stacked, each cell labelled
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content").startswith('"')


def test_choosing_a_month_puts_it_in_the_address_and_the_address_restores_it(page, served_app):
    _open(page, served_app + "/measure/3.1")
    page.locator("#measure-period-picker").click()
    page.get_by_role("option", name="December 2022").click()
    page.wait_for_url(re.compile(r"/measure/3\.1\?period=2022-12$"))
    page.wait_for_selector("text=Key figures for December 2022")
    assert page.locator("[data-fact=current] .card-figure").inner_text() == "68.0%"
    page.go_back()
    page.wait_for_selector("text=Key figures for January 2023")
    _open(page, served_app + "/measure/3.1?period=2022-12")
    assert page.locator("[data-fact=current] .card-counts").inner_text() == "198 of 291 assessments completed"
    assert "December 2022" in page.locator("#measure-period-picker").inner_text()


def test_a_tbc_month_reads_tbc_and_the_team_link_shows_only_with_team_figures(page, served_app, output_dir):
    _open(page, served_app + "/measure/10.2")
    assert page.locator("[data-fact=current] .card-figure").inner_text() == "TBC"
    summary = page.locator("#measure-summary").inner_text()
    assert "the January 2023 figure is to be confirmed (TBC); the latest figure is 71.4% for December 2022" in summary
    assert page.locator("a[href^='/teams/']").count() == 0
    assert "Target: at least 90%" in page.locator("#measure-spc-chart .legend").text_content()
    page.screenshot(path=str(output_dir / "measure-10-2.png"), full_page=True)
    _open(page, served_app + "/measure/3.1")
    assert page.locator("a[href='/teams/3.1?period=2023-01']").count() == 1


def test_a_range_measure_shows_its_target_band(page, served_app, output_dir):
    _open(page, served_app + "/measure/2.2")
    assert "Target range: 16 to 20 children per worker" in page.locator("#measure-spc-chart .legend").text_content()
    assert "within the target range of 16 to 20 children per worker" in page.locator("#measure-summary").inner_text()
    page.screenshot(path=str(output_dir / "measure-2-2.png"), full_page=True)


def test_the_table_downloads_as_csv(page, served_app):
    _open(page, served_app + "/measure/3.1")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV (every month)").click()
    assert download.value.suggested_filename == "measure-3.1-monthly-to-2023-01.csv"
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows[0] == ["Ref", "Month", "Numerator", "Denominator", "Value", "Status", "Synthetic", "Note"]
    assert rows[1] == ["3.1", "2023-01", "236", "304", "77.6", "ok", "", ""]


def test_an_unknown_measure_shows_a_helpful_page(page, served_app):
    page.goto(served_app + "/measure/9.9")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "No measure 9.9"
    assert page.locator("a[href='/measure/9.1']").count() == 1  # the measures of area 9 are offered
    assert page.locator("a[href='/']").filter(has_text="Measures that Matter table").count() == 1


def test_a_suppressed_last_month_is_written_whole_inside_the_chart_and_named_in_the_key(page, writable_app, tmp_path):
    from measures.returns.importer import import_return
    from measures.storage import db
    from tests.browser.conftest import writable_database
    from tests.returns.builders import template_row, template_workbook

    path = template_workbook(
        tmp_path / "february.xlsx",
        [template_row("4.5", "2023-02", value="*"), template_row("8.2", "2023-02", value="n/a")],
    )
    engine = db.make_engine(writable_database(writable_app))
    assert import_return(engine, path, user="test").status == "imported"
    engine.dispose()
    for ref, words in (("4.5", "Suppressed"), ("8.2", "Not applicable")):
        _open(page, writable_app + f"/measure/{ref}?period=2023-02")
        chart = page.locator("#measure-spc-chart")
        label = chart.locator(".scatterlayer .textpoint text", has_text=words)
        assert label.count() == 1, ref
        box, plot = label.bounding_box(), chart.locator("rect.nsewdrag").first.bounding_box()
        # The whole word lies inside the plotting area: a label cut at the edge ('Suppress') is not read.
        assert box["x"] >= plot["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"] + 0.5, (ref, box, plot)
        legend = chart.locator(".legend").text_content()
        assert "suppressed" in legend and "not applicable" in legend, legend


def test_an_admin_notes_an_event_and_recalculates_the_limits_and_the_page_stays_accessible(
    page_as, writable_app, output_dir
):
    from tests.browser.axe import assert_accessible

    page = page_as("admin")
    _open(page, writable_app + "/measure/3.1")
    page.fill("#measure-event-month", "2022-08")
    page.fill("#measure-event-text", "MASH co-located <b>not bold</b>")
    page.get_by_role("button", name="Add the event").click()
    page.wait_for_selector("text=The event has been added to the chart in August 2022.")
    listed = page.locator(".measure-chart-events li").all_inner_texts()
    assert "August 2022: MASH co-located <b>not bold</b>" in listed  # shown as typed, as text
    page.fill("#measure-spc-change-month", "2022-02")
    page.fill("#measure-spc-change-reason", "MASH co-located")
    page.get_by_role("button", name="Record it").click()
    page.wait_for_selector("text=The limits are now recalculated from February 2022.")
    recalculation = page.locator(".measure-chart-recalculation").all_inner_texts()
    assert recalculation[0] == "Limits recalculated from February 2022: MASH co-located."
    assert recalculation[-1].startswith("Without the recalculation: average")
    legend = page.locator("#measure-spc-chart .legend").text_content()
    assert "Average from February 2022" in legend and "Without the recalculation" in legend
    page.wait_for_selector("#measure-spc-chart .js-plotly-plot svg.main-svg")
    page.locator("#measure-chart-section").screenshot(path=str(output_dir / "measure-3-1-recalculated.png"))
    assert_accessible(page, "measure-with-chart-changes", output_dir)
    # On a phone the forms and the list under the chart fit the screen: nothing to scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for selector in ("#measure-chart-changes", ".measure-chart-events-list", ".measure-chart-recalculation"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    page.locator("#measure-chart-changes").screenshot(path=str(output_dir / "measure-chart-controls-390.png"))


def test_a_viewer_sees_no_chart_controls(page_as, writable_app):
    # The module's own app: the session cookies of two apps on one loopback host share a name.
    page = page_as("viewer")
    _open(page, writable_app + "/measure/3.1")
    assert page.locator("#measure-chart-changes").count() == 0
