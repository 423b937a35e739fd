"""The upload page in a real browser: a good return previewed and imported, a broken one refused cell by cell."""

from __future__ import annotations

import pytest

from measures.storage import audit, db, reads
from tests.browser.axe import assert_accessible
from tests.browser.conftest import writable_database
from tests.returns.builders import template_row, template_workbook

pytestmark = pytest.mark.browser


def _upload(page, writable_app, path):
    page.goto(writable_app + "/upload")
    page.wait_for_selector("#return-upload")
    assert "Figures you import are recorded as yours (Olu Officer)" in page.locator("main").inner_text()
    page.locator("#return-upload input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#upload-preview .notice")


def test_a_broken_return_lists_every_problem_and_cannot_be_confirmed(page, writable_app, tmp_path, output_dir):
    path = template_workbook(
        tmp_path / "broken.xlsx",
        [
            template_row("3.9", "2023-01", numerator=1, denominator=2),
            template_row("3.1", "2023-01", numerator="forty", denominator=304),
            template_row("2.1", "2023-01", value=104),
        ],
    )
    _upload(page, writable_app, path)
    assert "cannot be imported yet" in page.locator("#upload-preview").inner_text()
    cells = page.locator(".issues-error tbody tr td:nth-child(2)").all_inner_texts()
    assert cells == ["A2", "E3", "G4"]
    assert page.locator("#confirm-import").is_disabled()
    engine = db.make_engine(writable_database(writable_app))
    checked = audit.audit_frame(engine, action="return.checked", limit=1).iloc[0]
    assert (checked.actor, checked.subject, checked.detail["errors"]) == ("Olu Officer", "broken.xlsx", 3)
    engine.dispose()
    page.screenshot(path=str(output_dir / "upload-refused.png"), full_page=True)


def test_a_good_return_is_previewed_then_imported_and_links_to_the_month(page, writable_app, tmp_path, output_dir):
    path = template_workbook(
        tmp_path / "february.xlsx",
        [
            template_row("3.1", "2023-02", numerator=250, denominator=310),
            template_row("2.3", "2023-02", value=9),
        ],
    )
    _upload(page, writable_app, path)
    preview = page.locator("#upload-preview").inner_text()
    assert "Ready to import" in preview
    assert "2 figures for February 2023: 2 new, 0 revised, 0 unchanged." in preview
    page.screenshot(path=str(output_dir / "upload-preview.png"), full_page=True)
    page.click("#confirm-import")
    page.wait_for_selector('#upload-preview h2:text-is("Imported")')
    link = page.get_by_role("link", name="See the Measures that Matter table as at February 2023")
    link.click()
    page.wait_for_selector("#measure-3-1 td.latest")
    assert page.locator("#measure-3-1 td.latest").inner_text() == "250/310 80.6%"
    engine = db.make_engine(writable_database(writable_app))
    event = audit.audit_frame(engine, action="return.imported", limit=1).iloc[0]
    assert (event.actor, event.subject, event.detail["added"]) == ("Olu Officer", "february.xlsx", 2)
    assert reads.uploads_frame(engine).iloc[0].user_name == "Olu Officer"
    engine.dispose()


def test_an_xlsm_return_with_percent_cells_and_markers_is_accepted(page, writable_app, tmp_path):
    import zipfile

    from tests.returns.builders import percent

    built = template_workbook(
        tmp_path / "built.xlsx",
        [
            template_row("2.1", "2023-02", value=percent(0.61)),
            template_row("2.3", "2023-02", value="*"),
            template_row("10.2", "2023-02", value="n/a"),
        ],
    )
    path = tmp_path / "february.xlsm"  # what Excel writes for a macro-enabled workbook: its own content type
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(item.filename, content)
    page.goto(writable_app + "/upload")
    page.wait_for_selector("#return-upload")
    assert ".xlsm" in page.locator("#return-upload input[type=file]").get_attribute("accept").split(",")
    _upload(page, writable_app, path)
    preview = page.locator("#upload-preview").inner_text()
    assert "Ready to import" in preview, preview
    assert "61.0%" in preview and "Suppressed (small number)" in preview and "Not applicable" in preview, preview


def test_on_a_phone_the_checked_return_fits_the_screen_and_its_advice_is_readable(page, writable_app, tmp_path):
    path = template_workbook(
        tmp_path / "phone.xlsx",
        [
            template_row("3.9", "2023-03", numerator=1, denominator=2),
            template_row("3.1", "2023-03", numerator="forty", denominator=304),
        ],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    _upload(page, writable_app, path)
    # The issue and change tables were wider than a phone, so the whole page slid sideways, and the advice
    # column was squeezed to a word or two a line.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    advice = page.locator(".issues-error tbody tr td:last-child").first.bounding_box()
    assert advice["width"] >= 180, advice
    assert_accessible(page, "upload-refused-phone")  # the issues laid out as grids are still a table to axe
