"""Reading the overview on a laptop and a phone, and finding what its words mean: the header row stays in sight
while the table scrolls, the committee's columns fit a 1366-pixel screen, focus stays on the control used, and
How to read these pages is reached from the header and from each judgement, at the section that explains it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


def _open(page, url: str) -> None:
    page.goto(url)
    page.locator("#main h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _boxes(page) -> dict:
    return page.evaluate(
        """() => {
            const header = document.querySelector('.mtm-table thead th').getBoundingClientRect();
            const scroller = document.getElementById('overview-table');
            const rows = [...document.querySelectorAll('.mtm-table tr.measure-row')];
            const hidden = rows.filter(r => r.getBoundingClientRect().bottom < header.bottom).length;
            return {headerTop: header.top, headerBottom: header.bottom, boxTop: scroller.getBoundingClientRect().top,
                    rowsScrolledPast: hidden, pageScroll: window.scrollY, boxScroll: scroller.scrollTop};
        }"""
    )


def test_the_header_row_stays_at_the_top_of_the_window_as_a_laptop_scrolls_the_overview(page_as, served_app):
    page = page_as("viewer")
    page.set_viewport_size(LAPTOP)
    _open(page, served_app + "/?columns=committee")
    before = _boxes(page)
    assert before["headerTop"] > 300  # below the controls and the headline
    page.mouse.move(600, 400)
    for _ in range(6):
        page.mouse.wheel(0, 500)
    page.wait_for_function("() => window.scrollY >= 2500")
    after = _boxes(page)
    assert after["rowsScrolledPast"] >= 5
    assert -1 <= after["headerTop"] <= 1
    assert after["headerBottom"] > 20


def test_the_header_row_stays_at_the_top_of_the_table_as_a_tablet_scrolls_it(page_as, served_app):
    # Below 700 px the table becomes labelled stacked rows (test_phone_layouts); above it, it scrolls in its box.
    page = page_as("viewer")
    page.set_viewport_size(TABLET)
    _open(page, served_app + "/?columns=committee")
    table = page.locator("#overview-table")
    table.scroll_into_view_if_needed()
    table.evaluate("box => { box.scrollTop = 2000; }")
    page.wait_for_function("() => document.getElementById('overview-table').scrollTop > 0")
    after = _boxes(page)
    assert after["boxScroll"] > 0 and after["rowsScrolledPast"] >= 3
    assert abs(after["headerTop"] - (after["boxTop"] + 1)) <= 1  # inside the box's one-pixel border
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]


def test_with_the_committees_columns_nothing_is_off_screen_at_1366_pixels(page_as, served_app):
    page = page_as("viewer")
    page.set_viewport_size(LAPTOP)
    _open(page, served_app + "/?columns=committee")
    sizes = page.evaluate(
        """() => {
            const box = document.getElementById('overview-table');
            const cells = [...document.querySelectorAll('.mtm-table thead th')];
            return {pageWidth: document.documentElement.scrollWidth, window: document.documentElement.clientWidth,
                    tableWidth: box.querySelector('table').scrollWidth, boxWidth: box.clientWidth,
                    headings: cells.map(th => th.textContent),
                    rightmost: Math.max(...cells.map(th => th.getBoundingClientRect().right))};
        }"""
    )
    assert sizes["headings"][-3:] == ["Objective", "Timescale for progress", "Best practice"]
    assert sizes["pageWidth"] <= sizes["window"] == LAPTOP["width"]
    assert sizes["tableWidth"] <= sizes["boxWidth"]
    assert sizes["rightmost"] <= LAPTOP["width"]


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const control = element.closest('[id]');
            return {tag: element.tagName, id: element.id, value: element.value || '', control: control && control.id};
        }"""
    )


def test_focus_stays_on_the_filter_used(page_as, served_app):
    page = page_as("viewer")
    _open(page, served_app + "/")
    page.locator("#overview-filters input[value=worse]").focus()
    page.keyboard.press("Space")
    page.wait_for_url("**show=worse**")
    page.wait_for_selector("p.showing")
    page.wait_for_function("() => document.activeElement && document.activeElement.value === 'worse'")
    assert _focused(page) == {"tag": "INPUT", "id": "", "value": "worse", "control": "overview-filters"}
    page.keyboard.press("Space")  # and the keyboard goes on from there: the filter is taken off again
    page.wait_for_url(lambda url: "show=" not in url)


def test_focus_stays_on_the_month_picker_after_choosing_a_month(page_as, served_app):
    page = page_as("viewer")
    _open(page, served_app + "/")
    picker = page.locator("#period-picker")
    picker.focus()
    page.keyboard.press("Enter")
    page.get_by_role("option", name="December 2022").wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.value === '2023-01'")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.activeElement && document.activeElement.value === '2022-12'")
    page.keyboard.press("Enter")
    page.wait_for_url("**period=2022-12**")
    page.wait_for_selector("#overview-summary h2:has-text('As at December 2022')")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'period-picker'")
    assert _focused(page)["id"] == "period-picker"


def _section_in_view(page, anchor: str) -> None:
    page.wait_for_function(
        """anchor => {
            const heading = document.getElementById(anchor);
            if (!heading) { return false; }
            const box = heading.getBoundingClientRect();
            return document.activeElement === heading && box.top >= -2 && box.bottom <= window.innerHeight;
        }""",
        arg=anchor,
    )


def test_the_header_links_to_how_to_read_these_pages(page_as, served_app):
    page = page_as("viewer")
    _open(page, served_app + "/measure/3.1")
    page.locator(".site-header").get_by_role("link", name="How to read these pages").click()
    page.wait_for_url("**/how-to-read")
    expect(page.locator("#main h1")).to_have_text("How to read these pages")


@pytest.mark.parametrize(
    ("badge", "anchor"),
    [
        ("#measure-3-1 td.spc a.badge", "reading-variation"),
        ("#measure-2-3 td.rag a.badge", "reading-target"),
        ("#measure-2-3 td.spc a.assurance", "reading-assurance"),
    ],
)
def test_a_judgement_on_the_overview_links_to_the_section_that_explains_it(page_as, served_app, badge, anchor):
    page = page_as("viewer")
    page.set_viewport_size(LAPTOP)
    _open(page, served_app + "/")
    page.locator(badge).click()
    page.wait_for_url(f"**/how-to-read#{anchor}")
    _section_in_view(page, anchor)


def test_the_icons_on_a_measure_page_link_to_what_they_mean(page_as, served_app):
    page = page_as("viewer")
    page.set_viewport_size(LAPTOP)
    _open(page, served_app + "/measure/2.3")
    page.get_by_role("link", name=re.compile(r"^What does this mean\W+assurance against the target\W*$")).click()
    page.wait_for_url("**/how-to-read#reading-assurance")
    _section_in_view(page, "reading-assurance")


def test_a_section_is_reached_when_its_address_is_opened_directly(page_as, served_app):
    page = page_as(None)  # the page holds no figures: anyone may read it
    _open(page, served_app + "/how-to-read#reading-draft")
    _section_in_view(page, "reading-draft")
    assert "DRAFT banner" in page.locator("section:has(#reading-draft)").inner_text()


def test_the_sign_in_pages_header_links_to_how_to_read_these_pages(page_as, served_app):
    page = page_as(None)
    page.goto(served_app + "/sign-in")
    page.locator(".site-header").get_by_role("link", name="How to read these pages").click()
    page.wait_for_url("**/how-to-read")
    page.locator("#main h1").wait_for()
    expect(page.locator("#main h1")).to_have_text("How to read these pages")
