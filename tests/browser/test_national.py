"""National comparators in the browser, against the served app with the shipped national data loaded: the
overview's column, the measure page's section, every council ranked (sortable by keyboard, downloadable), the
pack's lines, the credit on each, axe-clean and readable at phone width."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from measures.storage import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import _serve, _stop
from tests.national_data import record_extract

browser = pytest.mark.browser
WIDTHS = {"desktop": 1280, "phone": 390}
YEAR_LINE = re.compile(r"^\d{4}-\d{2}(, provisional)?: ")
CREDIT = "Source: Department for Education, Local Authority Interactive Tool"


@pytest.fixture(scope="module")
def national_app(demo_database, tmp_path_factory):
    """The app on loopback over a copy of the demo database with the shipped national figures and both neighbour
    group editions written (unchanged if the demo already holds them)."""
    folder = tmp_path_factory.mktemp("national")
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    engine = db.make_engine(f"sqlite:///{database}")
    record_extract(engine)
    engine.dispose()
    process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    yield base_url
    _stop(process, log)


def _fits(page, width: int) -> None:
    """Nothing but a table's own scrolling box is wider than the window."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@browser
@pytest.mark.parametrize("view", WIDTHS)
def test_the_overview_has_a_national_column_naming_its_year_and_an_honest_cell_without_one(
    page, national_app, output_dir, view
):
    page.set_viewport_size({"width": WIDTHS[view], "height": 900})
    page.goto(national_app + "/")
    page.wait_for_selector("#measure-3-3 td.national")
    assert page.locator("thead th.national").inner_text() == "National comparison, latest year"
    line = page.locator("#measure-3-3 td.national .national-line").inner_text()
    assert YEAR_LINE.match(line), line
    assert " · England " in line and " · rank " in line
    assert page.locator("#measure-3-3 td.national abbr.quartile").get_attribute("title").startswith("Quartile ")
    # A measure without a comparator says so, and its reason opens from the keyboard.
    summary = page.locator("#measure-3-1 td.national summary")
    assert summary.inner_text().startswith("No national comparator")
    summary.focus()
    page.keyboard.press("Enter")
    reason = page.locator("#measure-3-1 td.national details p")
    assert reason.is_visible() and len(reason.inner_text()) > 10
    assert CREDIT in page.locator(".national-key").inner_text()
    _fits(page, WIDTHS[view])
    assert_accessible(page, f"overview-national-{view}")
    page.screenshot(path=str(output_dir / f"national-overview-{view}.png"), full_page=view == "phone")


@browser
@pytest.mark.parametrize("view", WIDTHS)
def test_the_measure_page_shows_the_latest_year_a_chart_by_year_and_a_table_by_year(
    page, national_app, output_dir, view
):
    page.set_viewport_size({"width": WIDTHS[view], "height": 900})
    page.goto(national_app + "/measure/3.3")
    section = page.locator("section.national-section")
    section.wait_for()
    latest = section.locator(".national-latest").inner_text()
    assert re.match(r"Latest national figures are for \d{4}-\d{2}", latest), latest
    assert "never compared with a single month's figure" in latest
    sentence = section.locator(".national-sentence").inner_text()
    assert "Herefordshire's figure was" in sentence and "neighbour groups of" in sentence
    page.wait_for_selector("#measure-national-chart .scatterlayer .trace")
    years = page.locator("#measure-national-table tbody tr").count()
    assert years >= 3
    assert "Latest national figures are for" in page.locator("#measure-summary").inner_text()
    assert CREDIT in section.inner_text()
    _fits(page, WIDTHS[view])
    assert_accessible(page, f"measure-national-{view}")
    section.screenshot(path=str(output_dir / f"national-measure-{view}.png"))


@browser
def test_the_table_by_year_downloads_with_numbers_and_markers_in_their_own_column(page, national_app):
    page.goto(national_app + "/measure/3.3")
    page.wait_for_selector("#measure-national-table")
    with page.expect_download() as download:
        page.locator("section.national-section button", has_text="Download as CSV").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and rows[0]["Ref"] == "3.3" and rows[0]["National item"] == "CP_conf_15days"
    assert {"England", "Neighbours' average", "Rank", "Quartile", "Neighbour groups"} <= set(rows[0])


