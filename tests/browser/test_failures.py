"""With the database down, every page and callback says so, in the product's style, in a real browser.

A real fault: the app is served on loopback over a PostgreSQL server this module starts (tests/postgres.py) and
stops mid-session, as a crash or an administrator would. Checked: Confirm on the upload page replaces the
preview with the message (nothing was saved); a click on a measure shows the error instead of leaving the
old page on screen; a reload shows the finished error page (503) with its reference; the server's log has
exactly one line with each reference; and once the server is back, the same app serves pages again without a
restart.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.auth_helpers import browser_cookies
from tests.browser.conftest import ROOT, _serve, _stop
from tests.postgres import TemporaryPostgres
from tests.returns.builders import template_row, template_workbook

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"Reference: ([0-9A-F]{8})")


@pytest.fixture(scope="module")
def database_server():
    server = TemporaryPostgres()
    server.url = server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_over_postgres(database_server, tmp_path_factory):
    """The app served on loopback over the demo data in the PostgreSQL server; yields (base URL, log path)."""
    env = {**os.environ, "MEASURES_DB_URL": database_server.url, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "measures", "demo"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )
    log_path = tmp_path_factory.mktemp("failures") / "app.log"
    process, base_url, log = _serve(database_server.url, log_path)
    yield base_url, log_path
    _stop(process, log)


def _lines_with(log_path, reference: str) -> list[str]:
    return [line for line in log_path.read_text().splitlines() if reference in line]


def _reference(text: str) -> str:
    found = REFERENCE.search(text)
    assert found, f"no reference shown in: {text!r}"
    return found.group(1)


def test_with_the_database_down_every_failure_is_shown_and_logged_once(
    browser, app_over_postgres, database_server, tmp_path, output_dir
):
    base_url, log_path = app_over_postgres
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(browser_cookies(base_url, "officer"))
    page = context.new_page()
    try:
        workbook = template_workbook(
            tmp_path / "february.xlsx", [template_row("3.1", "2023-02", numerator=250, denominator=310)]
        )
        page.goto(base_url + "/upload")
        page.locator("#return-upload input[type=file]").set_input_files(str(workbook))
        page.wait_for_selector('#upload-preview :text("Ready to import")')

        database_server.halt()
        try:
            page.click("#confirm-import")
            notice = page.wait_for_selector("#upload-preview .failure")
            text = notice.inner_text()
            assert "The dashboard cannot use its database just now" in text
            assert "The database server cannot be reached." in text
            assert "Nothing was saved" in text
            assert "Ready to import" not in page.locator("#upload-preview").inner_text()
            assert len(_lines_with(log_path, _reference(text))) == 1
            page.screenshot(path=str(output_dir / "failure-upload.png"), full_page=True)
        finally:
            database_server.resume()

        page.goto(base_url + "/")
        page.wait_for_selector("#measure-3-1 a.measure-name")
        page.wait_for_load_state("networkidle")
        database_server.halt()
        try:
            page.click("#measure-3-1 a.measure-name")
            page.wait_for_url(re.compile(r"/measure/3\.1"))
            heading = page.wait_for_selector('main h1:text("The dashboard cannot use its database just now")')
            assert heading.is_visible()
            assert page.locator("table.mtm-table").count() == 0, "the old page is still on screen"
            shown = page.locator("main").inner_text()
            assert "Nothing was saved" not in shown  # following a link saves nothing
            assert len(_lines_with(log_path, _reference(shown))) == 1

            response = page.reload()
            assert response.status == 503
            assert page.locator("h1").inner_text() == "The dashboard cannot use its database just now"
            reloaded = page.locator("main").inner_text()
            assert "Try again in a few minutes" in reloaded
            assert page.locator("link[rel=stylesheet][href='/assets/style.css']").count() == 1
            lines = _lines_with(log_path, _reference(reloaded))
            assert len(lines) == 1 and "GET /measure/3.1" in lines[0]
            page.screenshot(path=str(output_dir / "failure-page.png"), full_page=True)
        finally:
            database_server.resume()

        response = page.reload()  # the database is back: the same server answers without a restart
        assert response.status == 200
        page.wait_for_selector("main h1")
        assert "cannot use its database" not in page.locator("main").inner_text()
    finally:
        context.close()
