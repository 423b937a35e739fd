"""Two app servers on one PostgreSQL, as behind a load balancer without sticky sessions: a session made on one
is good on the other, a return checked on one is confirmed on the other, the sign-in delays count
failures made on both, and a page rendered by one is served by the other from the shared store, which the
page warmer beside server A fills after every write."""

from __future__ import annotations

import base64
import gzip
import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard import ids
from dashboard.server.page_router import ROUTER_OUTPUT
from measures.cli.demo import load_demo
from measures.domain.catalogue import load_catalogue
from measures.storage import audit, catalogue_records, db, edits, page_responses, reads
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
        patch.setenv("MEASURES_PAGE_WARMING", "on")  # as in production: the warmer runs beside server A
        servers = [_serve(postgres_url, folder / "a.log")]
        patch.setenv("MEASURES_PAGE_WARMING", "off")
        servers.append(_serve(postgres_url, folder / "b.log"))
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


def _router(opener, jar, base_url: str, path: str) -> dict:
    inputs = [
        {"id": ids.PAGES_LOCATION, "property": "pathname", "value": path},
        {"id": ids.PAGES_LOCATION, "property": "search", "value": ""},
    ]
    return _post_callback(opener, jar, base_url, ROUTER_OUTPUT, inputs)


def test_a_page_rendered_on_one_server_is_served_by_the_other_from_the_shared_store(two_servers):
    engine, server_a, server_b = two_servers
    viewer_a, jar_a = http_opener(server_a, "viewer")
    first = _router(viewer_a, jar_a, server_a, "/compare/3.1")
    version = reads.data_version(engine)
    stored = page_responses.stored_count(engine, version)
    assert stored >= 1
    # Mark the stored copy: only a server reading the shared store can answer with the mark.
    marked = {"multi": True, "response": {ids.PAGES_CONTENT: {"children": "served from the shared store"}}}
    body = json.dumps(marked).encode()
    with engine.begin() as connection:
        connection.execute(
            db.page_responses.update()
            .where(db.page_responses.c.data_version == version, db.page_responses.c.path == "/compare/3.1")
            .values(body=body, gzipped=gzip.compress(body))
        )
    viewer_b, jar_b = http_opener(server_b, "viewer")
    assert _router(viewer_b, jar_b, server_b, "/compare/3.1") == marked
    assert page_responses.stored_count(engine, version) == stored  # server B rendered nothing
    # A reader of another role is never given the viewer's copy.
    officer_b, officer_jar = http_opener(server_b, "officer")
    officer_page = _router(officer_b, officer_jar, server_b, "/compare/3.1")
    assert officer_page != marked
    assert officer_page["response"][ids.PAGES_STORE] == first["response"][ids.PAGES_STORE]


def test_after_a_write_the_warmer_renders_the_common_pages_before_anyone_asks(two_servers):
    engine, _, server_b = two_servers
    edits.add_commentary(engine, "3.1", "2023-01", "Commentary the warmer drew before anyone asked", "Olu Officer")
    version = reads.data_version(engine)
    deadline = time.monotonic() + 240
    while page_responses.stored_count(engine, version) < 3 * 3 and time.monotonic() < deadline:
        time.sleep(0.5)  # the overview, the plan and the pack for three roles come first
    assert page_responses.stored_count(engine, version) >= 9
    viewer, jar = http_opener(server_b, "viewer")
    page = json.dumps(_router(viewer, jar, server_b, "/measure/3.1"))
    assert "Commentary the warmer drew before anyone asked" in page


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
