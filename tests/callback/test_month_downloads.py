"""The whole month to download beside the pack's PDF (`/pack.xlsx`, `/pack.csv`), requested through the app's own
routes as a browser would, and opened as a spreadsheet opens them: a sheet per area with the headline and the plan,
every verdict in the page's words, numbers rounded as the page shows them, drafts for officers only and marked
DRAFT, and text that would run as a formula written as text."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pytest
from openpyxl import load_workbook

from measures.domain.catalogue import load_catalogue
from measures.storage import catalogue_records, publications, recording
from measures.storage.edits import add_commentary
from tests.auth_helpers import client_as
from tests.rendered import components, rendered, spoken

DRAFT = "2023-02"
HOSTILE = ('=HYPERLINK("http://example.com","x")', "+44 1432 260000", "-2+3", "@SUM(A1:A9)")


def _workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.get_data()))


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def _table(sheet) -> list[dict]:
    """The rows of a sheet's table (below its title lines and a blank row), as dicts by column."""
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(index for index, row in enumerate(rows) if row[0] is None) + 1
    columns = rows[header]
    return [dict(zip(columns, row, strict=False)) for row in rows[header + 1 :]]


def _filename(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)


@pytest.fixture
def draft_app(app):
    """The demo with February 2023 imported and not published: 3.1 at 6161/9973 (61.77679...%)."""
    from dashboard.server import data

    recording.record_values(
        data.engine(),
        [recording.ValueRow("3.1", DRAFT, numerator=6161, denominator=9973, value=6161 / 9973 * 100)],
        recording.UploadInfo(kind="import", filename="return-2023-02.xlsx", user_name="Olu Officer"),
    )
    assert publications.month_state(data.engine(), DRAFT).state == "draft"
    return app


def test_the_workbook_opens_with_the_headline_every_area_and_the_plan(app):
    response = client_as(app, "viewer").get("/pack.xlsx?period=2023-01")
    workbook = _workbook(response)
    assert _filename(response) == "measures-that-matter-2023-01.xlsx"
    assert workbook.sheetnames == ["Headline", *(f"Area {n}" for n in range(1, 11)), "Plan"]
    area = workbook["Area 3"]
    assert area["A1"].value == "Area 3: Timeliness, as at January 2023"
    assert area["A2"].value.startswith("Published on ")
    # Each table is a spreadsheet table from its header row down, so a screen reader announces the column names.
    assert [(name, area.tables[name].ref) for name in area.tables] == [("Area_3", "A4:AD8")]
    assert workbook.properties.title == "Herefordshire: Measures that Matter, as at January 2023"
    rows = {row["Ref"]: row for row in _table(area)}
    assert list(rows) == ["3.1", "3.2", "3.3", "3.4"]
    row = rows["3.1"]
    assert (row["Numerator"], row["Denominator"], row["Value"]) == (236, 304, 77.6)  # 236/304 is 77.631...
    assert row["Figure as shown"] == "236/304 77.6%" and row["Previous month's value"] == 68.0
    assert (row["Direction"], row["Judgement"]) == ("up", "better")
    assert row["Change since last month"] == "Up 9.6 points, better"
    assert (row["RAG"], row["Against target"], row["Rating of the figure of"]) == ("none", "No target", None)
    # The rating says the month of the figure it rates; an earlier month's "on target" is no success now.
    tbc = {row["Ref"]: row for row in _table(workbook["Area 10"])}
    assert (tbc["10.2"]["RAG"], tbc["10.2"]["Rating of the figure of"]) == ("red", "2022-12")
    assert tbc["10.2"]["Against target"] == "Off target, as at December 2022"
    assert (tbc["10.3"]["RAG"], tbc["10.3"]["Figure as shown"]) == ("none", "TBC")
    assert tbc["10.3"]["Against target"] == "Not rated: no figure (on target in December 2022)"
    # A spreadsheet shows the figures as the page does: 68.0, not 68; counts as whole numbers.
    cells = {cell.value: cell for cell in next(r for r in area.iter_rows() if r[0].value == "3.1")}
    assert cells[68.0].number_format == "#,##0.0" and cells[236].number_format == "#,##0"
    assert row["Against target"] and row["Variation (SPC)"] and row["National comparator"]
    assert row["Objective"] and row["Timescale"] is not None and row["Best practice"]
    headline = {row["Item"]: row["Value"] for row in _table(workbook["Headline"])}
    assert headline["As at"] == "January 2023" and headline["Measures"] == 38
    plan = _table(workbook["Plan"])
    assert plan and {"Action", "BRAG", "Overdue", "Impact since completion"} <= set(plan[0])
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)


