"""Hostile input in every field a user can type or upload (measure titles, team names, notes, commentary, file
names) is shown as text, never run as HTML or script; SQL in it stays data."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from sqlalchemy import inspect

from measures.domain.catalogue import Catalogue
from measures.storage import catalogue_records, db, reads, recording
from measures.storage.recording import UploadInfo, ValueRow
from tests.browser.conftest import _serve, _stop
from tests.returns.builders import template_row, template_workbook

pytestmark = pytest.mark.browser

TITLE = '<img src=x onerror="window.__pwned=1">Assessments'
TEAM = "<script>window.__pwned=2</script>Team X"
NOTE = '"><svg onload="window.__pwned=3">'
COMMENT = "Robert'); DROP TABLE observations;-- <b onmouseover=window.__pwned=4>hover</b>"
FILE_NAME = '"><img src=y onerror=window.__pwned=5>.xlsx'


@pytest.fixture(scope="module")
def hostile_app(demo_database, catalogue, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    database = folder / "hostile.db"
    shutil.copy(demo_database, database)
    engine = db.make_engine(f"sqlite:///{database}")
    measures = tuple(dataclasses.replace(m, short_title=TITLE) if m.ref == "3.1" else m for m in catalogue.measures)
    catalogue_records.sync_catalogue(engine, Catalogue(catalogue.areas, measures))
    recording.record_values(
        engine,
        [ValueRow("3.1", "2023-01", team=TEAM, numerator=5, denominator=10, value=50.0, note=NOTE)],
        UploadInfo(kind="import", filename=FILE_NAME, user_name=TEAM),
        commentary_rows=[{"ref": "3.1", "period": "2023-01", "text": COMMENT}],
    )
    engine.dispose()
    process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    yield base_url, database
    _stop(process, log)


def _no_script_ran(page) -> None:
    assert page.evaluate("window.__pwned === undefined"), "hostile markup ran as script"
    assert page.locator("img[src=x], img[src=y]").count() == 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/?period=2023-01", TITLE),
        ("/measure/3.1?period=2023-01", COMMENT),
        ("/measure/3.1?period=2023-01", TITLE),
        ("/teams/3.1?period=2023-01", TEAM),
    ],
)
def test_hostile_text_is_shown_as_text(page, hostile_app, path, expected):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base_url, _ = hostile_app
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    page.get_by_text(expected, exact=False).first.wait_for()
    _no_script_ran(page)
    assert not dialogs


def test_a_hostile_file_name_and_cells_in_an_upload_are_shown_as_text(page, hostile_app, tmp_path):
    base_url, database = hostile_app
    path = template_workbook(
        tmp_path / "hostile.xlsx",
        [
            template_row("3.1", "2023-01", numerator="<script>window.__pwned=6</script>", denominator=304),
            template_row("<img src=x onerror=window.__pwned=7>", "2023-01", value=1),
        ],
    )
    renamed = tmp_path / FILE_NAME.replace("/", "_")
    path.rename(renamed)
    page.goto(base_url + "/upload")
    page.wait_for_selector("#return-upload")
    page.locator("#return-upload input[type=file]").set_input_files(str(renamed))
    page.wait_for_selector("#upload-preview .notice")
    assert "<script>window.__pwned=6</script>" in page.locator("#upload-preview").inner_text()
    _no_script_ran(page)


def test_sql_in_text_stays_data(hostile_app):
    _, database = hostile_app
    engine = db.make_engine(f"sqlite:///{database}")
    assert "observations" in inspect(engine).get_table_names()
    assert reads.commentary_frame(engine, "3.1")["text"].tolist()[-1] == COMMENT
    assert TEAM in reads.known_teams(engine)
    engine.dispose()
