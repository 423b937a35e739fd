"""The national figures page in a real browser, for admins: a broken long form refused row by row, a good one checked
then imported, a neighbour workbook with its edition typed; readers and officers are refused; axe clean."""

from __future__ import annotations

import pytest

from measures.storage import audit, db, national
from tests.browser.axe import assert_accessible
from tests.browser.conftest import writable_database
from tests.unit.test_national_import import HEREFORDSHIRE_2025, SHROPSHIRE_2025, lait_csv, row, sn_row, sn_workbook

pytestmark = pytest.mark.browser

CREDIT = "Source: Department for Education, Local Authority Interactive Tool (Open Government Licence v3.0)."


def _upload(page, base_url: str, path, edition: str = "") -> str:
    page.goto(base_url + "/admin/national")
    page.wait_for_selector("#national-upload")
    if edition:
        page.locator("#national-edition").fill(edition)
    page.locator("#national-upload input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#national-preview .notice")
    return page.locator("#national-preview").inner_text()


def test_a_broken_long_form_lists_every_problem_by_row_and_column(page_as, writable_app, tmp_path, output_dir):
    page = page_as("admin")
    path = tmp_path / "lait_broken.csv"
    path.write_bytes(
        lait_csv([row("61"), row("<b>sixty</b>", code="970", name="England"), row("61", code="999", name="Nowhere")])
    )
    text = _upload(page, writable_app, path)
    assert "This file cannot be imported" in text and CREDIT in text
    assert page.locator(".issues-error thead th").all_inner_texts() == [
        "Row",
        "Column",
        "What to do",
    ]  # a CSV has no sheets
    assert page.locator(".issues-error tbody tr td:nth-child(1)").all_inner_texts() == ["3", "4"]
    assert page.locator(".issues-error tbody tr td:nth-child(2)").all_inner_texts() == ["Values", "LA Number"]
    assert "'<b>sixty</b>' is neither a number" in text  # what the file holds is shown as text, never as markup
    assert page.locator("#national-preview b").count() == 0
    assert page.locator("#national-confirm").is_disabled()
    engine = db.make_engine(writable_database(writable_app))
    checked = audit.audit_frame(engine, action="national.checked", limit=1).iloc[0]
    assert (checked.actor, checked.subject, checked.detail["errors"]) == ("Ada Admin", "lait_broken.csv", 2)
    engine.dispose()
    assert_accessible(page, "national-refused", output_dir)
    page.screenshot(path=str(output_dir / "national-refused.png"), full_page=True)


def test_a_good_long_form_is_checked_then_imported(page_as, writable_app, tmp_path, output_dir):
    page = page_as("admin")
    path = tmp_path / "lait_2026.csv"
    path.write_bytes(lait_csv([row("61.5", year="2026"), row("c", year="2026", code="970", name="England")]))
    text = _upload(page, writable_app, path)
    assert "Ready to import" in text and "Would write: 2 figures: 2 new, 0 revised" in text
    engine = db.make_engine(writable_database(writable_app))
    assert national.national_figures(engine).query("year == '2026'").empty  # nothing saved by the check
    page.locator("#national-confirm").click()
    page.wait_for_selector('#national-preview h2:text-is("Imported")')
    assert page.locator("#national-confirm").is_disabled()
    stored = national.national_figures(engine).query("year == '2026'").set_index("la_code")
    assert stored.loc[884, "value"] == 61.5 and stored.loc[970, "status"] == "suppressed"
    assert audit.audit_frame(engine, action="national.imported", limit=1).iloc[0].actor == "Ada Admin"
    engine.dispose()
    assert_accessible(page, "national-imported", output_dir)


def test_a_neighbour_workbook_whose_edition_is_typed_after_it_is_dropped(page_as, writable_app, tmp_path):
    page = page_as("admin")
    path = sn_workbook(
        tmp_path / "groups.xlsx",
        [sn_row(884, "Herefordshire", HEREFORDSHIRE_2025), sn_row(893, "Shropshire", SHROPSHIRE_2025)],
    )
    text = _upload(page, writable_app, path)
    assert "Its name gives no month and year" in text and page.locator("#national-confirm").is_disabled()
    page.locator("#national-edition").fill("June 2026")
    page.locator("#national-edition").press("Enter")  # the file is checked again with the edition
    page.wait_for_selector('#national-preview h2:text-is("Ready to import")')
    text = page.locator("#national-preview").inner_text()
    assert "Statistical neighbour groups, June 2026 edition." in text and "2 neighbour groups: 2 new" in text
    page.locator("#national-confirm").click()
    page.wait_for_selector('#national-preview h2:text-is("Imported")')
    engine = db.make_engine(writable_database(writable_app))
    assert ("2026-06", "June 2026") in national.neighbour_editions(engine)
    engine.dispose()


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_only_admins_may_import_national_figures(page_as, writable_app, role):
    page = page_as(role)
    page.goto(writable_app + "/")
    page.locator("#main h1").first.wait_for()
    assert "National figures" not in page.get_by_role("navigation", name="Main").inner_text()
    response = page.goto(writable_app + "/admin/national")
    assert response.status == 403
    assert page.get_by_role("heading", name="This page is not available to you").is_visible()
    assert page.locator("#national-upload").count() == 0
    page.console_problems.clear()  # the refusal is the point of this test


def test_the_page_is_linked_for_admins_and_fits_a_phone(page_as, writable_app, output_dir):
    page = page_as("admin")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(writable_app + "/admin/national")
    page.wait_for_selector("#national-upload")
    assert page.get_by_role("navigation", name="Main").locator('a[href="/admin/national"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "national-phone", output_dir)