def test_every_verdict_of_the_download_is_what_the_pack_says_for_the_same_measure(app):
    client = client_as(app, "viewer")
    workbook = _workbook(client.get("/pack.xlsx?period=2023-01"))
    pack = rendered(client, "/pack", "?period=2023-01")
    # The measure's own row of its area's table (the summary's concerns and the small charts carry data-ref too).
    page_rows = {
        c["props"]["data-ref"]: spoken(c)
        for c in components(pack)
        if "data-ref" in c["props"] and "pack-row" in str(c["props"].get("className", "")).split()
    }
    checked = 0
    for number in range(1, 11):
        for row in _table(workbook[f"Area {number}"]):
            words = " ".join(page_rows[row["Ref"]].split())
            for column in ("Figure as shown", "Change since last month", "Against target", "Variation (SPC)"):
                assert " ".join(str(row[column]).split()) in words, (row["Ref"], column, row[column], words)
            checked += 1
    assert checked == 38


def test_every_value_is_rounded_as_the_page_shows_it(app):
    from dashboard.server import data

    catalogue = catalogue_records.read_catalogue(data.engine())
    rows = _csv(client_as(app, "viewer").get("/pack.csv?period=2023-01"))
    assert len(rows) == 38
    for row in rows:
        decimals = catalogue.measure(row["Ref"]).decimals
        for column in ("Value", "Previous month's value", "Figure Nov-22", "Figure Dec-22", "Figure Jan-23"):
            text = row[column]
            if re.fullmatch(r"-?\d+(\.\d+)?", text):
                places = len(text.split(".")[1]) if "." in text else 0
                assert places <= decimals, (row["Ref"], column, text)
    by_ref = {row["Ref"]: row for row in rows}
    assert by_ref["3.1"]["Value"] == "77.6" and by_ref["3.1"]["Area"] == "3"
    assert by_ref["2.6"]["Figure Jan-23"] == "TBC" and by_ref["2.6"]["Value"] == ""  # TBC is never zero


def test_a_viewer_cannot_download_a_draft_month_and_gets_the_newest_published(draft_app):
    client = client_as(draft_app, "viewer")
    for path in ("/pack.xlsx", "/pack.csv"):
        draft = client.get(f"{path}?period={DRAFT}")
        unknown = client.get(f"{path}?period=2026-02")
        assert (draft.status_code, unknown.status_code) == (404, 404)
        assert draft.get_data(as_text=True) == unknown.get_data(as_text=True).replace("February 2026", "February 2023")
    latest = client.get("/pack.csv")
    assert _filename(latest) == "measures-that-matter-2023-01.csv"
    rows = _csv(latest)
    assert {row["As at"] for row in rows} == {"2023-01"}
    assert not any(row["Publication"].startswith("DRAFT") for row in rows)
    assert next(row for row in rows if row["Ref"] == "3.1")["Value"] == "77.6"
    assert "Figure Feb-23" not in rows[0] and "Figure Jan-23" in rows[0]


def test_nobody_signed_out_and_no_malformed_month_gets_a_download(draft_app):
    visitor = client_as(draft_app, None)
    assert visitor.get("/pack.xlsx?period=2023-01").status_code in (302, 401)
    assert visitor.get("/pack.csv?period=2023-01").status_code in (302, 401)
    viewer = client_as(draft_app, "viewer")
    assert viewer.get("/pack.xlsx?period=2023-1'").status_code == 400
    assert viewer.get("/pack.csv?period=13-2023").status_code == 400


def test_open_viewing_downloads_published_months_only(draft_app, monkeypatch):
    monkeypatch.setenv("MEASURES_OPEN_VIEWING", "service")
    visitor = client_as(draft_app, None)
    assert visitor.get(f"/pack.xlsx?period={DRAFT}").status_code == 404
    assert _filename(visitor.get("/pack.xlsx")) == "measures-that-matter-2023-01.xlsx"


def test_an_officer_downloads_a_draft_month_that_says_draft_in_the_file(draft_app):
    client = client_as(draft_app, "officer")
    response = client.get(f"/pack.xlsx?period={DRAFT}")
    workbook = _workbook(response)
    assert _filename(response) == f"measures-that-matter-{DRAFT}-DRAFT.xlsx"
    for sheet in workbook:
        assert sheet["A1"].value.startswith("DRAFT: February 2023 is not published"), sheet.title
    headline = {row["Item"]: row["Value"] for row in _table(workbook["Headline"])}
    assert headline["Publication"] == "DRAFT: not published"
    assert headline["Completeness"].startswith("1 of 38 measures has a figure for February 2023")
    row = next(row for row in _table(workbook["Area 3"]) if row["Ref"] == "3.1")
    assert row["Value"] == 61.8  # 6161/9973 = 61.7767...
    rows = _csv(client.get(f"/pack.csv?period={DRAFT}"))
    assert {row["Publication"] for row in rows} == {"DRAFT: not published"}
    assert {row["As at"] for row in rows} == {DRAFT}


