"""The upload page checks a return through its real HTTP endpoint: figures no return holds (infinity, NaN,
1e308) and a formula never calculated come back as a report naming each cell, never as a server error."""

from __future__ import annotations

import base64

from dashboard import ids
from dashboard.components.import_report import MAX_ISSUE_ROWS
from tests.auth_helpers import callback, client_as
from tests.returns import builders
from tests.returns.builders import template_row

OUTPUT = f"..{ids.UPLOAD_PREVIEW}.children...{ids.STAGED_TOKEN}.data...{ids.CONFIRM_BUTTON}.disabled.."


def test_infinity_nan_huge_numbers_and_uncalculated_formulas_are_reported_by_cell(app, tmp_path):
    path = builders.template_workbook(
        tmp_path / "odd.xlsx",
        [
            template_row("2.3", "2023-02", value=11),
            template_row("8.3", "2023-02", value=12),
            template_row("2.1", "2023-02", value="NaN"),
            template_row("4.1", "2023-02", value="=B5*2"),
        ],
    )
    builders.number_in_sheet(path, "G2", "INF")
    builders.number_in_sheet(path, "G3", "1e308")
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    client = client_as(app, "officer")
    response = callback(
        client,
        OUTPUT,
        [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        [{"id": ids.UPLOAD, "property": "filename", "value": "odd.xlsx"}],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True)
    for cell in ("G2", "G3", "G4", "G5"):
        assert f"cell {cell}" in text or f'"{cell}"' in text, cell
    assert "=B5*2" in text and "cannot be imported yet" in text
    body = response.get_json()["response"]
    assert body[ids.STAGED_TOKEN]["data"] is None and body[ids.CONFIRM_BUTTON]["disabled"] is True


def test_a_file_with_a_mistake_on_every_row_lists_the_first_ones_and_counts_the_rest(app, tmp_path):
    path = builders.template_workbook(
        tmp_path / "every-row.xlsx",
        [template_row("2.3", "2023-02", value=f"abc{row}", team=f"Team {row}") for row in range(1_000)],
    )
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    response = callback(
        client_as(app, "officer"),
        OUTPUT,
        [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        [{"id": ids.UPLOAD, "property": "filename", "value": "every-row.xlsx"}],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = response.get_data(as_text=True)
    assert text.count("issue issue-error") == MAX_ISSUE_ROWS
    assert "1000 error(s)" in text and f"and {1_000 - MAX_ISSUE_ROWS:,} more errors" in text
    assert "abc0" in text and "abc999" not in text
