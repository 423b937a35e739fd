"""Signing in and roles, as people use them in the browser: the sign-in page, what each role sees and may open,
signing out."""

from __future__ import annotations

import urllib.parse

import pytest

from measures.accounts import users
from measures.storage import db
from tests.auth_helpers import NAMES, PASSWORDS
from tests.browser.conftest import writable_database

pytestmark = pytest.mark.browser


def _sign_in(page, base_url: str, name: str, password: str, path: str = "/") -> None:
    page.goto(base_url + path)
    page.get_by_label("Your user name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _sign_in_here(page, name: str, password: str) -> None:
    page.get_by_label("Your user name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_someone_not_signed_in_is_asked_to_sign_in_and_then_sees_the_page_they_asked_for(page_as, served_app):
    page = page_as(None)
    page.goto(served_app + "/measure/3.1?period=2023-01")
    assert page.url.startswith(served_app + "/sign-in")
    assert page.get_by_role("heading", name="Sign in").is_visible()
    page.get_by_label("Your user name").fill(NAMES["viewer"])
    page.get_by_label("Password").fill(PASSWORDS["viewer"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(served_app + "/measure/3.1?period=2023-01")
    page.get_by_role("heading", level=1).filter(has_text="3.1").wait_for()
    assert page.locator(".account-name").inner_text() == NAMES["viewer"]


def test_a_wrong_password_is_refused_with_a_plain_sentence(page_as, served_app):
    page = page_as(None)
    _sign_in(page, served_app, NAMES["officer"], "not the password at all")
    alert = page.get_by_role("alert")
    assert alert.inner_text().strip() == "The name or password is not right. Check them and try again."
    assert page.get_by_label("Your user name").input_value() == NAMES["officer"]
    assert page.get_by_label("Password").input_value() == ""  # never sent back
    page.console_problems.clear()  # the refused sign-in answers 401, as it should


def test_a_viewer_sees_teams_but_not_workers_nor_the_upload_page(page_as, served_app):
    page = page_as("viewer")
    page.goto(served_app + "/teams/2.2?period=2023-01")
    page.locator("#teams-table").wait_for()
    assert page.locator("a[href*='/workers/']").count() == 0
    navigation = page.get_by_role("navigation", name="Main").inner_text()
    assert "Upload a return" not in navigation and "Users" not in navigation
    response = page.goto(served_app + "/workers/2.2?period=2023-01")
    assert response.status == 403
    assert page.get_by_role("heading", name="This page is not available to you").is_visible()
    assert "Worker 1" not in page.content()
    response = page.goto(served_app + "/upload")
    assert response.status == 403
    page.console_problems.clear()  # the two refusals above are the point of this test


def test_an_officer_sees_worker_caseloads_and_can_upload(page, served_app):
    page.goto(served_app + "/teams/2.2?period=2023-01")
    page.locator("a[href*='/workers/2.2']").first.wait_for()
    page.goto(served_app + "/workers/2.2?period=2023-01")
    page.locator("#workers-table").wait_for()
    assert "Worker 1" in page.locator("#workers-table").inner_text()
    assert "Upload a return" in page.get_by_role("navigation", name="Main").inner_text()


def test_signing_out_ends_the_session(page_as, served_app):
    page = page_as(None)
    _sign_in(page, served_app, NAMES["viewer"], PASSWORDS["viewer"])
    page.locator(".account-name").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(served_app + "/sign-in")
    page.goto(served_app + "/")
    assert page.url.startswith(served_app + "/sign-in")


def test_the_pages_run_under_the_content_security_policy(page, served_app):
    """The `page` fixture fails on any console error, which includes every script or style the policy blocks."""
    response = page.goto(served_app + "/measure/3.1?period=2023-01")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    page.locator("#measure-spc-chart .main-svg").first.wait_for()
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_page_whose_session_has_ended_goes_to_sign_in_and_comes_back(page_as, served_app):
    engine = db.make_engine(writable_database(served_app))
    if users.find_user(engine, "Sam Session") is None:
        users.add_user(engine, "Sam Session", "viewer", "a session that will end", "test")
    page = page_as(None)
    _sign_in(page, served_app, "Sam Session", "a session that will end", "/?period=2023-01")
    page.wait_for_selector("tr.measure-row")
    users.set_password(engine, "Sam Session", "the password is changed now", "test")  # ends the session
    engine.dispose()
    link = page.locator("#measure-1-1 a").first
    target = link.get_attribute("href")
    link.click()  # in-app navigation asks the server for the measure page: refused with 401
    page.wait_for_url(f"{served_app}/sign-in?next={urllib.parse.quote(target, safe='')}")
    _sign_in_here(page, "Sam Session", "the password is changed now")
    page.wait_for_url(served_app + target)
    page.console_problems.clear()  # the refused request is the point of this test


@pytest.mark.parametrize("path", ["/", "/admin/users", "/area/4", "/area/8", "/pack"])
def test_on_a_phone_the_page_never_scrolls_sideways_and_every_menu_item_is_on_screen(page_as, served_app, path):
    page = page_as("admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served_app + path)
    page.wait_for_load_state("networkidle")
    # An admin's five menu items, the Users page's pickers, the area cards and the pack's badges must fit a
    # phone's width, and wide tables (the overview, the audit grades) scroll in their own box, hidden labels
    # included: a page wider than the screen hid 'Targets' and the right edge of every card.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for link in page.locator(".nav-link").all():
        box = link.bounding_box()
        assert box["x"] + box["width"] <= 390 and box["height"] < 40, (link.inner_text(), box)
