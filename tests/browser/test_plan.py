"""The improvement plan in the browser, on a phone and a desktop: the plan page's counts, filters and actions, an
area's actions beside its measures, an action's history, an officer recording a month's ratings and an admin
changing the plan. Every page axe-clean and without sideways scrolling at 390 px."""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import writable_database
from tests.plan_examples import MARKUP, add_example_plan

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def plan_app(writable_app):
    """The demo with the example plan (tests/plan_examples.py)."""
    from measures.storage import db

    engine = db.make_engine(writable_database(writable_app))
    add_example_plan(engine)
    engine.dispose()
    return writable_app


def _open(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.locator("#main h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_plan_page_counts_and_lists_every_action(page_as, plan_app, output_dir, size):
    page = page_as("viewer")
    _open(page, plan_app + "/plan?period=2023-01", WIDTHS[size])
    summary = page.locator("#plan-summary").inner_text()
    assert "4 actions: 1 green, 0 amber, 1 red, 1 blue, 1 not yet due; 2 overdue, 1 stalled." in summary
    assert "Impact evidenced for 1 of 1 completed action." in summary
    card = page.locator('article[data-number="3.2"]')
    assert card.locator(".brag").inner_text() == "Red: Not on track and at risk"
    assert card.locator(".flag-overdue").is_visible() and card.locator(".flag-stalled").is_visible()
    impact = page.locator('article[data-number="3.1"] .action-impact').inner_text()
    assert "Since action 3.1 was completed in July 2022, 3.1 has improved significantly" in impact
    _fits(page)
    page.screenshot(path=str(output_dir / f"plan-{size}.png"), full_page=True)
    assert_accessible(page, f"plan-{size}", output_dir)


def test_the_plan_page_filters_into_its_address(page_as, plan_app):
    page = page_as("viewer")
    _open(page, plan_app + "/plan?period=2023-01", 1280)
    page.get_by_label("Red: Not on track and at risk").check()
    page.wait_for_url(re.compile(r"brag=red"))
    page.wait_for_function("() => document.querySelectorAll('article.action-card').length === 1")
    assert page.locator("article.action-card").get_attribute("data-number") == "3.2"
    assert page.locator(".showing").inner_text() == "Showing 1 of 4 actions."
    page.get_by_label("Show only overdue actions").check()
    page.wait_for_url(re.compile(r"overdue=1"))
    assert page.locator("article.action-card").count() == 1


@pytest.mark.parametrize("size", list(WIDTHS))
def test_area_3_shows_its_actions_beside_its_measures(page_as, plan_app, output_dir, size):
    page = page_as("viewer")
    _open(page, plan_app + "/area/3?period=2023-01", WIDTHS[size])
    section = page.locator("#area-actions")
    assert "3 actions: 0 green, 0 amber, 1 red, 1 blue, 1 not yet due; 1 overdue, 1 stalled" in section.inner_text()
    assert section.locator("article.action-card").count() == 3
    assert page.locator("#area-cards article.measure-card").count() == 4
    _fits(page)
    page.screenshot(path=str(output_dir / f"area-3-actions-{size}.png"), full_page=True)
    assert_accessible(page, f"area-3-actions-{size}", output_dir)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_an_actions_history_shows_typed_words_as_text(page_as, plan_app, output_dir, size):
    page = page_as("viewer")
    _open(page, plan_app + "/plan/3.2", WIDTHS[size])
    ratings = page.locator("#action-ratings")
    assert MARKUP in ratings.inner_text()
    assert page.locator("#action-ratings b").count() == 0 and page.locator("#main script").count() == 0
    _fits(page)
    page.screenshot(path=str(output_dir / f"action-3-2-{size}.png"), full_page=True)
    assert_accessible(page, f"action-{size}", output_dir)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_an_officer_records_a_rating_and_the_plan_shows_it(page_as, plan_app, output_dir, size):
    page = page_as("officer")
    _open(page, plan_app + "/ratings?period=2023-03", WIDTHS[size])
    assert "March 2023 is a draft" in page.locator("#ratings-form").inner_text()
    page.get_by_label("Rating of action 3.3 for March 2023").click()
    page.get_by_role("option", name="Amber: Started with some issues or delay").click()
    page.get_by_label("Progress of action 3.3 in March 2023").fill(f"Waiting for a new team manager ({size})")
    _fits(page)
    assert_accessible(page, f"ratings-{size}", output_dir)
    page.get_by_role("button", name="Save the ratings for March 2023").click()
    status = page.locator("#ratings-status")
    status.get_by_text("Saved for March 2023").wait_for()
    page.screenshot(path=str(output_dir / f"ratings-{size}.png"), full_page=True)
    _open(page, plan_app + "/plan/3.3?period=2023-03", WIDTHS[size])
    assert f"Waiting for a new team manager ({size})" in page.locator("#action-ratings").inner_text()


def test_an_admin_rewords_an_action_with_a_reason(page_as, plan_app, output_dir):
    page = page_as("admin")
    _open(page, plan_app + "/admin/plan", 390)
    page.locator("#plan-edit-action").click()
    page.get_by_role("option", name=re.compile(r"^1\.1 ")).click()
    page.locator("#edit-heading").get_by_text("Action 1.1").wait_for()
    page.get_by_label("Lead").fill("Assistant Director, Safeguarding")
    page.get_by_role("button", name="Save the change").click()
    page.locator("#plan-edit-status").get_by_text("Nothing was saved").wait_for()
    assert "reason" in page.locator("#plan-edit-status").inner_text()
    page.get_by_label("Why is the plan changing?").fill("The lead changed at the January board")
    page.get_by_role("button", name="Save the change").click()
    page.locator("#plan-edit-status").get_by_text("Action 1.1 is changed (version 2).").wait_for()
    _fits(page)
    page.screenshot(path=str(output_dir / "plan-edit-phone.png"), full_page=True)
    assert_accessible(page, "plan-edit-phone", output_dir)
