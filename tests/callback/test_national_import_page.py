"""The national figures page through the real HTTP endpoint: admins only, every problem reported, a checked file
imported on confirmation, nothing written by a check."""

from __future__ import annotations

import base64
import json

import pytest

from measures.storage import audit, national
from tests.auth_helpers import callback, client_as
from tests.rendered import rendered, route, text
from tests.unit.test_national_import import lait_csv, row


def _key(app, *parts: str) -> str:
    [key] = [key for key in app.callback_map if all(part in key for part in parts)]
    return key


def _contents(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def _check(app, client, data: bytes, filename: str = "lait.csv", edition: str = ""):
    return callback(
        client,
        _key(app, "national-preview.children...", "national-token.data..."),
        [
            {"id": "national-upload", "property": "contents", "value": _contents(data)},
            {"id": "national-edition", "property": "value", "value": edition},
        ],
        [{"id": "national-upload", "property": "filename", "value": filename}],
    )


def test_the_page_is_for_admins_and_credits_the_source(app):
    page = text(rendered(client_as(app, "admin"), "/admin/national"))
    assert "Import national figures" in page
    assert "Source: Department for Education, Local Authority Interactive Tool" in page
    assert "Neighbour group editions held: April 2021, May 2025." in page


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("viewer", 403), ("officer", 403)])
def test_the_page_is_refused_to_anyone_but_admins(app, role, status):
    client = client_as(app, role)
    response = route(client, "/admin/national", "")
    assert response.status_code == status
    assert "national-upload" not in response.get_data(as_text=True)
    assert client.get("/admin/national").status_code in (302, 403)


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_the_check_callback_refuses_anyone_but_an_admin(app, role):
    from dashboard.server import data

    response = _check(app, client_as(app, role), lait_csv([row("61", year="2026")]))
    assert response.status_code == 403
    assert audit.audit_frame(data.engine(), action="national.checked").empty


def test_a_refused_file_lists_every_problem_and_gives_no_token(app):
    response = _check(app, client_as(app, "admin"), lait_csv([row("61", year="2026"), row("abc", year="2026 (Draft)")]))
    assert response.status_code == 200
    outputs = response.get_json()["response"]
    preview = text(outputs["national-preview"]["children"])
    assert "This file cannot be imported" in preview
    assert "Row 3, column C (Years): '2026 (Draft)' is not a year" in preview
    assert "Row 3, column E (Values): 'abc' is neither a number" in preview
    assert outputs["national-token"]["data"] is None and outputs["national-confirm"]["disabled"] is True


def test_a_checked_file_is_imported_on_confirmation_only(app):
    from dashboard.server import data

    client = client_as(app, "admin")
    response = _check(app, client, lait_csv([row("61", year="2026")]))
    outputs = response.get_json()["response"]
    token = outputs["national-token"]["data"]
    assert token and outputs["national-confirm"]["disabled"] is False
    assert national.national_figures(data.engine()).query("year == '2026'").empty
    confirmed = callback(
        client,
        _key(app, "national-confirm.disabled@"),
        [{"id": "national-confirm", "property": "n_clicks", "value": 1}],
        [
            {"id": "national-token", "property": "data", "value": token},
            {"id": "national-edition", "property": "value", "value": ""},
        ],
    )
    assert confirmed.status_code == 200, confirmed.get_data(as_text=True)
    assert "Imported" in text(confirmed.get_json()["response"]["national-preview"]["children"])
    assert national.national_figures(data.engine()).query("year == '2026'")["value"].tolist() == [61.0]


def test_a_file_over_the_page_limit_is_refused_with_the_command_to_use(app):
    from dashboard.pages.national_import import MAX_UPLOAD_BYTES, check_national_file

    contents = _contents(b"Short Desc," + bytes(MAX_UPLOAD_BYTES))
    with app.server.test_request_context():
        preview, token, disabled = check_national_file(contents, "", "huge.csv")
    assert token is None and disabled is True
    assert "the limit here: load it with `python -m measures benchmarks import`" in json.dumps(
        preview.to_plotly_json(), default=str
    )


def _confirm(app, client, token: str, edition: str):
    return callback(
        client,
        _key(app, "national-confirm.disabled@"),
        [{"id": "national-confirm", "property": "n_clicks", "value": 1}],
        [
            {"id": "national-token", "property": "data", "value": token},
            {"id": "national-edition", "property": "value", "value": edition},
        ],
    )


def test_a_confirmation_imports_the_edition_that_was_checked_and_no_other(app):
    # The edition box could be changed between the check and the click: the groups must never be written under
    # an edition nobody previewed, and the reference cannot be edited into another edition either.
    from pathlib import Path

    from dashboard.server import data

    workbook = (Path(__file__).resolve().parents[2] / "data" / "national" / "sn_may_2025.xlsx").read_bytes()
    client = client_as(app, "admin")
    checked = _check(app, client, workbook, filename="sn_may_2025.xlsx").get_json()["response"]
    token = checked["national-token"]["data"]
    assert "May 2025" in text(checked["national-preview"]["children"])

    changed = _confirm(app, client, token, "June 2030").get_json()["response"]
    assert "checked as the May 2025 edition, but the box now says June 2030. Nothing was imported" in text(
        changed["national-preview"]["children"]
    )
    tampered = _confirm(app, client, token.rsplit(".", 1)[0] + ".2030-06", "").get_json()["response"]
    assert "expired or was already imported" in text(tampered["national-preview"]["children"])
    assert [name for _, name in national.neighbour_editions(data.engine())] == ["April 2021", "May 2025"]

    kept = _confirm(app, client, token, "").get_json()["response"]
    assert "May 2025" in text(kept["national-preview"]["children"])
    assert [name for _, name in national.neighbour_editions(data.engine())] == ["April 2021", "May 2025"]
