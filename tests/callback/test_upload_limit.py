"""The upload limit is enforced by the server, not only by the browser's file picker."""

from __future__ import annotations

import base64
import json

from dashboard import UPLOAD_REQUEST_LIMIT
from measures.returns.workbook import MAX_FILE_BYTES


def test_a_request_over_the_limit_is_refused_before_it_is_read(app):
    client = app.server.test_client()
    body = json.dumps({"output": "preview.children", "inputs": [{"value": "x" * (UPLOAD_REQUEST_LIMIT + 1)}]})
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413


def test_a_decoded_file_over_10_mb_is_refused_with_a_message(app):
    from dashboard.pages.upload import check_upload

    too_big = base64.b64encode(b"PK\x03\x04" + bytes(MAX_FILE_BYTES)).decode()
    contents = "data:application/octet-stream;base64," + too_big
    preview, token, disabled = check_upload(contents, "big.xlsx")
    assert token is None and disabled is True
    assert "the limit is 10 MB" in json.dumps(preview.to_plotly_json(), default=str)
