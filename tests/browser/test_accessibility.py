"""WCAG 2.2 AA in the browser: axe-core on every page with no serious or critical violation, the keyboard route
through the skip link to the controls, visible focus, and the accessibility statement."""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

# (name, address, who reads it): every page of the app, as the role that uses it.
PAGES = [
    ("overview", "/", "officer"),
    ("overview-2022-12", "/?period=2022-12", "officer"),
    ("measure-3-1", "/measure/3.1", "officer"),
    ("area-3", "/area/3", "officer"),
    ("area-10-2023-01", "/area/10?period=2023-01", "officer"),
    ("teams-3-1", "/teams/3.1", "officer"),
    ("workers-2-2", "/workers/2.2", "officer"),
    ("upload", "/upload", "officer"),
    ("plan", "/plan", "viewer"),
    ("action-3-2", "/plan/3.2", "viewer"),
    ("ratings", "/ratings", "officer"),
    ("plan-edit", "/admin/plan", "admin"),
    ("pack", "/pack", "viewer"),
    ("users", "/admin/users", "admin"),
    ("targets", "/admin/targets", "admin"),
    ("publish", "/admin/publish", "admin"),
    ("national", "/admin/national", "admin"),
    ("change-password", "/account/password", "viewer"),
    ("briefing-choice", "/account/briefing", "viewer"),
    ("briefing-admin", "/admin/briefing", "admin"),
    ("sign-in", "/sign-in", None),
    ("accessibility", "/accessibility", None),
    ("how-to-read", "/how-to-read", None),
    ("how-to-read-viewer", "/how-to-read#reading-variation", "viewer"),
    ("overview-committee-columns", "/?columns=committee", "viewer"),
    ("not-found", "/no-such-page", "viewer"),
]


def _open(page, url: str) -> str:
    """Go to `url`, wait until Dash has rendered the page and finished its callbacks; return the h1's text."""
    page.goto(url)
    heading = page.locator("#main h1").first
    heading.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")
    return heading.inner_text()


@pytest.mark.parametrize(("name", "path", "role"), PAGES, ids=[name for name, _, _ in PAGES])
def test_page_has_no_serious_accessibility_violations(page_as, served_app, output_dir, name, path, role):
    page = page_as(role)
    _open(page, served_app + path)
    assert_accessible(page, name, output_dir)


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            return {id: element.id, text: element.textContent.trim(), tag: element.tagName,
                    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0};
        }"""
    )


def _tab_to(page, element_id: str, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["id"] == element_id:
            return focused
    pytest.fail(f"#{element_id} was not reached in {limit} presses of Tab")


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page, served_app):
    _open(page, served_app + "/")
    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused["text"] == "Skip to main content"
    assert focused["visible"] and focused["outline"] != "none" and focused["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"


@pytest.mark.parametrize(
    ("path", "picker"), [("/", "period-picker"), ("/pack", "pack-period-picker"), ("/plan", "plan-period-picker")]
)
def test_the_month_picker_is_reached_and_used_by_keyboard(page, served_app, path, picker):
    _open(page, served_app + path)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: focus moves to main, then on to the controls
    focused = _tab_to(page, picker)
    assert focused["tag"] == "BUTTON" and focused["visible"]
    assert focused["outline"] != "none", "the focused month picker has no visible outline"
    name = page.evaluate(
        "id => document.getElementById(id).getAttribute('aria-labelledby').split(' ')"
        ".map(part => document.getElementById(part)).filter(Boolean).map(e => e.textContent).join(' ')",
        picker,
    )
    assert name.startswith("As at"), name
    focused_value = "() => document.activeElement.value"
    page.keyboard.press("ArrowDown")  # opens the list with focus on the month shown
    page.wait_for_function(f"() => ({focused_value})() === '2023-01'")
    page.keyboard.press("ArrowDown")  # the months are listed newest first
    page.wait_for_function(f"() => ({focused_value})() === '2022-12'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"period=2022-12"))


def test_the_statement_covers_what_the_regulations_ask(page, served_app):
    assert _open(page, served_app + "/accessibility") == "Accessibility statement for Measures that Matter"
    text = page.locator("#main").inner_text()
    for heading in (
        "How accessible this dashboard is",
        "Feedback and contact information",
        "Reporting accessibility problems with this dashboard",
        "Enforcement procedure",
        "Technical information about this dashboard’s accessibility",
        "How we tested this dashboard",
        "Preparation of this accessibility statement",
    ):
        assert heading in text
    for words in (
        "WCAG",
        "2.2 AA",
        "axe-core",
        "keyboard",
        "summary sentence",
        "data table",
        "PDF",
        "Equality and Human Rights Commission",
        "This statement was prepared on",
    ):
        assert words in text, words


def test_every_page_links_to_the_statement(page, served_app):
    _open(page, served_app + "/")
    page.locator(".site-footer").get_by_role("link", name="Accessibility statement").click()
    page.wait_for_url(re.compile(r"/accessibility$"))
    page.wait_for_selector("text=Accessibility statement for Measures that Matter")
