"""The upload page served on loopback survives hostile workbooks: a file with a cell at XFD1048576 (which made the
reader abort the whole server process) is refused with the limit named, `/healthz` still answers and the next good
upload is checked and staged; and where reading a file runs out of memory, the page says the file could not be
read safely and the audit log records it."""

from __future__ import annotations

import base64
import json
import shutil
import urllib.request

import pytest

from measures.returns.isolation import MEMORY_VARIABLE
from measures.storage import audit, db
from tests.auth_helpers import NAMES, callback_body, http_opener
from tests.browser.conftest import _serve, _stop
from tests.returns import hostile_files as hostile
from tests.returns.builders import template_row, template_workbook

pytestmark = pytest.mark.isolated
CHECK_OUTPUT = "..upload-preview.children...staged-token.data...confirm-import.disabled.."


def _served(demo_database, folder, **environment):
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    return process, base_url, log, database


@pytest.fixture(scope="module")
def served(demo_database, tmp_path_factory):
    process, base_url, log, database = _served(demo_database, tmp_path_factory.mktemp("survives"))
    yield process, base_url, database
    _stop(process, log)


def _check_upload(base_url: str, filename: str, content: bytes) -> dict:
    """Post the upload page's check callback as the browser does, signed in as the officer; return its outputs."""
    opener, jar = http_opener(base_url, "officer")
    token = next(cookie.value for cookie in jar if cookie.name == "_csrf_token")
    contents = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
    body = json.dumps(
        callback_body(
            CHECK_OUTPUT,
            [{"id": "return-upload", "property": "contents", "value": contents}],
            [{"id": "return-upload", "property": "filename", "value": filename}],
        )
    ).encode()
    request = urllib.request.Request(
        base_url + "/_dash-update-component",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    with opener.open(request, timeout=120) as response:
        return json.loads(response.read())["response"]


def _healthy(base_url: str) -> bool:
    with urllib.request.urlopen(base_url + "/healthz", timeout=30) as response:
        return response.status == 200


def test_the_far_cell_file_is_refused_and_the_server_carries_on(served, tmp_path):
    process, base_url, _ = served
    far = hostile.far_cell_xlsx(tmp_path / "far.xlsx").read_bytes()
    refused = _check_upload(base_url, "far.xlsx", far)
    preview = json.dumps(refused["upload-preview"]["children"])
    assert "row 1,048,576" in preview and "at most 50,000 rows" in preview
    assert refused["staged-token"]["data"] is None and refused["confirm-import"]["disabled"] is True

    assert process.poll() is None and _healthy(base_url)
    good = template_workbook(tmp_path / "march.xlsx", [template_row("3.1", "2023-03", numerator=260, denominator=320)])
    accepted = _check_upload(base_url, "march.xlsx", good.read_bytes())
    assert accepted["staged-token"]["data"] and accepted["confirm-import"]["disabled"] is False
    assert "Ready to import" in json.dumps(accepted["upload-preview"]["children"])


def test_a_file_whose_reading_runs_out_of_memory_is_refused_safely(demo_database, tmp_path):
    process, base_url, log, database = _served(demo_database, tmp_path, **{MEMORY_VARIABLE: "64"})
    try:
        large = hostile.many_rows_xlsx(tmp_path / "large.xlsx", 40_000, columns=9).read_bytes()
        refused = _check_upload(base_url, "large.xlsx", large)
        preview = json.dumps(refused["upload-preview"]["children"])
        assert "large.xlsx could not be read safely" in preview and "Traceback" not in preview
        assert refused["staged-token"]["data"] is None
        assert process.poll() is None and _healthy(base_url)
        engine = db.make_engine(f"sqlite:///{database}")
        event = audit.audit_frame(engine, action="return.unsafe", limit=1).iloc[0]
        assert (event.actor, event.subject, event.detail["failure"]) == (NAMES["officer"], "large.xlsx", "memory")
        engine.dispose()
    finally:
        _stop(process, log)
