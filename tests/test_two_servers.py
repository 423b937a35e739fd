"""Two app servers on one PostgreSQL, as behind a load balancer without sticky sessions: a session made on one
is good on the other, a return checked on one is confirmed on the other, and the sign-in delays count
failures made on both."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard import ids
from measures.cli.demo import load_demo
from measures.domain.catalogue import load_catalogue
from measures.storage import audit, catalogue_records, db, reads
from tests.auth_helpers import NAMES, callback_body, form_token, http_opener
from tests.browser.conftest import _serve, _stop
from tests.conftest import _empty_postgres
from tests.returns.builders import template_row, template_workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def two_servers(postgres_url, tmp_path_factory):
    engine = _empty_postgres(postgres_url)
    db.upgrade_schema(engine)
    catalogue = load_catalogue()
    catalogue_records.sync_catalogue(engine, catalogue)
    load_demo(engine, catalogue)
    folder = tmp_path_factory.mktemp("two-servers")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MEASURES_SECRET_KEY", raising=False)  # the servers must agree through the database alone
        servers = [_serve(postgres_url, folder / f"{name}.log") for name in ("a", "b")]
    yield engine, servers[0][1], servers[1][1]
    for process, _, log in servers:
        _stop(process, log)
    engine.dispose()


def _post_callback(opener, jar, base_url: str, output: str, inputs: list[dict], state: list[dict] | None = None):
    token = next(cookie.value for cookie in jar if cookie.name == "_csrf_token")
    body = json.dumps(callback_body(output, inputs, state)).encode()
    request = urllib.request.Request(
        base_url + "/_dash-update-component",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    with opener.open(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_session_made_on_one_server_is_good_on_the_other(two_servers):
    _, server_a, server_b = two_servers
    opener, _ = http_opener(server_a, "officer")
    with opener.open(server_b + "/workers/2.2?period=2022-12", timeout=30) as response:
        assert response.status == 200 and "/sign-in" not in response.url


def test_a_return_checked_on_one_server_is_confirmed_on_the_other(two_servers, tmp_path):
    engine, server_a, server_b = two_servers
    path = template_workbook(tmp_path / "march.xlsx", [template_row("3.1", "2023-03", numerator=260, denominator=320)])
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    opener, jar = http_opener(server_a, "officer")
    check_output = "..upload-preview.children...staged-token.data...confirm-import.disabled.."
    checked = _post_callback(
        opener,
        jar,
        server_a,
        check_output,
        [{"id": "return-upload", "property": "contents", "value": contents}],
        [{"id": "return-upload", "property": "filename", "value": "march.xlsx"}],
    )
    token = checked["response"]["staged-token"]["data"]
    assert token
    confirm_output = next(
        key for key in _dependencies(opener, server_b) if key.startswith("..upload-preview.children@")
    )
    _post_callback(
        opener,
        jar,
        server_b,
        confirm_output,
        [{"id": "confirm-import", "property": "n_clicks", "value": 1}],
        [
            {"id": "staged-token", "property": "data", "value": token},
            {"id": ids.UPLOAD_REASON, "property": "value", "value": ""},  # March is a new month: no reason needed
        ],
    )
    assert reads.service_series(engine, up_to="2023-03").query("ref == '3.1' and period == '2023-03'")["value"].round(
        1
    ).tolist() == [81.2]
    event = audit.audit_frame(engine, action="return.imported", limit=1).iloc[0]
    assert (event.actor, event.subject) == (NAMES["officer"], "march.xlsx")


def _dependencies(opener, base_url: str) -> list[str]:
    with opener.open(base_url + "/_dash-dependencies", timeout=30) as response:
        return [entry["output"] for entry in json.loads(response.read())]


def test_failed_sign_ins_on_both_servers_count_together(two_servers):
    _, server_a, server_b = two_servers
    outcomes = []
    for attempt in range(6):
        base_url = (server_a, server_b)[attempt % 2]
        opener, _ = http_opener(base_url, None)
        with opener.open(base_url + "/sign-in", timeout=30) as response:
            token = form_token(response.read().decode())
        form = f"name=Ada+Admin&password=wrong+guess+{attempt}&csrf_token={token}".encode()
        try:
            opener.open(base_url + "/sign-in", form, timeout=30)
        except urllib.error.HTTPError as refused:
            outcomes.append(refused.code)
    # The fifth failure, made on server b, makes the name wait; the sixth, on server a, is told to wait.
    assert outcomes == [401, 401, 401, 401, 401, 429]
