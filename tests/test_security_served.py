"""Attacks from the security review, made over HTTP against the app served on loopback (`python app.py`, the
same process a browser talks to): formulas hidden after a line break in downloads, locking a user out with wrong
passwords, common passwords, filling the database with checked returns, malformed callback bodies and hostile
values, the Server header and caching of static files. One served app for the module; the last test reads its
log."""

from __future__ import annotations

import base64
import html
import json
import shutil
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from measures.storage import db, recording, staging
from measures.storage.recording import UploadInfo, ValueRow
from tests.auth_helpers import NAMES, PASSWORDS, callback_body, form_token, http_opener
from tests.browser.conftest import _serve, _stop
from tests.returns.builders import template_row, template_workbook
from tests.spreadsheet_checks import assert_no_formula_in_csv, assert_no_formula_in_xlsx

# Before, CSVs were written with \n line endings and only the first character was neutralised, so a field holding
# a bare CR was not quoted and LibreOffice opened `=1+1+SUM(2+2)` as a live formula in the next row.
LINE_BREAK_PAYLOAD = "Verified by the team manager\r=1+1+SUM(2+2)"
OTHER_BREAKS = "ok\n-2+3\r\n@SUM(A1)\u2028=A1\x85+A2"
ROUTER = ".._pages_content.children..._pages_store.data.."
STAGED_TOTAL_MB = 1


@pytest.fixture(scope="module")
def served(demo_database, tmp_path_factory):
    """The app on loopback over a copy of the demo database holding a note and a team name with line breaks, with
    STAGED_TOTAL_MB for the checked returns waiting; yields its base URL and the database file."""
    folder = tmp_path_factory.mktemp("security")
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    engine = db.make_engine(f"sqlite:///{database}")
    recording.record_values(
        engine,
        [
            ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=77.6, note=LINE_BREAK_PAYLOAD),
            ValueRow(
                "3.1", "2023-01", team=LINE_BREAK_PAYLOAD, numerator=5, denominator=10, value=50.0, note=OTHER_BREAKS
            ),
        ],
        UploadInfo(kind="import", filename="notes.xlsx", user_name="test"),
    )
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEASURES_STAGED_TOTAL_MB", str(STAGED_TOTAL_MB))
        process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    yield base_url, database
    _stop(process, log)


def _post(opener, jar, url: str, body: bytes, content_type: str = "application/json"):
    """POST `body` with the session's CSRF header; return (status, headers, text) whatever the status."""
    token = next(cookie.value for cookie in jar if cookie.name == "_csrf_token")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": content_type, "X-CSRFToken": token}
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _callback(opener, jar, base_url: str, output: str, inputs: list[dict], state=None, outputs=None) -> dict:
    status, _, text = _post(
        opener,
        jar,
        base_url + "/_dash-update-component",
        json.dumps(callback_body(output, inputs, state, outputs)).encode(),
    )
    assert status == 200, text[:500]
    return json.loads(text)


def _ids_of_type(tree, kind: str) -> list[dict]:
    """Every pattern-matching component id of `type` kind in a layout sent by the page router."""
    found = []
    if isinstance(tree, dict):
        identifier = tree.get("props", {}).get("id") if isinstance(tree.get("props"), dict) else None
        if isinstance(identifier, dict) and identifier.get("type") == kind:
            found.append(identifier)
        tree = list(tree.values())
    if isinstance(tree, list):
        for value in tree:
            found.extend(_ids_of_type(value, kind))
    return found


def _table_data(tree, table_id: str):
    """The download payload of the table `table_id` in a layout sent by the page router, or None."""
    if isinstance(tree, dict):
        props = tree.get("props") if isinstance(tree.get("props"), dict) else {}
        if tree.get("type") == "Store" and props.get("id") == {"type": "table-download-data", "table": table_id}:
            return props["data"]
        tree = list(tree.values())
    if isinstance(tree, list):
        for value in tree:
            found = _table_data(value, table_id)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("table_id, path", [("measure-months-table", "/measure/3.1"), ("teams-table", "/teams/3.1")])
