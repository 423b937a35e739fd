"""A draft month in the browser: an officer sees it under the DRAFT banner with its completeness; a viewer asking for
it by address is told there are no figures for it, and sees none; a figure revised after publication carries the
word "revised" with what was published, what it is now, when, by whom and why."""

from __future__ import annotations

import pytest

from tests.browser.conftest import writable_database
from tests.returns.builders import template_row, template_workbook

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def february(writable_app, tmp_path_factory):
    """The demo plus a draft February 2023 (three measures), and January's 3.1 revised, with a reason."""
    from measures.returns.importer import import_return
    from measures.storage import db

    folder = tmp_path_factory.mktemp("returns")
    engine = db.make_engine(writable_database(writable_app))
    draft = template_workbook(
        folder / "february.xlsx",
        [
            template_row("3.1", "2023-02", numerator=251, denominator=310),
            template_row("2.2", "2023-02", value=18.4),
            template_row("4.1", "2023-02", value=30),
        ],
    )
    assert import_return(engine, draft, user="Olu Officer").status == "imported"
    correction = template_workbook(folder / "correction.xlsx", [template_row("3.1", "2023-01", 240, 304)])
    report = import_return(engine, correction, user="Olu Officer", reason="Four late assessments added")
    assert report.status == "imported", report.issues
    engine.dispose()
    return writable_app


def _open(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.locator("#main h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_an_officer_sees_the_draft_month_under_the_draft_banner(page_as, february, output_dir, size):
    page = page_as("officer")
    _open(page, february + "/?period=2023-02", WIDTHS[size])
    banner = page.locator(".draft-banner")
    assert banner.is_visible()
    text = banner.inner_text()
    assert text.startswith("DRAFT") and "February 2023 is not published" in text
    assert "3 of 38 measures have a figure for February 2023; missing: 1.1, 1.2" in text
    assert page.locator("#measure-3-1 td.latest").inner_text().startswith("251/310")
    page.screenshot(path=str(output_dir / f"draft-february-officer-{size}.png"), full_page=False)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_viewer_asking_for_the_draft_month_gets_what_an_unknown_month_gets(page_as, february, output_dir, size):
    page = page_as("viewer")
    _open(page, february + "/?period=2026-02", WIDTHS[size])
    unknown = (page.url, page.locator("table.mtm-table caption").inner_text())
    _open(page, february + "/?period=2023-02", WIDTHS[size])
    assert (page.url, page.locator("table.mtm-table caption").inner_text()) == unknown
    assert unknown[1] == "Measures that Matter as at January 2023"
    assert page.locator(".draft-banner").count() == 0
    main = page.locator("#main").inner_text()
    assert "251/310" not in main and "February 2023" not in main
    page.screenshot(path=str(output_dir / f"draft-february-viewer-{size}.png"), full_page=False)


def test_a_viewer_sees_the_newest_published_month_and_the_revised_mark(page_as, february, output_dir):
    page = page_as("viewer")
    _open(page, february + "/", WIDTHS["desktop"])
    assert page.locator("#measure-3-1 td.latest").inner_text().startswith("240/304")
    mark = page.locator("#measure-3-1 td.latest .revised-mark")
    assert mark.is_visible() and mark.inner_text().startswith("revised")
    title = mark.get_attribute("title")
    assert "published as 236/304 77.6%, now 240/304 78.9%" in title
    assert "by Olu Officer: Four late assessments added" in title
    mark.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "revised-mark-viewer-desktop.png"), full_page=False)
    _open(page, february + "/measure/3.1", WIDTHS["desktop"])
    revised = page.locator(".revised-notice")
    assert "January 2023, revised" in revised.inner_text()
    assert "Four late assessments added" in revised.inner_text()