@pytest.fixture
def hostile_app(app):
    """The demo with a measure title, commentary and an area title that would each run as a formula."""
    from dashboard.server import data

    engine = data.engine()
    catalogue = load_catalogue()
    measures = tuple(dataclasses.replace(m, title=HOSTILE[0]) if m.ref == "3.1" else m for m in catalogue.measures)
    catalogue_records.sync_catalogue(engine, dataclasses.replace(catalogue, measures=measures))
    for ref, text in zip(("3.1", "3.2", "3.3", "1.1"), HOSTILE, strict=True):
        add_commentary(engine, ref, "2023-01", text, "Olu Officer")
    add_commentary(engine, "1.2", "2023-01", "Fine start\n=1+1 on the second line", "Olu Officer")
    return app


def test_a_title_or_commentary_that_would_run_as_a_formula_is_written_as_text(hostile_app):
    client = client_as(hostile_app, "viewer")
    workbook = _workbook(client.get("/pack.xlsx?period=2023-01"))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    area3 = {row["Ref"]: row for row in _table(workbook["Area 3"])}
    assert area3["3.1"]["Measure"] == "'" + HOSTILE[0]
    assert [area3[ref]["Commentary"] for ref in ("3.1", "3.2", "3.3")] == ["'" + text for text in HOSTILE[:3]]
    area1 = {row["Ref"]: row for row in _table(workbook["Area 1"])}
    assert area1["1.1"]["Commentary"] == "'" + HOSTILE[3]
    assert area1["1.2"]["Commentary"] == "Fine start\n'=1+1 on the second line"
    rows = {row["Ref"]: row for row in _csv(client.get("/pack.csv?period=2023-01"))}
    assert rows["3.1"]["Measure"] == "'" + HOSTILE[0] and rows["1.1"]["Commentary"] == "'" + HOSTILE[3]
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows.values() for value in row.values())


def test_the_pack_printers_session_and_a_post_get_no_download(app):
    """The print session opened for the PDF reads the pack as at its month and nothing else, and the downloads
    take no writes."""
    from dashboard.server.auth import PRINT_TOKEN_COOKIE
    from dashboard.server.data import engine
    from measures.accounts.print_tokens import issue_print_token

    printer = app.server.test_client()
    printer.set_cookie(PRINT_TOKEN_COOKIE, issue_print_token(engine(), "/pack", "2023-01"))
    assert printer.get("/pack?period=2023-01").status_code == 200
    for path in ("/pack.xlsx?period=2023-01", "/pack.csv?period=2023-01"):
        assert printer.get(path).status_code == 403, path
        assert client_as(app, "admin").post(path).status_code == 405, path


def test_the_pack_offers_both_downloads_of_the_month_it_shows(draft_app):
    def links(role: str, search: str) -> dict[str, str]:
        tree = rendered(client_as(draft_app, role), "/pack", search)
        return {
            c["props"]["id"]: c["props"]["href"]
            for c in components(tree)
            if c["props"].get("id") in ("pack-xlsx-link", "pack-csv-link")
        }

    assert links("viewer", "?period=2023-01") == {
        "pack-xlsx-link": "/pack.xlsx?period=2023-01",
        "pack-csv-link": "/pack.csv?period=2023-01",
    }
    # An officer reading the draft month is offered its files, which say DRAFT (the PDF is for published months).
    assert links("officer", f"?period={DRAFT}") == {
        "pack-xlsx-link": f"/pack.xlsx?period={DRAFT}",
        "pack-csv-link": f"/pack.csv?period={DRAFT}",
    }


def test_a_figure_revised_after_publication_is_marked_in_the_download(app):
    from dashboard.server import data

    recording.record_values(
        data.engine(),
        [recording.ValueRow("3.1", "2023-01", numerator=240, denominator=304, value=240 / 304 * 100)],
        recording.UploadInfo(kind="import", filename="fix.xlsx", user_name="Olu Officer", reason="Four late audits"),
    )
    workbook = _workbook(client_as(app, "viewer").get("/pack.xlsx?period=2023-01"))
    rows = {row["Ref"]: row for row in _table(workbook["Area 3"])}
    assert (rows["3.1"]["Value"], rows["3.1"]["Revised since publication"]) == (78.9, "yes")
    assert rows["3.2"]["Revised since publication"] is None
    assert workbook["Area 3"]["A2"].value.endswith("; 1 figure revised since: 3.1.")
