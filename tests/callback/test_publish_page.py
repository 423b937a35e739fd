"""Publishing and withdrawing a month from the page, through the real callback endpoint: admins only; the check
says what is missing and what changed; a withdrawal needs a reason."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import ids
from measures.storage import audit, publications, recording
from tests.auth_helpers import callback, client_as
from tests.rendered import route


def _output_for(app, button: str) -> str:
    [output] = [key for key, entry in app.callback_map.items() if any(i["id"] == button for i in entry["inputs"])]
    return output


def _checked_mark(client, period: str) -> int | None:
    """The upload mark the publish page's check of `period` holds, as the browser keeps it (None if not shown)."""
    body = route(client, "/admin/publish", f"?period={period}").get_data(as_text=True)
    marks = re.findall(r'"id":\s*"' + ids.PUBLISH_CHECKED_MARK + r'",\s*"data":\s*(\d+)', body)
    return int(marks[0]) if marks else None


def _press(client, app, button: str, period: str, reason: str | None = None, mark: int | None = None):
    """Press `button` on the page's check of `period`: publishing sends the check's upload mark (the check is made
    just before, unless `mark` is given)."""
    state = [{"id": ids.PUBLISH_CHOSEN, "property": "data", "value": period}]
    if button == ids.PUBLISH_BUTTON:
        checked = _checked_mark(client, period) if mark is None else mark
        state.append({"id": ids.PUBLISH_CHECKED_MARK, "property": "data", "value": checked})
    if reason is not None:
        state.append({"id": ids.PUBLISH_REASON, "property": "value", "value": reason})
    inputs = [{"id": button, "property": "n_clicks", "value": 1}]
    return callback(client, _output_for(app, button), inputs, state)


@pytest.fixture
def february(app):
    from dashboard.server import data

    recording.record_values(
        data.engine(),
        [
            recording.ValueRow("3.1", "2023-02", numerator=240, denominator=300, value=80.0),
            recording.ValueRow("2.2", "2023-02", value=18.5),
        ],
        recording.UploadInfo(kind="import", filename="return-2023-02.xlsx", user_name="Olu Officer"),
    )
    return data.engine()


def test_the_admin_sees_what_is_missing_before_publishing(app, february):
    body = route(client_as(app, "admin"), "/admin/publish", "").get_data(as_text=True)
    assert "2 of 38 measures have a figure for February 2023; missing: 1.1, 1.2," in body
    assert "February 2023 has never been published: all 2 whole-service figures" in body
    assert "Publish February 2023" in body


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_only_admins_may_publish_or_withdraw(app, february, role):
    client = client_as(app, role)
    assert _press(client, app, ids.PUBLISH_BUTTON, "2023-02").status_code == 403
    assert _press(client, app, ids.WITHDRAW_BUTTON, "2023-01", "no").status_code == 403
    assert publications.month_state(february, "2023-02").state == "draft"
    assert publications.month_state(february, "2023-01").state == "published"


def test_publish_then_withdraw_with_a_reason_from_the_page(app, february):
    client = client_as(app, "admin")
    published = _press(client, app, ids.PUBLISH_BUTTON, "2023-02")
    assert published.status_code == 200
    assert "February 2023 is published" in published.get_data(as_text=True)
    state = publications.month_state(february, "2023-02")
    assert (state.state, state.actor) == ("published", "Ada Admin")

    refused = _press(client, app, ids.WITHDRAW_BUTTON, "2023-02", "   ")
    assert "Say why February 2023 is being withdrawn" in refused.get_data(as_text=True)
    assert publications.month_state(february, "2023-02").state == "published"

    withdrawn = _press(client, app, ids.WITHDRAW_BUTTON, "2023-02", "2.2 counted twice")
    assert "February 2023 is withdrawn" in withdrawn.get_data(as_text=True)
    state = publications.month_state(february, "2023-02")
    assert (state.state, state.reason) == ("withdrawn", "2.2 counted twice")
    events = audit.audit_frame(february, action="month.", limit=2)
    assert list(events["action"]) == ["month.withdrawn", "month.published"]
    assert set(events["actor"]) == {"Ada Admin"}


def test_the_check_lists_figures_changed_since_publication(app, february):
    client = client_as(app, "admin")
    _press(client, app, ids.PUBLISH_BUTTON, "2023-02")
    recording.record_values(
        february,
        [recording.ValueRow("3.1", "2023-02", numerator=250, denominator=300, value=250 / 3)],
        recording.UploadInfo(kind="import", filename="fix.xlsx", user_name="Olu Officer", reason="Late audits added"),
    )
    body = json.dumps(route(client, "/admin/publish", "?period=2023-02").get_json(), ensure_ascii=False)
    assert "Figures changed since it was published on" in body
    assert "published as 240/300 80.0%, now 250/300 83.3%" in body
    assert "by Olu Officer: Late audits added" in body


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("viewer", 403), ("officer", 403)])
def test_the_publish_page_is_refused_to_anyone_but_admins(app, role, status):
    client = client_as(app, role)
    response = route(client, "/admin/publish", "")
    assert response.status_code == status
    assert "Publish January 2023" not in response.get_data(as_text=True)
    assert client.get("/admin/publish").status_code in (302, 403)


def test_publishing_is_refused_when_figures_were_imported_for_the_month_after_the_check(app, february):
    """What goes out is what the admin checked: an import for the month between the check and the click is refused
    and the month stays a draft; an import for another month does not stop it."""
    client = client_as(app, "admin")
    checked = _checked_mark(client, "2023-02")
    assert checked is not None
    recording.record_values(
        february,
        [recording.ValueRow("1.1", "2023-02", value=3.0)],
        recording.UploadInfo(kind="import", filename="late-2023-02.xlsx", user_name="Olu Officer"),
    )
    refused = _press(client, app, ids.PUBLISH_BUTTON, "2023-02", mark=checked)
    assert refused.status_code == 200
    text = json.dumps(refused.get_json(), ensure_ascii=False)
    assert "New figures were imported for February 2023 since you checked it: check again before publishing." in text
    assert publications.month_state(february, "2023-02").state == "draft"

    checked = _checked_mark(client, "2023-02")
    recording.record_values(
        february,
        [recording.ValueRow("1.1", "2023-03", value=4.0)],
        recording.UploadInfo(kind="import", filename="return-2023-03.xlsx", user_name="Olu Officer"),
    )
    published = _press(client, app, ids.PUBLISH_BUTTON, "2023-02", mark=checked)
    assert "February 2023 is published" in published.get_data(as_text=True)
    assert publications.month_state(february, "2023-02").state == "published"