def test_a_line_break_in_a_note_or_team_name_never_downloads_as_a_formula(served, table_id, path):
    base_url, _ = served
    opener, jar = http_opener(base_url, "viewer")
    page = _callback(
        opener,
        jar,
        base_url,
        ROUTER,
        [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": "?period=2023-01"},
        ],
    )
    data = _table_data(page, table_id)
    assert any(LINE_BREAK_PAYLOAD in row for row in data["rows"])  # the table holds the text as typed
    state = [{"id": {"type": "table-download-data", "table": table_id}, "property": "data", "value": data}]
    for fmt in ("csv", "xlsx"):
        # As the renderer sends a pattern-matching callback: its key as `output`, the concrete ids in `outputs`.
        key = json.dumps({"format": fmt, "table": ["MATCH"], "type": "table-download"}, separators=(",", ":"))
        target = {"id": {"type": "table-download", "table": table_id, "format": fmt}, "property": "data"}
        button = {"type": "table-download-button", "table": table_id, "format": fmt}
        answer = _callback(
            opener,
            jar,
            base_url,
            f"{key}.data",
            [{"id": button, "property": "n_clicks", "value": 1}],
            state,
            outputs=target,
        )
        sent = next(iter(answer["response"].values()))["data"]
        if fmt == "csv":
            assert_no_formula_in_csv(sent["content"])
            assert "Verified by the team manager\r'=1+1+SUM(2+2)" in sent["content"]  # the text is all there
        else:
            assert_no_formula_in_xlsx(base64.b64decode(sent["content"]))


# Signs a spreadsheet may still take for a formula once neutralising looks only at the first character: after
# spaces, invisible or control characters, or in the full-width forms Japanese input gives.
PADDED_FORMULAS = [
    " =1+1+SUM(2+2)",
    "\u00a0\u3000@SUM(A1)",
    "\ufeff\u200b-2+3",
    '\x00=HYPERLINK("x")',
    "\uff1d1+1",
    "note\n  \uff0bA1\r\n\ufe66B1",
]


def test_a_formula_after_spaces_invisible_characters_or_in_full_width_never_downloads_live(served):
    """The table travels in the browser, so an attacker sends the download callback whatever cells they like."""
    base_url, _ = served
    opener, jar = http_opener(base_url, "viewer")
    table_id = "measure-months-table"
    data = {"filename": "hostile", "sheet": "Data", "columns": PADDED_FORMULAS, "rows": [PADDED_FORMULAS]}
    state = [{"id": {"type": "table-download-data", "table": table_id}, "property": "data", "value": data}]
    for fmt in ("csv", "xlsx"):
        key = json.dumps({"format": fmt, "table": ["MATCH"], "type": "table-download"}, separators=(",", ":"))
        target = {"id": {"type": "table-download", "table": table_id, "format": fmt}, "property": "data"}
        button = {"type": "table-download-button", "table": table_id, "format": fmt}
        answer = _callback(
            opener,
            jar,
            base_url,
            f"{key}.data",
            [{"id": button, "property": "n_clicks", "value": 1}],
            state,
            outputs=target,
        )
        sent = next(iter(answer["response"].values()))["data"]
        if fmt == "csv":
            assert_no_formula_in_csv(sent["content"])
        else:
            assert_no_formula_in_xlsx(base64.b64decode(sent["content"]))


