"""The measure page sends the latest RECENT_MONTHS months at first and the rest, and the chart's figures as a table,
when the reader opens their Details; a synthetic figure's mark is its cell's class, not extra components. Requested
through the page router and the callback's HTTP endpoint as the browser does."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.components.judgements import SYNTHETIC_TITLE
from dashboard.components.stacked_table import SYNTHETIC_FIGURE
from dashboard.server import data
from measures.domain.periods import long_label
from measures.storage import publications, recording
from measures.views.measure import build_measure_detail
from tests.auth_helpers import callback_body, client_as
from tests.rendered import components, rendered, text

OUTPUT = (
    json.dumps(
        {"period": ["MATCH"], "ref": ["MATCH"], "table": ["MATCH"], "type": ids.MEASURE_ON_DEMAND_BODY},
        separators=(",", ":"),
    )
    + ".children"
)


def _click(client, key: dict, n_clicks: int = 1):
    """Click the summary of the on-demand Details of pattern id `key`, as the renderer sends it; return the
    response."""
    summary = {"type": ids.MEASURE_ON_DEMAND, **key}
    body = callback_body(
        OUTPUT,
        [{"id": summary, "property": "n_clicks", "value": n_clicks}],
        outputs={"id": {"type": ids.MEASURE_ON_DEMAND_BODY, **key}, "property": "children"},
    )
    # The renderer names a pattern id by its JSON, keys sorted.
    body["changedPropIds"] = [json.dumps(summary, sort_keys=True, separators=(",", ":")) + ".n_clicks"]
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def _open(client, table: str, ref: str, period: str, n_clicks: int = 1):
    """Click the summary of the on-demand Details `table` of measure `ref` as at `period`; return the response."""
    return _click(client, {"table": table, "ref": ref, "period": period}, n_clicks)


def _sent(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return next(iter(response.get_json()["response"].values()))["children"]


def _nothing(response) -> bool:
    """True when the callback changed nothing (a pattern-matching callback answers with an empty response)."""
    return response.status_code == 204 or (response.status_code == 200 and response.get_json()["response"] == {})


def _by_id(tree, component_id) -> dict:
    (found,) = [c for c in components(tree) if c["props"].get("id") == component_id]
    return found


def _body_rows(table: dict) -> list[dict]:
    return [c for c in components(table) if c["type"] == "Tr" and c["props"].get("role") == "row"][1:]


def test_the_latest_months_come_first_and_every_other_month_when_asked(app):
    from dashboard.pages.measure import RECENT_MONTHS  # a page module is imported once the app is made

    client = client_as(app, "officer")
    page = rendered(client, "/measure/3.1", "?period=2023-01")
    detail = build_measure_detail(data.engine(), "3.1", "2023-01")
    every = [long_label(row.period) for row in reversed(detail.series)]
    assert len(every) > RECENT_MONTHS
    recent = _body_rows(_by_id(page, ids.MEASURE_MONTHS_TABLE))
    assert [text(row["props"]["children"][0]) for row in recent] == every[:RECENT_MONTHS]
    summary = _by_id(page, {"type": ids.MEASURE_ON_DEMAND, "table": "months", "ref": "3.1", "period": "2023-01"})
    assert text(summary) == f"Show all {len(every)} months"
    # Nothing of the earlier months is in the page until asked for.
    assert not [c for c in components(page) if c["props"].get("id") == ids.MEASURE_EARLIER_MONTHS_TABLE]
    assert every[RECENT_MONTHS] not in text(page)

    earlier = _sent(_open(client, "months", "3.1", "2023-01"))
    rows = _body_rows(_by_id(earlier, ids.MEASURE_EARLIER_MONTHS_TABLE))
    assert [text(row["props"]["children"][0]) for row in rows] == every[RECENT_MONTHS:]
    # Each month's figure links to the page as at that month, as the first rows do.
    link = rows[0]["props"]["children"][0]["props"]["children"]
    assert link["type"] == "Link" and link["props"]["href"] == f"/measure/3.1?period={detail.series[-14].period}"
    # A second click (closing it) sends nothing again.
    assert _nothing(_open(client, "months", "3.1", "2023-01", n_clicks=2))


def test_the_chart_s_figures_are_a_table_sent_when_opened(app):
    client = client_as(app, "viewer")
    page = rendered(client, "/measure/3.1", "?period=2023-01")
    assert not [c for c in components(page) if c["props"].get("id") == ids.MEASURE_CHART_TABLE]
    summary = _by_id(page, {"type": ids.MEASURE_ON_DEMAND, "table": "chart", "ref": "3.1", "period": "2023-01"})
    assert text(summary) == "Show the chart's figures as a table"
    detail = build_measure_detail(data.engine(), "3.1", "2023-01")
    table = _sent(_open(client, "chart", "3.1", "2023-01"))
    rows = _body_rows(table)
    assert len(rows) == len(detail.spc_points)
    assert text(rows[-1]).endswith("Significant improvement")


def test_synthetic_figures_are_marked_by_their_cell_s_class_and_read_as_synthetic(app):
    client = client_as(app, "officer")
    page = rendered(client, "/measure/3.1", "?period=2023-01")
    earlier = _sent(_open(client, "months", "3.1", "2023-01"))
    chart = _sent(_open(client, "chart", "3.1", "2023-01"))
    for tree in (_by_id(page, ids.MEASURE_MONTHS_TABLE), earlier, chart):
        cells = [c for c in components(tree) if SYNTHETIC_FIGURE in (c["props"].get("className") or "").split()]
        assert cells, "the demonstration's figures are synthetic"
        assert all(c["type"] == "Td" and c["props"]["title"] == SYNTHETIC_TITLE for c in cells)
        assert all(isinstance(c["props"]["children"], str) for c in cells)  # the figure alone: the mark is CSS
        assert not [c for c in components(tree) if c["type"] in ("Sup", "Span")]


def test_a_viewer_is_sent_no_month_they_may_not_see(app):
    engine = data.engine()
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", "2023-02", numerator=6161, denominator=9973, value=6161 / 9973 * 100)],
        recording.UploadInfo(kind="import", filename="return-2023-02.xlsx", user_name="Olu Officer"),
    )
    assert publications.month_state(engine, "2023-02").state == "draft"
    viewer, officer = client_as(app, "viewer"), client_as(app, "officer")
    for table in ("months", "chart"):
        # The page as at a draft month reads, for a viewer, as at a month with no figure yet: so do its tables.
        sent = text(_sent(_open(viewer, table, "3.1", "2023-02")))
        assert "6,161" not in sent and "9,973" not in sent and "February 2023" not in sent
    shown = text(_sent(_open(officer, "chart", "3.1", "2023-02")))
    assert "February 2023" in shown and "6,161 of 9,973" in shown


@pytest.mark.parametrize(
    "key",
    [
        {"table": "revisions", "ref": "3.1", "period": "2023-01"},
        {"table": "months", "ref": "3.1", "period": "2023-13"},
        {"table": "months", "ref": ["3.1"], "period": "2023-01"},
        {"table": "chart", "ref": "3.1", "period": None},
    ],
)
def test_an_odd_request_is_sent_nothing(app, key):
    response = _click(client_as(app, "viewer"), key)
    # Refused as malformed (an id Dash never made), or answered with nothing: never a table, never a failure.
    assert response.status_code == 400 or _nothing(response)


def test_an_unknown_measure_is_said_and_a_reader_not_signed_in_is_refused(app):
    assert text(_sent(_open(client_as(app, "viewer"), "months", "9.99", "2023-01"))) == "There is no measure 9.99."
    assert _open(app.server.test_client(), "months", "3.1", "2023-01").status_code in (401, 403)
