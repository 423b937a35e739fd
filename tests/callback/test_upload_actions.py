"""The upload page with the Actions sheet, through the real HTTP endpoint: the template it offers lists the plan's
open actions, the check counts the ratings a return would add or change, and confirming writes them."""

from __future__ import annotations

import base64
import io

import openpyxl

from dashboard import ids
from measures.domain.periods import long_label, shift_period
from measures.storage import reads
from measures.storage.plan import action, current_actions, plan_ratings
from tests.auth_helpers import callback, client_as
from tests.callback.test_upload_preview_words import OUTPUT, _words
from tests.returns import builders
from tests.returns.builders import action_row, template_row


def _confirm_key(app) -> str:
    """The confirm callback's output key as the app registered it (its outputs allow duplicates: hashed names)."""
    matches = [key for key in app.callback_map if f"{ids.CONFIRM_BUTTON}.disabled@" in key]
    assert len(matches) == 1, matches
    return matches[0]


def _plan(engine) -> tuple[list[str], str]:
    """The demo plan's open actions, in the plan's order, and the month after the latest stored (a draft month, as
    a new return's is)."""
    numbers = [action.number for action in current_actions(engine) if not action.closed]
    assert len(numbers) > 10  # the demo loads the published plan
    return numbers, shift_period(reads.latest_period(engine), 1)


def _check(client, path) -> dict:
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    response = callback(
        client,
        OUTPUT,
        [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        [{"id": ids.UPLOAD, "property": "filename", "value": path.name}],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]


def test_the_offered_template_lists_the_open_actions(app):
    from dashboard.server import data

    numbers, _month = _plan(data.engine())
    response = callback(
        client_as(app, "officer"),
        f"{ids.TEMPLATE_DOWNLOAD}.data",
        [{"id": ids.TEMPLATE_BUTTON, "property": "n_clicks", "value": 1}],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    sent = response.get_json()["response"][ids.TEMPLATE_DOWNLOAD]["data"]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    sheet = workbook["Actions"]
    assert [sheet[f"A{row}"].value for row in range(2, len(numbers) + 2)] == numbers
    assert sheet[f"A{len(numbers) + 2}"].value is None
    first = action(data.engine(), numbers[0])
    assert first is not None and sheet["B2"].value == first.text and sheet["C2"].value == first.lead


def test_the_check_counts_the_ratings_and_confirming_writes_them(app, tmp_path):
    from dashboard.server import data

    (green, red, *_), month = _plan(data.engine())
    path = builders.template_workbook(tmp_path / "return.xlsx", [template_row("2.3", month, value=9)])
    builders.add_actions_sheet(path, [action_row(green, "Green", "On track"), action_row(red, "Red", "Stuck")])
    client = client_as(app, "officer")
    checked = _check(client, path)
    words = " ".join(_words(checked[ids.UPLOAD_PREVIEW]["children"]).split())
    assert (
        f"Actions sheet: 2 BRAG ratings of the improvement plan's actions for {long_label(month)}: "
        "2 new, 0 changed, 0 unchanged." in words
    ), words
    assert not any(month in months for months in plan_ratings(data.engine()).values())
    token = checked[ids.STAGED_TOKEN]["data"]
    response = callback(
        client,
        _confirm_key(app),
        [{"id": ids.CONFIRM_BUTTON, "property": "n_clicks", "value": 1}],
        [
            {"id": ids.STAGED_TOKEN, "property": "data", "value": token},
            {"id": ids.UPLOAD_REASON, "property": "value", "value": ""},
        ],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    done = " ".join(_words(response.get_json()["response"][ids.UPLOAD_PREVIEW]["children"]).split())
    assert "Imported" in done and "2 new, 0 changed" in done, done
    ratings = plan_ratings(data.engine())
    assert (ratings[green][month].brag, ratings[red][month].brag) == ("green", "red")
    assert ratings[red][month].actor and ratings[red][month].source == "return"


def test_a_refused_sheet_is_listed_cell_by_cell_and_nothing_is_staged(app, tmp_path):
    from dashboard.server import data

    (first, *_), month = _plan(data.engine())
    path = builders.template_workbook(tmp_path / "return.xlsx", [template_row("2.3", month, value=9)])
    builders.add_actions_sheet(path, [action_row("7.77", "Green", "x"), action_row(first, "Red", None)])
    checked = _check(client_as(app, "officer"), path)
    words = " ".join(_words(checked[ids.UPLOAD_PREVIEW]["children"]).split())
    assert "cannot be imported yet" in words
    assert "The improvement plan has no action 7.77" in words and "The rating is Red but no progress" in words
    assert checked[ids.STAGED_TOKEN]["data"] is None and checked[ids.CONFIRM_BUTTON]["disabled"] is True
