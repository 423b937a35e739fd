"""The upload page with the Actions sheet, through the real HTTP endpoint: the template it offers lists the plan's
open actions, the check counts the ratings a return would add or change, and confirming writes them."""

from __future__ import annotations

import base64
import io

import openpyxl

from dashboard import ids
from measures.domain.periods import long_label, shift_period
from measures.storage import reads
from measures.storage.plan import add_action, plan_ratings
from tests.auth_helpers import callback, client_as
from tests.callback.test_upload_preview_words import OUTPUT, _words
from tests.returns import builders
from tests.returns.builders import action_row, template_row


def _confirm_key(app) -> str:
    """The confirm callback's output key as the app registered it (its outputs allow duplicates: hashed names)."""
    matches = [key for key in app.callback_map if f"{ids.CONFIRM_BUTTON}.disabled@" in key]
    assert len(matches) == 1, matches
    return matches[0]


def _plan(engine) -> str:
    """Two open actions; returns the month after the latest stored (a draft month, as a new return's is)."""
    for number in ("2.4", "3.2"):
        add_action(
            engine,
            number=number,
            area=int(number.split(".")[0]),
            text=f"Action {number} as the plan words it",
            lead="Head of Service",
            deadline="2023-03",
            deadline_text="",
            measures=(),
            actor="ann",
            reason="As published",
        )
    return shift_period(reads.latest_period(engine), 1)


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

    _plan(data.engine())
    response = callback(
        client_as(app, "officer"),
        f"{ids.TEMPLATE_DOWNLOAD}.data",
        [{"id": ids.TEMPLATE_BUTTON, "property": "n_clicks", "value": 1}],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    sent = response.get_json()["response"][ids.TEMPLATE_DOWNLOAD]["data"]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sent["content"])))
    assert [workbook["Actions"][f"A{row}"].value for row in (2, 3)] == ["2.4", "3.2"]
    assert workbook["Actions"]["B2"].value == "Action 2.4 as the plan words it"


def test_the_check_counts_the_ratings_and_confirming_writes_them(app, tmp_path):
    from dashboard.server import data

    month = _plan(data.engine())
    path = builders.template_workbook(tmp_path / "return.xlsx", [template_row("2.3", month, value=9)])
    builders.add_actions_sheet(path, [action_row("2.4", "Green", "On track"), action_row("3.2", "Red", "Stuck")])
    client = client_as(app, "officer")
    checked = _check(client, path)
    words = " ".join(_words(checked[ids.UPLOAD_PREVIEW]["children"]).split())
    assert (
        f"Actions sheet: 2 BRAG ratings of the improvement plan's actions for {long_label(month)}: "
        "2 new, 0 changed, 0 unchanged." in words
    ), words
    assert plan_ratings(data.engine()) == {}
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
    assert (ratings["2.4"][month].brag, ratings["3.2"][month].brag) == ("green", "red")
    assert ratings["3.2"][month].actor and ratings["3.2"][month].source == "return"


def test_a_refused_sheet_is_listed_cell_by_cell_and_nothing_is_staged(app, tmp_path):
    from dashboard.server import data

    month = _plan(data.engine())
    path = builders.template_workbook(tmp_path / "return.xlsx", [template_row("2.3", month, value=9)])
    builders.add_actions_sheet(path, [action_row("7.7", "Green", "x"), action_row("2.4", "Red", None)])
    checked = _check(client_as(app, "officer"), path)
    words = " ".join(_words(checked[ids.UPLOAD_PREVIEW]["children"]).split())
    assert "cannot be imported yet" in words
    assert "The improvement plan has no action 7.7" in words and "The rating is Red but no progress" in words
    assert checked[ids.STAGED_TOKEN]["data"] is None and checked[ids.CONFIRM_BUTTON]["disabled"] is True
