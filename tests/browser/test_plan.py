"""The improvement plan in the browser, on a phone and a desktop: the plan page's counts, filters and actions, an
area's actions beside its measures, an action's history, an officer recording a month's ratings and an admin
changing the plan. Every page axe-clean and without sideways scrolling at 390 px."""

from __future__ import annotations

import re

import pytest

from measures.storage.plan import RatingRow
from measures.views.plan import build_plan, counts_sentence, impact_count_sentence
from tests.browser.axe import assert_accessible
from tests.browser.conftest import writable_database
from tests.plan_examples import MARKUP

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def plan_app(writable_app):
    """The demo (with the published plan and its ratings), plus a progress text written as markup."""
    from measures.storage import db, plan

    engine = db.make_engine(writable_database(writable_app))
    plan.record_ratings(
        engine, [RatingRow("3.3", "2023-01", "Red", MARKUP)], actor="Olu Officer", source="page", reason="Late"
    )
    engine.dispose()
    return writable_app


def _plan(app_url: str):
    """The plan as a reader of published months should see it as at January 2023."""
    from measures.storage import db, publications

    engine = db.make_engine(writable_database(app_url))
    view = build_plan(engine, period="2023-01", visible=publications.published_months(engine))
    engine.dispose()
    return view


def _open(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    page.locator("#main h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _settle(page, address: str) -> None:
    """Wait for the address to hold `address` (a pattern) and the page drawn for it."""
    page.wait_for_url(re.compile(address))
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", list(WIDTHS))
def test_the_plan_page_counts_and_lists_every_action(page_as, plan_app, output_dir, size):
    page = page_as("viewer")
    _open(page, plan_app + "/plan?period=2023-01", WIDTHS[size])
    view = _plan(plan_app)
    counts = view.counts()
    summary = page.locator("#plan-summary").inner_text()
    assert f"{counts['actions']} actions: {counts_sentence(counts)}." in summary
    assert impact_count_sentence(counts).capitalize() + "." in summary
    assert page.locator("article.action-card").count() == counts["actions"]
    card = page.locator('article[data-number="3.3"]')
    assert card.locator(".brag").inner_text() == "Red: Not on track and at risk"
    overdue = next(row for row in view.rows if row.overdue)
    assert page.locator(f'article[data-number="{overdue.action.number}"] .flag-overdue').is_visible()
    completed = next(row for row in view.rows if row.impacts)
    impact = page.locator(f'article[data-number="{completed.action.number}"] .action-impact').inner_text()
    assert completed.impacts[0].sentence in impact
    _fits(page)
    page.screenshot(path=str(output_dir / f"plan-{size}.png"), full_page=True)
    assert_accessible(page, f"plan-{size}", output_dir)


def test_the_plan_page_filters_into_its_address(page_as, plan_app):
    page = page_as("viewer")
    _open(page, plan_app + "/plan?period=2023-01", 1280)
    page.get_by_label("Red: Not on track and at risk").check()
    _settle(page, r"brag=red")
    counts = _plan(plan_app).counts()
    page.locator(".showing").wait_for()
    assert page.locator(".showing").inner_text() == f"Showing {counts['red']} of {counts['actions']} actions."
    badges = page.locator("article.action-card .brag").all_inner_texts()
    assert len(badges) == counts["red"] and all(badge.startswith("Red: Not on track and at risk") for badge in badges)
    page.get_by_label("Show only overdue actions").check()
    _settle(page, r"overdue=1")
    expected = [row.action.number for row in _plan(plan_app).rows if row.brag == "red" and row.overdue]
    page.get_by_text(f"Showing {len(expected)} of").wait_for()
    cards = page.locator("article.action-card")
    assert [card.get_attribute("data-number") for card in cards.all()] == expected
    for card in cards.all():
        assert card.locator(".flag-overdue").is_visible()


@pytest.mark.parametrize("size", list(WIDTHS))
def test_area_3_shows_its_actions_beside_its_measures(page_as, plan_app, output_dir, size):
    page = page_as("viewer")
    _open(page, plan_app + "/area/3?period=2023-01", WIDTHS[size])
    section = page.locator("#area-actions")
    rows = [row for row in _plan(plan_app).rows if row.action.area == 3]
    assert section.locator("article.action-card").count() == len(rows)
    assert f"{len(rows)} actions: " in section.inner_text()
    assert page.locator("#area-cards article.measure-card").count() == 4
    _fits(page)
    page.screenshot(path=str(output_dir / f"area-3-actions-{size}.png"), full_page=True)
    assert_accessible(page, f"area-3-actions-{size}", output_dir)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_an_actions_history_shows_typed_words_as_text(page_as, plan_app, output_dir, size):
    page = page_as("viewer")
    _open(page, plan_app + "/plan/3.3", WIDTHS[size])
    ratings = page.locator("#action-ratings")
    assert MARKUP in ratings.inner_text()
    assert page.locator("#action-ratings b").count() == 0 and page.locator("#main script").count() == 0
    _fits(page)
    page.screenshot(path=str(output_dir / f"action-3-2-{size}.png"), full_page=True)
    assert_accessible(page, f"action-{size}", output_dir)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_an_officer_records_a_rating_and_the_plan_shows_it(page_as, plan_app, output_dir, size):
    page = page_as("officer")
    _open(page, plan_app + "/ratings?period=2023-02", WIDTHS[size])
    assert "February 2023 is a draft" in page.locator("#ratings-form").inner_text()
    assert page.locator("#ratings-form tbody tr").count() > 50  # every open action of the plan
    page.get_by_label("Rating of action 3.3 for February 2023").click()
    page.get_by_role("option", name="Amber: Started with some issues or delay").click()
    page.get_by_label("Progress of action 3.3 in February 2023").fill(f"Waiting for a new team manager ({size})")
    _fits(page)
    assert_accessible(page, f"ratings-{size}", output_dir)
    page.get_by_role("button", name="Save the ratings for February 2023").click()
    status = page.locator("#ratings-status")
    status.get_by_text("Saved for February 2023").wait_for()
    page.screenshot(path=str(output_dir / f"ratings-{size}.png"), full_page=True)
    _open(page, plan_app + "/plan/3.3?period=2023-02", WIDTHS[size])
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


def test_focus_stays_on_the_filter_used(page_as, plan_app):
    page = page_as("viewer")
    _open(page, plan_app + "/plan?period=2023-01", 1280)
    page.locator("#plan-brag-filter input[value=amber]").focus()
    page.keyboard.press("Space")
    _settle(page, r"brag=amber")
    page.wait_for_function("() => document.activeElement && document.activeElement.value === 'amber'")
    assert page.evaluate("() => document.activeElement.closest('[id]').id") == "plan-brag-filter"
    page.keyboard.press("Space")  # and the keyboard goes on from there: the filter is taken off again
    page.wait_for_url(lambda url: "brag=" not in url)
