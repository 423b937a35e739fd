"""The upload page through its real HTTP endpoint: a return revising a published month is refused at "Confirm"
until the officer gives the reason; the checked file is kept, so giving it and confirming again imports it."""

from __future__ import annotations

import base64
import json

from dashboard import ids
from measures.storage import publications
from tests.auth_helpers import callback, client_as
from tests.returns.builders import template_row, template_workbook


def _key(app, *parts: str) -> str:
    [key] = [key for key in app.callback_map if all(part in key for part in parts)]
    return key


def test_a_revision_of_a_published_month_needs_the_reason_box(app, tmp_path):
    from dashboard.server import data

    path = template_workbook(tmp_path / "correction.xlsx", [template_row("3.1", "2023-01", 240, 304)])
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    client = client_as(app, "officer")
    checked = callback(
        client,
        _key(app, f"{ids.UPLOAD_PREVIEW}.children...", f"{ids.STAGED_TOKEN}.data..."),
        [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        [{"id": ids.UPLOAD, "property": "filename", "value": "correction.xlsx"}],
    )
    token = checked.get_json()["response"][ids.STAGED_TOKEN]["data"]
    assert token and "already published" in json.dumps(checked.get_json(), ensure_ascii=False)

    def confirm(reason: str):
        response = callback(
            client,
            _key(app, f"{ids.CONFIRM_BUTTON}.disabled@"),
            [{"id": ids.CONFIRM_BUTTON, "property": "n_clicks", "value": 1}],
            [
                {"id": ids.STAGED_TOKEN, "property": "data", "value": token},
                {"id": ids.UPLOAD_REASON, "property": "value", "value": reason},
            ],
        )
        assert response.status_code == 200
        return response.get_json()["response"]

    refused = confirm("  ")
    assert "January 2023, a month that is already published, and no reason was given" in json.dumps(
        refused, ensure_ascii=False
    )
    assert refused[ids.CONFIRM_BUTTON]["disabled"] is False and refused[ids.STAGED_TOKEN]["data"] == token
    assert not publications.revised_figures(data.engine(), ["2023-01"])

    imported = confirm("Four late assessments added")
    assert "Imported" in json.dumps(imported)
    [revision] = publications.revised_figures(data.engine(), ["2023-01"]).values()
    assert (revision.ref, revision.by, revision.reason) == ("3.1", "Olu Officer", "Four late assessments added")
