"""The whole month's Excel workbook and CSV, downloaded from the pack page's links in the browser as a reader does,
opened as a spreadsheet opens them, and checked against what the pack shows for the same measure."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

browser = pytest.mark.browser


def _table(sheet) -> list[dict]:
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(index for index, row in enumerate(rows) if row[0] is None) + 1
    return [dict(zip(rows[header], row, strict=False)) for row in rows[header + 1 :]]


def _download(page, selector: str) -> bytes:
    with page.expect_download() as download:
        page.locator(selector).click()
    path = download.value.path()
    assert path is not None
    with open(path, "rb") as handle:
        return handle.read()


@browser
def test_the_downloads_beside_the_pdf_hold_what_the_pack_shows(page_as, served_app, output_dir):
    page = page_as("viewer")
    page.goto(served_app + "/pack?period=2023-01")
    row = page.locator("tr[data-ref='3.1']").first
    row.wait_for()
    shown = " ".join(row.inner_text().split())
    excel, text = page.locator("#pack-xlsx-link"), page.locator("#pack-csv-link")
    assert excel.inner_text().startswith("Download Excel") and text.inner_text().startswith("Download CSV")
    assert excel.get_attribute("href") == "/pack.xlsx?period=2023-01"
    page.locator(".pack-controls").screenshot(path=str(output_dir / "pack-downloads.png"))

    workbook = load_workbook(io.BytesIO(_download(page, "#pack-xlsx-link")))
    measure = next(r for r in _table(workbook["Area 3"]) if r["Ref"] == "3.1")
    assert measure["Value"] == 77.6 and "77.6%" in shown
    for column in ("Figure as shown", "Change since last month", "Against target", "Variation (SPC)"):
        assert " ".join(str(measure[column]).split()) in shown, column

    rows = list(csv.DictReader(io.StringIO(_download(page, "#pack-csv-link").decode("utf-8-sig"), newline="")))
    by_ref = {r["Ref"]: r for r in rows}
    assert len(rows) == 38 and by_ref["3.1"]["Value"] == "77.6"
    assert by_ref["3.1"]["Figure as shown"] == measure["Figure as shown"]


@browser
def test_the_download_links_stay_within_a_phone_screen(page_as, served_app, output_dir):
    page = page_as("viewer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(served_app + "/pack?period=2023-01")
    page.locator("#pack-csv-link").wait_for()
    width = page.evaluate("window.innerWidth")
    for link in ("#pack-pdf-link", "#pack-xlsx-link", "#pack-csv-link"):
        box = page.locator(link).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (link, box, width)
    page.locator(".pack-controls").screenshot(path=str(output_dir / "pack-downloads-390.png"))