@browser
@pytest.mark.parametrize("view", WIDTHS)
def test_every_council_is_listed_with_the_council_and_its_neighbours_marked_in_words(
    page, national_app, output_dir, view
):
    page.set_viewport_size({"width": WIDTHS[view], "height": 900})
    page.goto(national_app + "/compare/3.3")
    page.wait_for_selector("#councils-table tbody tr")
    rows = page.locator("#councils-table tbody tr")
    assert rows.count() >= 150
    own = page.locator("#councils-table tr.council-self")
    assert own.count() == 1 and "Herefordshire (This council)" in own.inner_text()
    assert page.locator("#councils-table tr.council-neighbour").count() == 10
    assert page.locator("#councils-table th.figure[aria-sort='ascending']").count() == 1
    page.locator("a", has_text="Go to Herefordshire's row").click()
    assert page.evaluate("document.activeElement.id") == "council-row" or page.locator("#council-row").is_visible()
    assert CREDIT in page.locator(".councils-page").inner_text()
    _fits(page, WIDTHS[view])
    assert_accessible(page, f"every-council-{view}")
    page.screenshot(path=str(output_dir / f"national-every-council-{view}.png"))


@browser
def test_every_council_sorts_from_the_keyboard_and_downloads_as_neutralised_csv(page, national_app):
    page.goto(national_app + "/compare/3.3")
    page.wait_for_selector("#councils-table tbody tr")
    link = page.locator("#councils-table thead a", has_text="Authority")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sort=name"))
    page.wait_for_selector("#councils-table th[aria-sort='ascending'] a:has-text('Authority')")
    names = page.locator("#councils-table tbody th").all_inner_texts()
    plain = [re.sub(r" \((This council|Statistical neighbour)\)$", "", name) for name in names]
    assert plain == sorted(plain, key=str.casefold)
    with page.expect_download() as download:
        page.locator(".councils-page button", has_text="Download as CSV").click()
    assert download.value.suggested_filename.startswith("measure-3.3-every-council-")
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["Authority"] for row in rows] == plain
    assert sum(row["Who"] == "This council" for row in rows) == 1
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values() if cell)


@browser
def test_the_pack_puts_the_latest_national_year_under_each_measure_that_has_one(page, national_app, output_dir):
    page.goto(national_app + "/pack")
    page.wait_for_selector("tr.pack-national-row")
    line = page.locator("tr.pack-national-row[data-national-ref='3.3']").inner_text()
    assert re.match(r"3\.3 nationally \(annual figures\): \d{4}-\d{2}(, provisional)?: ", line), line
    assert page.locator("tr.pack-national-row[data-national-ref='3.1']").count() == 0
    assert CREDIT in page.locator(".pack-key").inner_text()
    page.locator("#pack-area-3").screenshot(path=str(output_dir / "national-pack-area-3.png"))


@browser
def test_the_pack_pdf_carries_the_national_lines_and_the_credit(national_app, output_dir):
    import subprocess

    from tests.auth_helpers import http_opener

    opener, _ = http_opener(national_app, "viewer")
    with opener.open(national_app + "/pack.pdf?period=2023-01", timeout=90) as response:
        data = response.read()
    saved = output_dir / "national-pack-2023-01.pdf"
    saved.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True, text=True).stdout
    # A sentence may run on to the next page: leave out the page footers between them.
    words = " ".join(re.sub(r"(?m)^\s*Page \d+ of \d+\s*$", "", text).split())
    assert re.search(r"3\.3 nationally \(annual figures\): \d{4}-\d{2}: [\d.]+% · England [\d.]+%", words), words[:2000]
    assert CREDIT in words


@browser
def test_the_overview_cell_leads_to_the_measures_national_section(page, national_app):
    page.goto(national_app + "/")
    link = page.locator("#measure-3-3 td.national a", has_text="Compared nationally")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/measure/3\.3#national-heading$"))
    heading = page.locator("#national-heading")
    heading.wait_for()
    page.wait_for_function(
        "() => { const r = document.getElementById('national-heading').getBoundingClientRect();"
        " return r.top > -2 && r.top < window.innerHeight; }"
    )
    assert page.evaluate("document.activeElement.id") == "national-heading"  # the keyboard goes on from there


@browser
def test_the_columns_chooser_hides_and_shows_the_national_column_from_the_keyboard(page, national_app):
    page.goto(national_app + "/")
    page.wait_for_selector("thead th.national")
    box = page.get_by_label("Show the national comparison (latest year)")
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"columns=none"))
    page.wait_for_selector("thead th.national", state="detached")
    page.wait_for_selector("#overview-table")
    assert page.locator(".national-key").count() == 0
    page.get_by_label("Show the national comparison (latest year)").check()
    page.wait_for_url(lambda url: "columns=" not in url)  # the default view again
    page.wait_for_selector("thead th.national")
