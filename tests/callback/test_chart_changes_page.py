"""Events and recalculations on the measure page's chart, through the real callback endpoint: officers and admins
note events, only admins recalculate limits or fix a baseline; anyone else is refused by the server before the
callback runs, and nothing is written. What was typed comes back as text."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from measures.storage import audit, catalogue_records, chart_changes
from tests.auth_helpers import NAMES, callback_body, client_as

EVENT = "MASH co-located <b>not bold</b> <script>window.x=1</script>"
TARGET = {"ref": "3.1", "period": "2023-01"}


@pytest.fixture
def db(app):
    from dashboard.server.data import engine

    return engine()


def _output(app, *parts: str) -> str:
    matches = [key for key in app.callback_map if all(part in key for part in parts)]
    assert len(matches) == 1, matches
    return matches[0]


def _post(client, output: str, inputs: list[dict], state: list[dict], changed: str):
    body = callback_body(output, inputs, state)
    body["changedPropIds"] = [changed]
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def _event_call(app, client, *, month="2022-08", text=EVENT, remove=None, reason=""):
    output = _output(app, f"{ids.MEASURE_EVENT_TEXT}.value", f"{ids.MEASURE_EVENT_ALERT}.children")
    inputs = [
        {"id": ids.MEASURE_EVENT_SAVE, "property": "n_clicks", "value": 0 if remove else 1},
        {"id": ids.MEASURE_EVENT_REMOVE, "property": "n_clicks", "value": 1 if remove else 0},
    ]
    state = [
        {"id": ids.MEASURE_EVENT_MONTH, "property": "value", "value": month},
        {"id": ids.MEASURE_EVENT_TEXT, "property": "value", "value": text},
        {"id": ids.MEASURE_EVENT_REMOVE_CHOICE, "property": "value", "value": remove},
        {"id": ids.MEASURE_EVENT_REMOVE_REASON, "property": "value", "value": reason},
        {"id": ids.MEASURE_CHART_CHANGES_TARGET, "property": "data", "value": TARGET},
    ]
    changed = f"{ids.MEASURE_EVENT_REMOVE if remove else ids.MEASURE_EVENT_SAVE}.n_clicks"
    return _post(client, output, inputs, state, changed)


def _change_call(app, client, *, kind="change", month="2022-03", end="", reason="MASH co-located", remove=None):
    output = _output(app, f"{ids.MEASURE_SPC_CHANGE_STATUS}.children")
    inputs = [
        {"id": ids.MEASURE_SPC_CHANGE_SAVE, "property": "n_clicks", "value": 0 if remove else 1},
        {"id": ids.MEASURE_SPC_CHANGE_REMOVE, "property": "n_clicks", "value": 1 if remove else 0},
    ]
    state = [
        {"id": ids.MEASURE_SPC_CHANGE_KIND, "property": "value", "value": kind},
        {"id": ids.MEASURE_SPC_CHANGE_MONTH, "property": "value", "value": month},
        {"id": ids.MEASURE_SPC_CHANGE_END, "property": "value", "value": end},
        {"id": ids.MEASURE_SPC_CHANGE_REASON, "property": "value", "value": reason},
        {"id": ids.MEASURE_SPC_CHANGE_REMOVE_CHOICE, "property": "value", "value": remove},
        {"id": ids.MEASURE_SPC_CHANGE_REMOVE_REASON, "property": "value", "value": "Recorded by mistake"},
        {"id": ids.MEASURE_CHART_CHANGES_TARGET, "property": "data", "value": TARGET},
    ]
    changed = f"{ids.MEASURE_SPC_CHANGE_REMOVE if remove else ids.MEASURE_SPC_CHANGE_SAVE}.n_clicks"
    return _post(client, output, inputs, state, changed)


def test_an_officer_notes_an_event_it_is_drawn_and_listed_as_text_and_audited(app, db):
    client = client_as(app, "officer")
    response = _event_call(app, client)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    assert "added to the chart in August 2022" in json.dumps(result[ids.MEASURE_EVENT_STATUS])
    section = json.dumps(result[ids.MEASURE_CHART_SECTION], ensure_ascii=False)
    # Listed under the chart as a string (Dash renders it as text) and in the chart's hover with its markup escaped.
    assert json.dumps(EVENT, ensure_ascii=False) in section
    assert "MASH co-located &lt;b&gt;not bold&lt;/b&gt;" in section
    assert "<b>not bold</b>" not in section.replace(json.dumps(EVENT, ensure_ascii=False), "")
    (event,) = chart_changes.chart_events(db, "3.1")
    assert (event.text, event.actor) == (EVENT, NAMES["officer"])
    assert audit.audit_frame(db, action="chart.event_added", limit=1).iloc[0]["actor"] == NAMES["officer"]

    removed = _event_call(app, client, remove=event.key, reason="Wrong measure")
    assert "taken off the chart" in json.dumps(removed.get_json()["response"][ids.MEASURE_EVENT_STATUS])
    assert chart_changes.chart_events(db, "3.1") == []


def test_an_event_refused_says_every_problem(app, db):
    client = client_as(app, "officer")
    response = _event_call(app, client, month="August", text=" ")
    alert = json.dumps(response.get_json()["response"][ids.MEASURE_EVENT_ALERT])
    assert "is not a month" in alert and "Say what happened" in alert
    assert chart_changes.chart_events(db, "3.1") == []


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), (None, 401)])
def test_a_viewer_or_a_stranger_cannot_note_an_event(app, db, role, status):
    response = _event_call(app, client_as(app, role))
    assert response.status_code == status
    assert chart_changes.chart_events(db, "3.1") == []


def test_an_admin_recalculates_the_limits_and_the_chart_says_both_views(app, db):
    client = client_as(app, "admin")
    response = _change_call(app, client)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    result = response.get_json()["response"]
    assert "recalculated from March 2022" in json.dumps(result[ids.MEASURE_SPC_CHANGE_STATUS])
    section = json.dumps(result[ids.MEASURE_CHART_SECTION], ensure_ascii=False)
    assert "Limits recalculated from March 2022: MASH co-located." in section
    assert "Without the recalculation: average" in section
    measure = catalogue_records.read_catalogue(db).measure("3.1")
    assert [change.period for change in measure.process_changes] == ["2022-03"]
    assert audit.audit_frame(db, action="chart.change_added", limit=1).iloc[0]["actor"] == NAMES["admin"]

    key = chart_changes.spc_changes(db, "3.1")[0].key
    _change_call(app, client, remove=key)
    assert catalogue_records.read_catalogue(db).measure("3.1").process_changes == ()


def test_an_admin_fixes_a_baseline_and_a_refusal_names_every_problem(app, db):
    client = client_as(app, "admin")
    refused = _change_call(app, client, kind="baseline", month="2022-06", end="2021-06", reason="")
    alert = json.dumps(refused.get_json()["response"][ids.MEASURE_SPC_CHANGE_ALERT])
    assert "last month is before its first" in alert and "Give a reason" in alert
    _change_call(app, client, kind="baseline", month="2021-04", end="2022-03", reason="The year before the review")
    baseline = catalogue_records.read_catalogue(db).measure("3.1").baseline
    assert (baseline.first, baseline.last) == ("2021-04", "2022-03")


@pytest.mark.parametrize(("role", "status"), [("officer", 403), ("viewer", 403), (None, 401)])
def test_only_an_admin_may_recalculate_limits(app, db, role, status):
    response = _change_call(app, client_as(app, role))
    assert response.status_code == status
    assert chart_changes.spc_changes(db, "3.1") == []
    baseline = _change_call(app, client_as(app, role), kind="baseline", month="2021-04", end="2022-03")
    assert baseline.status_code == status
    assert catalogue_records.read_catalogue(db).measure("3.1").baseline is None