def test_a_table_of_millions_of_cells_sent_to_be_downloaded_is_refused_400(served):
    """The table travels in the browser: a viewer sent 6.4 million cells (14 MB) and kept a worker writing the
    workbook for 97 s. A table larger than any the dashboard shows is refused before anything is written."""
    from dashboard.components.downloads import MAX_DOWNLOAD_CELLS

    base_url, _ = served
    opener, jar = http_opener(base_url, "viewer")
    table_id = "measure-months-table"
    width = 10
    data = {
        "filename": "big",
        "sheet": "Data",
        "columns": ["n"] * width,
        "rows": [[1] * width] * (MAX_DOWNLOAD_CELLS // width),
    }
    for fmt in ("csv", "xlsx"):
        key = json.dumps({"format": fmt, "table": ["MATCH"], "type": "table-download"}, separators=(",", ":"))
        body = callback_body(
            f"{key}.data",
            [
                {
                    "id": {"type": "table-download-button", "table": table_id, "format": fmt},
                    "property": "n_clicks",
                    "value": 1,
                }
            ],
            [{"id": {"type": "table-download-data", "table": table_id}, "property": "data", "value": data}],
            outputs={"id": {"type": "table-download", "table": table_id, "format": fmt}, "property": "data"},
        )
        status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
        assert status == 400, (fmt, status, text[:200])
        assert "more than any table of the dashboard" in json.loads(text)["error"]


def _sign_in_form(base_url: str, name: str, password: str, jar=None):
    """Post the sign-in form from a fresh browser (or one with the cookies in `jar`); return (status, headers,
    page text), without following."""
    import http.cookiejar
    import urllib.parse

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    jar = jar if jar is not None else http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(base_url + "/sign-in", timeout=30) as response:
        token = form_token(response.read().decode())
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token}).encode()
    try:
        with opener.open(base_url + "/sign-in", form, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read().decode()


def test_five_wrong_passwords_make_the_admin_wait_but_never_shut_them_out(served):
    # Before, five wrong passwords locked the name for 15 minutes: anyone could lock out the only admin.
    base_url, _ = served
    answers = [_sign_in_form(base_url, NAMES["admin"], f"wrong guess {attempt}") for attempt in range(5)]
    assert [status for status, _, _ in answers] == [401] * 5
    assert "try again in 30 seconds" in html.unescape(answers[-1][2]).lower()  # the answer says how long
    status, headers, page = _sign_in_form(base_url, NAMES["admin"], PASSWORDS["admin"])
    assert status == 429 and "Try again in" in page  # during the wait the password is not even checked
    wait = int(headers["Retry-After"])
    assert 0 < wait <= 30
    time.sleep(wait)
    status, headers, _ = _sign_in_form(base_url, NAMES["admin"], PASSWORDS["admin"])
    assert status == 302 and not headers["Location"].endswith("/sign-in")


def test_a_strangers_guesses_do_not_keep_the_admin_out_of_their_own_browser(served):
    import http.cookiejar

    base_url, _ = served
    admins_browser = http.cookiejar.CookieJar()
    assert _sign_in_form(base_url, NAMES["admin"], PASSWORDS["admin"], admins_browser)[0] == 302
    assert any(cookie.name == "mtm_device" for cookie in admins_browser)
    for cookie in [cookie for cookie in admins_browser if cookie.name != "mtm_device"]:
        admins_browser.clear(cookie.domain, cookie.path, cookie.name)  # the session ends; the browser stays known
    for attempt in range(6):
        _sign_in_form(base_url, NAMES["admin"], f"a stranger's guess {attempt}")
    assert _sign_in_form(base_url, NAMES["admin"], PASSWORDS["admin"])[0] == 429  # any other browser waits
    status, headers, _ = _sign_in_form(base_url, NAMES["admin"], PASSWORDS["admin"], admins_browser)
    assert status == 302 and not headers["Location"].endswith("/sign-in")


def test_an_admin_sees_who_is_waiting_and_lets_them_try_now(served):
    base_url, _ = served
    for attempt in range(5):
        _sign_in_form(base_url, NAMES["officer"], f"wrong guess {attempt}")
    assert _sign_in_form(base_url, NAMES["officer"], PASSWORDS["officer"])[0] == 429
    opener, jar = http_opener(base_url, "admin")
    page = _callback(
        opener,
        jar,
        base_url,
        ROUTER,
        [
            {"id": "_pages_location", "property": "pathname", "value": "/admin/users"},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
    )
    assert f"Name: {NAMES['officer']}" in json.dumps(page)
    clear_ids = _ids_of_type(page, "users-clear-delay")
    officer = [identifier for identifier in clear_ids if identifier["kind"] == "name"]
    assert officer, clear_ids
    # As the renderer sends a click on one of an ALL-matched set of buttons.
    with opener.open(base_url + "/_dash-dependencies", timeout=30) as response:
        entry = next(
            entry for entry in json.loads(response.read()) if "users-clear-delay" in json.dumps(entry["inputs"])
        )
    clicked = json.dumps(officer[0], sort_keys=True, separators=(",", ":"))
    body = {
        "output": entry["output"],
        "outputs": [
            {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
            for part in entry["output"].strip(".").split("...")
        ],
        "inputs": [
            [
                {"id": identifier, "property": "n_clicks", "value": 1 if identifier == officer[0] else 0}
                for identifier in clear_ids
            ]
        ],
        "state": [],
        "changedPropIds": [f"{clicked}.n_clicks"],
    }
    status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
    assert status == 200, text[:500]
    answer = json.loads(text)
    assert f"{NAMES['officer']} may try to sign in again now" in json.dumps(answer)
    assert _sign_in_form(base_url, NAMES["officer"], PASSWORDS["officer"])[0] == 302


# A common password as typed, in full width, and with Cyrillic letters that look like Latin ones.
@pytest.mark.parametrize(
    "common",
    [
        "password1234",
        "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13\uff14",
        "p\u0430ssw\u043erd1234",
    ],
    ids=["as typed", "full width", "look-alike letters"],
)
def test_the_change_password_page_refuses_a_common_password_and_says_why(served, common):
    base_url, _ = served
    opener, jar = http_opener(base_url, "viewer")
    with opener.open(base_url + "/account/password", timeout=30) as response:
        token = form_token(response.read().decode())
    form = {"current": PASSWORDS["viewer"], "new": common, "again": common, "csrf_token": token}
    import urllib.parse

    status, _, page = _post(
        opener,
        jar,
        base_url + "/account/password",
        urllib.parse.urlencode(form).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 400
    assert "on the list of the most common passwords, which attackers try first" in html.unescape(page)
    assert _sign_in_form(base_url, NAMES["viewer"], common)[0] == 401  # not changed


def _dependency(opener, base_url: str, input_id: str) -> dict:
    """The callback whose inputs include the component `input_id`, as the renderer knows it."""
    with opener.open(base_url + "/_dash-dependencies", timeout=30) as response:
        return next(
            entry for entry in json.loads(response.read()) if any(item["id"] == input_id for item in entry["inputs"])
        )


def _outputs(output_key: str) -> list[dict]:
    return [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
        for part in output_key.strip(".").split("...")
    ]


def _check_return(opener, jar, base_url: str, path) -> dict:
    """Drop the workbook at `path` on the upload page, as the browser sends it; return the callback's answer."""
    entry = _dependency(opener, base_url, "return-upload")
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    body = {
        "output": entry["output"],
        "outputs": _outputs(entry["output"]),
        "inputs": [{"id": "return-upload", "property": "contents", "value": contents}],
        "state": [{"id": "return-upload", "property": "filename", "value": path.name}],
        "changedPropIds": ["return-upload.contents"],
    }
    status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
    assert status == 200, text[:500]
    return json.loads(text)["response"]


def _staged(database) -> list[tuple[str, str]]:
    engine = db.make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(
            select(db.staged_uploads.c.user_name, db.staged_uploads.c.filename).order_by(db.staged_uploads.c.filename)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_checking_a_new_return_replaces_the_officers_earlier_staged_file(served, tmp_path):
    # Before, every checked file (up to 10 MB) was kept for a day, however many one officer sent.
    base_url, database = served
    opener, jar = http_opener(base_url, "officer")
    tokens = []
    for number in range(3):
        path = template_workbook(tmp_path / f"return-{number}.xlsx", [template_row("3.1", "2023-02", 200, 300)])
        answer = _check_return(opener, jar, base_url, path)
        tokens.append(answer["staged-token"]["data"])
        assert answer["confirm-import"]["disabled"] is False
    assert all(tokens) and len(set(tokens)) == 3
    assert _staged(database) == [(NAMES["officer"], "return-2.xlsx")]


def test_a_check_that_would_pass_the_total_for_staged_files_is_refused_with_a_sentence(served, tmp_path):
    base_url, database = served
    engine = db.make_engine(f"sqlite:///{database}")
    filler = bytes(STAGED_TOTAL_MB * 1024 * 1024 - 100)  # another officer's file, all but 100 bytes of the space
    staging.stage_upload(engine, "someone-elses-token", "theirs.xlsx", "0" * 64, filler, "Someone Else")
    try:
        opener, jar = http_opener(base_url, "admin")
        path = template_workbook(tmp_path / "admins-return.xlsx", [template_row("3.1", "2023-02", 200, 300)])
        answer = _check_return(opener, jar, base_url, path)
        assert answer["staged-token"]["data"] is None and answer["confirm-import"]["disabled"] is True
        said = json.dumps(answer["upload-preview"])
        assert "cannot be held for confirmation just now" in said and "(1 MB)" in said
        assert ("Ada Admin", "admins-return.xlsx") not in _staged(database)
    finally:
        staging.discard_staged_upload(engine, "someone-elses-token")
        engine.dispose()


def _request(opener, url: str):
    """GET `url`; return (status, headers) whatever the status."""
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers


def _router_body(pathname, search="") -> dict:
    return callback_body(
        ROUTER,
        [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
    )


MALFORMED_BODIES = {
    "outputs not a list": {**_router_body("/"), "outputs": 5},
    "one output missing": {**_router_body("/"), "outputs": [{"id": "_pages_content", "property": "children"}]},
    "state not a list": {**_router_body("/"), "state": 7},
    "an input missing": {
        **_router_body("/"),
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"}],
    },
    "inputs not objects": {**_router_body("/"), "inputs": ["/", ""]},
    "changed ids not a list": {**_router_body("/"), "changedPropIds": 5},
    "an address without its slash": _router_body("measure/3.1"),
    "an address that is not text": _router_body({"a": 1}),
}


@pytest.mark.parametrize("case", list(MALFORMED_BODIES))
def test_a_malformed_callback_body_is_answered_400_with_a_sentence(served, case):
    base_url, _ = served
    opener, jar = http_opener(base_url, "officer")
    status, headers, text = _post(
        opener, jar, base_url + "/_dash-update-component", json.dumps(MALFORMED_BODIES[case]).encode()
    )
    assert status == 400, (status, text[:300])
    assert json.loads(text)["error"].endswith(".")  # a sentence, not a server error page


@pytest.mark.parametrize(
    "body",
    ["[" * 200_000, '{"output": ' + "[" * 100_000 + "]" * 100_000 + "}", "{not json", "", '"a string"', "[1, 2]"],
    ids=["nested too deep", "a value nested too deep", "not JSON", "empty", "a string", "a list"],
)
def test_a_body_that_is_not_a_callback_request_is_answered_400(served, body):
    base_url, _ = served
    opener, jar = http_opener(base_url, "officer")
    status, _, text = _post(opener, jar, base_url + "/_dash-update-component", body.encode())
    assert status == 400, (status, text[:300])
    assert json.loads(text)["error"].endswith(".")


@pytest.mark.parametrize(
    "contents, filename",
    [({"a": 1}, "return.xlsx"), ([1, 2], "return.xlsx"), (7, "return.xlsx"), ("data:;base64,UEsDBA==", {"a": 1})],
)
def test_a_json_object_as_the_files_contents_or_name_is_answered_400(served, contents, filename):
    base_url, _ = served
    opener, jar = http_opener(base_url, "officer")
    entry = _dependency(opener, base_url, "return-upload")
    body = {
        "output": entry["output"],
        "outputs": _outputs(entry["output"]),
        "inputs": [{"id": "return-upload", "property": "contents", "value": contents}],
        "state": [{"id": "return-upload", "property": "filename", "value": filename}],
        "changedPropIds": ["return-upload.contents"],
    }
    status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
    assert status == 400, (status, text[:300])
    assert "did not arrive as text" in json.loads(text)["error"]


def test_a_request_for_a_callback_that_runs_in_the_browser_is_answered_400(served):
    """Callbacks that run in the browser are listed beside the server's, but the server has no function for them:
    Dash failed looking one up, and the request was logged as a fault of the dashboard."""
    base_url, database = served
    opener, jar = http_opener(base_url, "viewer")
    with opener.open(base_url + "/_dash-dependencies", timeout=30) as response:
        in_browser = [
            entry
            for entry in json.loads(response.read())
            if entry.get("clientside_function")
            and not any(item["id"].startswith("{") for item in entry["inputs"] + entry["state"])
        ]
    assert in_browser
    log = database.parent / "app.log"
    logged_before = log.read_text(encoding="utf-8", errors="replace").count("failed (bug)")
    for entry in in_browser:
        outputs = _outputs(entry["output"])
        body = {
            "output": entry["output"],
            "outputs": outputs if entry["output"].startswith("..") else outputs[0],
            "inputs": [{**item, "value": None} for item in entry["inputs"]],
            "state": [{**item, "value": None} for item in entry["state"]],
            "changedPropIds": [],
        }
        status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
        assert status == 400, (entry["output"], status, text[:300])
        assert json.loads(text)["error"].endswith(".")
    assert log.read_text(encoding="utf-8", errors="replace").count("failed (bug)") == logged_before


DOWNLOAD_KEY = json.dumps({"format": "csv", "table": ["MATCH"], "type": "table-download"}, separators=(",", ":"))
DOWNLOAD_OUTPUT = {
    "id": {"type": "table-download", "table": "measure-months-table", "format": "csv"},
    "property": "data",
}
WRONG_OUTPUTS = {
    # (callback: a single output, a pattern-matching one, several), the outputs sent
    "another component": ("template", {"id": "upload-preview", "property": "children"}),
    "another property": ("template", {"id": "template-download", "property": "children"}),
    "a list for one output": ("template", [{"id": "template-download", "property": "data"}]),
    "an empty list": ("download", []),
    "another pattern": ("download", {"id": {"type": "other", "table": "t", "format": "csv"}, "property": "data"}),
    "a fixed value changed": ("download", {"id": {**DOWNLOAD_OUTPUT["id"], "format": "xlsx"}, "property": "data"}),
    "a wildcard given a list": ("download", {"id": {**DOWNLOAD_OUTPUT["id"], "table": ["x"]}, "property": "data"}),
    "a key missing": ("download", {"id": {"type": "table-download", "table": "t"}, "property": "data"}),
    "nested lists": (
        "several",
        [[{"id": "_pages_content", "property": "children"}], [{"id": "_pages_store", "property": "data"}]],
    ),
    "outputs swapped": (
        "several",
        [{"id": "_pages_store", "property": "data"}, {"id": "_pages_content", "property": "children"}],
    ),
}


@pytest.mark.parametrize("case", list(WRONG_OUTPUTS))
def test_outputs_other_than_the_callbacks_own_are_answered_400_and_not_logged_as_a_fault(served, case):
    """Dash failed on these (Output does not match callback definition, a wildcard multi-output) and the request
    was answered as a fault of the dashboard, with an error in the log for each."""
    base_url, database = served
    opener, jar = http_opener(base_url, "officer")
    callback, outputs = WRONG_OUTPUTS[case]
    if callback == "template":
        body = callback_body("template-download.data", [{"id": "template-button", "property": "n_clicks", "value": 1}])
    elif callback == "download":
        button = {"type": "table-download-button", "table": "measure-months-table", "format": "csv"}
        body = callback_body(
            f"{DOWNLOAD_KEY}.data",
            [{"id": button, "property": "n_clicks", "value": 1}],
            [
                {
                    "id": {"type": "table-download-data", "table": "measure-months-table"},
                    "property": "data",
                    "value": {"columns": ["a"], "rows": [["b"]]},
                }
            ],
            outputs=DOWNLOAD_OUTPUT,
        )
    else:
        body = _router_body("/")
    log = database.parent / "app.log"
    faults_before = log.read_text(encoding="utf-8", errors="replace").count("failed (bug)")
    status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
    assert status == 200, text[:300]  # as the renderer sends it, the request is answered
    status, _, text = _post(
        opener, jar, base_url + "/_dash-update-component", json.dumps({**body, "outputs": outputs}).encode()
    )
    assert status == 400, (status, text[:300])
    assert json.loads(text)["error"].endswith(".")
    assert log.read_text(encoding="utf-8", errors="replace").count("failed (bug)") == faults_before


@pytest.mark.parametrize(
    "path, search",
    [
        ("/measure/3.1", "?period=9000-01"),
        ("/measure/3.1", "?period=0001-01"),
        ("/measure/3.1", "?period=9999-12"),
        ("/", "?period=9999-12"),
        ("/pack", "?period=9999-12"),
    ],
)
def test_a_month_at_the_ends_of_the_calendar_is_answered_with_a_page_of_ordinary_size(served, path, search):
    """Any viewer may type the month in the address: as at 9000-01 the measure page filled every month from the
    first figure (a 75 MB answer after half a minute), and 0001-01 or 9999-12 failed as faults of the dashboard."""
    base_url, database = served
    opener, jar = http_opener(base_url, "viewer")
    log = database.parent / "app.log"
    faults_before = log.read_text(encoding="utf-8", errors="replace").count("failed (bug)")
    status, _, text = _post(
        opener, jar, base_url + "/_dash-update-component", json.dumps(_router_body(path, search)).encode()
    )
    assert status == 200, text[:300]
    assert "Something went wrong" not in text
    assert len(text) < 2_000_000, len(text)
    assert log.read_text(encoding="utf-8", errors="replace").count("failed (bug)") == faults_before


@pytest.mark.parametrize(
    "given",
    [{"kind": "name", "key": "x"}, {"kind": ["x"], "key": "x"}, {"kind": "name"}],
    ids=["one button for all", "a wildcard given a list", "a key missing"],
)
def test_an_input_not_shaped_as_its_pattern_is_answered_400_and_not_logged_as_a_fault(served, given):
    """The Users page's 'Let them try now' buttons are one input for ALL of them, a list: one object (or an id of
    another shape) in its place reached the callback, which failed ('int' object is not iterable)."""
    from dashboard import ids

    base_url, database = served
    opener, jar = http_opener(base_url, "admin")
    with opener.open(base_url + "/_dash-dependencies", timeout=30) as response:
        entry = next(
            entry
            for entry in json.loads(response.read())
            if any(ids.USERS_CLEAR_DELAY in item["id"] for item in entry["inputs"])
        )
    outputs = _outputs(entry["output"])
    log = database.parent / "app.log"
    faults_before = log.read_text(encoding="utf-8", errors="replace").count("failed (bug)")
    for inputs, expected in (
        ([], 200),
        ({"id": {"type": ids.USERS_CLEAR_DELAY, **given}, "property": "n_clicks", "value": 7}, 400),
    ):
        body = {
            "output": entry["output"],
            "outputs": outputs,
            "state": [],
            "changedPropIds": [],
            "inputs": [
                [
                    {
                        "id": {"type": ids.USERS_CLEAR_DELAY, "kind": "name", "key": "x"},
                        "property": "n_clicks",
                        "value": 1,
                    }
                ]
                if inputs == []
                else inputs
            ],
        }
        status, _, text = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
        assert status == expected, (status, text[:300])
    assert log.read_text(encoding="utf-8", errors="replace").count("failed (bug)") == faults_before


HOSTILE_VALUES = [{"a": 1}, [1, "x"], 7, "x", True]


def test_no_callback_answers_a_hostile_value_with_a_server_error(served):
    """Every callback of every page, each of its inputs and states in turn given a value no page sends."""
    base_url, database = served
    opener, jar = http_opener(base_url, "admin")
    with opener.open(base_url + "/_dash-dependencies", timeout=30) as response:
        dependencies = json.loads(response.read())
    failures = []
    for entry in dependencies:
        if entry.get("clientside_function") or any(
            isinstance(item["id"], dict) or item["id"].startswith("{") for item in entry["inputs"] + entry["state"]
        ):
            continue
        declared = entry["inputs"] + entry["state"]
        for position in range(len(declared)):
            for value in HOSTILE_VALUES:
                values = [{"id": item["id"], "property": item["property"], "value": None} for item in declared]
                values[position]["value"] = value
                count = len(entry["inputs"])
                outputs = _outputs(entry["output"])
                body = {
                    "output": entry["output"],
                    "outputs": outputs if entry["output"].startswith("..") else outputs[0],
                    "inputs": values[:count],
                    "state": values[count:],
                    "changedPropIds": [f"{values[position]['id']}.{values[position]['property']}"],
                }
                status, _, _ = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
                if status >= 500:
                    failures.append((entry["output"][:60], declared[position]["id"], json.dumps(value)))
    for table_id in ("measure-months-table",):  # the download buttons: the table travels in the browser
        for fmt in ("csv", "xlsx"):
            key = json.dumps({"format": fmt, "table": ["MATCH"], "type": "table-download"}, separators=(",", ":"))
            target = {"id": {"type": "table-download", "table": table_id, "format": fmt}, "property": "data"}
            button = {"type": "table-download-button", "table": table_id, "format": fmt}
            for data in HOSTILE_VALUES + [
                {"rows": 5},
                {"rows": [[{"a": 1}]]},
                {"columns": [[1]]},
                {"sheet": "a/b[c]:*?", "columns": ["x"], "rows": []},
                {"columns": ["a\x0bb"], "rows": [["\x01=1+1", float("nan"), 1e308 * 10]]},
            ]:
                body = callback_body(
                    f"{key}.data",
                    [{"id": button, "property": "n_clicks", "value": 1}],
                    [{"id": {"type": "table-download-data", "table": table_id}, "property": "data", "value": data}],
                    outputs=target,
                )
                status, _, _ = _post(opener, jar, base_url + "/_dash-update-component", json.dumps(body).encode())
                if status >= 500:
                    failures.append((fmt, json.dumps(data)))
    assert failures == []


def test_no_response_names_the_server_software(served):
    base_url, _ = served
    opener, _ = http_opener(base_url, "viewer")
    for path in ("/sign-in", "/", "/assets/style.css", "/assets/missing.css", "/_favicon.ico", "/healthz"):
        status, headers = _request(opener, base_url + path)
        assert "Server" not in headers, (path, headers.get("Server"))


@pytest.mark.parametrize(
    "path, cache_control",
    [
        ("/assets/missing.css", "no-store"),
        ("/_dash-component-suites/dash/missing.js", "no-store"),  # was a server error with a traceback
        ("/assets/../app.py", "no-store"),
        ("/_favicon.ico", "public, max-age=86400"),
        ("/assets/style.css", "no-cache"),
    ],
)
def test_static_files_found_or_missing_say_how_to_cache_them(served, path, cache_control):
    base_url, _ = served
    opener, _ = http_opener(base_url, None)
    status, headers = _request(opener, base_url + path)
    assert status == (200 if cache_control != "no-store" else 404), status
    assert headers["Cache-Control"] == cache_control


def test_gunicorn_does_not_name_itself_either(served, tmp_path):
    import os
    import subprocess
    import sys

    from tests.browser.conftest import ROOT, _free_port

    _, database = served
    port = _free_port()
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}"}
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=2) as response:
                    headers = response.headers
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        assert "Server" not in headers, headers.get("Server")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_the_log_holds_no_traceback_after_the_attacks(served):
    """Last in this module: every request above, malformed or hostile, was answered without a server error."""
    _, database = served
    log = (database.parent / "app.log").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
