"""Attacks on the meeting-pack printer, against the app served on loopback: pointing the server's browser at
another service with Host or X-Forwarded-Host, replaying or reading its print token, and holding every print
slot. Also the PDFs already made: a repeat costs no browser, a new import prints afresh.

Two apps are served here because the attack must fail under both proxy settings: `printer_app` (not behind a
proxy, open viewing on, its Chromium behind a gate the test can close) and `proxied_app` (behind a proxy, open
viewing off, so that a print token is the only way in without signing in).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from email.message import Message
from pathlib import Path

import pytest

from measures.accounts import print_tokens
from measures.storage import audit, db, print_slots
from tests.auth_helpers import NAMES, http_opener
from tests.browser.conftest import CHROMIUM, ROOT, _serve, _stop
from tests.returns.builders import template_row, template_workbook

pytestmark = pytest.mark.browser


class Listener:
    """Another service on a free loopback port: records every connection it is sent, answers a small page."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    self.received.append(connection.recv(65536))
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
                        b"<html><body><div id='pack-document' class='pack'>another service</div>"
                        b"</body></html>"
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def listener():
    served = Listener()
    yield served
    served.close()


@pytest.fixture(scope="module")
def chromium_gate(tmp_path_factory):
    """A Chromium that notes each start in `launches` and waits while the file `hold` exists."""
    folder = tmp_path_factory.mktemp("chromium-gate")
    wrapper = folder / "chromium"
    wrapper.write_text(
        f"#!/bin/sh\necho started >> {folder}/launches\n"
        f'while [ -e {folder}/hold ]; do sleep 0.1; done\nexec {CHROMIUM} "$@"\n'
    )
    wrapper.chmod(0o755)
    return folder


def _launches(gate: Path) -> int:
    path = gate / "launches"
    return len(path.read_text().splitlines()) if path.exists() else 0


def _serve_with(settings: dict[str, str], demo_database: Path, folder: Path):
    database = folder / "app.db"
    database.write_bytes(demo_database.read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        for name in ("MEASURES_BEHIND_PROXY", "MEASURES_OPEN_VIEWING", "MEASURES_PACK_BASE_URL", "MEASURES_CHROMIUM"):
            patch.delenv(name, raising=False)
        for name, value in settings.items():
            patch.setenv(name, value)
        process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    process.database_url = f"sqlite:///{database}"
    process.log_path = folder / "app.log"
    return process, base_url, log


@pytest.fixture(scope="module")
def printer_app(demo_database, tmp_path_factory, chromium_gate):
    """(base URL, served process): not behind a proxy, open viewing on, Chromium behind `chromium_gate`."""
    process, base_url, log = _serve_with(
        {"MEASURES_OPEN_VIEWING": "service", "MEASURES_CHROMIUM": str(chromium_gate / "chromium")},
        demo_database,
        tmp_path_factory.mktemp("printer"),
    )
    yield base_url, process
    _stop(process, log)


@pytest.fixture(scope="module")
def proxied_app(demo_database, tmp_path_factory):
    """(base URL, served process): behind a proxy (MEASURES_BEHIND_PROXY=1), open viewing off."""
    process, base_url, log = _serve_with(
        {"MEASURES_BEHIND_PROXY": "1"}, demo_database, tmp_path_factory.mktemp("proxied")
    )
    yield base_url, process
    _stop(process, log)


def _engine(process):
    return db.make_engine(process.database_url)


def _printed(process, period: str) -> int:
    """How many times the server's browser printed the pack as at `period` (the audit log's count)."""
    engine = _engine(process)
    try:
        events = audit.audit_frame(engine, action="pack.pdf_printed")
    finally:
        engine.dispose()
    return int((events["subject"] == period).sum())


def _get(base_url: str, path: str, headers: dict[str, str], cookie: str = "") -> tuple[int, Message, bytes]:
    """GET `path` from the served app sending exactly `headers` (Host included), as an attacker would."""
    port = urllib.parse.urlsplit(base_url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in {**headers, **({"Cookie": cookie} if cookie else {})}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def _session_cookie(base_url: str, role: str) -> str:
    _, jar = http_opener(base_url, role)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _pdf_text(data: bytes, folder: Path) -> str:
    """The PDF's text as laid out on its pages (pdftotext -layout)."""
    saved = folder / "pack.pdf"
    saved.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True, text=True).stdout


def _latest_figure(data: bytes, ref: str, folder: Path) -> str:
    """The figure of measure `ref` in the pack's latest month (its column's first line: '236/304')."""
    # The first line of the measure's row: other lines start with the ref too (action 3.1 in the summary).
    lines = re.findall(rf"(?m)^\s*{re.escape(ref)}\s.*$", _pdf_text(data, folder))
    return next(re.findall(r"\d+/\d+", line)[-1] for line in lines if re.search(r"\d+/\d+", line))


def _assert_the_real_pack(data: bytes, month: str, folder: Path) -> None:
    assert data.startswith(b"%PDF"), data[:200]
    words = " ".join(_pdf_text(data, folder).split())
    assert "Children and Families – Measures that Matter" in words and f"as at {month}" in words, words[:300]
    assert "another service" not in words


# Each attack asks for a month no earlier request printed, so the server's browser really runs each time.
ATTACKS = [
    ("printer_app", "2022-02", "February 2022", None, lambda port: {"Host": f"127.0.0.1:{port}"}),
    ("printer_app", "2022-03", "March 2022", "viewer", lambda port: {"Host": f"localhost:{port}"}),
    (
        "printer_app",
        "2022-04",
        "April 2022",
        None,
        lambda port: {
            "Host": f"pack.localhost:{port}",
            "X-Forwarded-Host": f"127.0.0.1:{port}",
            "X-Forwarded-Port": str(port),
            "Forwarded": f"host=127.0.0.1:{port}",
        },
    ),
    (
        "proxied_app",
        "2023-01",
        "January 2023",
        "viewer",
        lambda port: {
            "Host": "measures.example",
            "X-Forwarded-Host": f"127.0.0.1:{port}",
            "X-Forwarded-Port": str(port),
            "X-Forwarded-Proto": "http",
            "X-Forwarded-For": "192.0.2.7",
        },
    ),
    (
        "proxied_app",
        "2022-03",
        "March 2022",
        "viewer",
        lambda port: {"Host": f"127.0.0.1:{port}", "X-Forwarded-For": "192.0.2.8"},
    ),
]


@pytest.mark.parametrize(
    ("app_name", "period", "month", "role", "headers"), ATTACKS, ids=[f"{a[0]}-{a[1]}" for a in ATTACKS]
)
def test_the_printer_never_fetches_the_address_the_request_names(
    request, listener, tmp_path, app_name, period, month, role, headers
):
    base_url, process = request.getfixturevalue(app_name)
    before = _printed(process, period)
    cookie = _session_cookie(base_url, role) if role else ""
    status, answer, body = _get(base_url, f"/pack.pdf?period={period}", headers(listener.port), cookie)
    assert status == 200, body[:500]
    assert answer["Content-Type"] == "application/pdf"
    assert listener.received == [], listener.received
    _assert_the_real_pack(body, month, tmp_path)
    assert _printed(process, period) == before + 1  # the server's browser printed it, from the server itself


def test_a_print_token_opens_the_pack_as_at_its_month_once(proxied_app):
    base_url, process = proxied_app
    engine = _engine(process)
    try:
        token = print_tokens.issue_print_token(engine, "/pack", "2023-01")
        expired = print_tokens.issue_print_token(engine, "/pack", "2023-01", seconds=-1)
        other_month = print_tokens.issue_print_token(engine, "/pack", "2022-12")
    finally:
        engine.dispose()
    host = {"Host": "127.0.0.1"}
    assert _get(base_url, "/pack?period=2023-01", host)[0] == 302  # without it: sign in
    status, headers, _ = _get(base_url, "/pack?period=2023-01", host, f"mtm_print_token={token}")
    assert status == 200
    cookies = " ".join(headers.get_all("Set-Cookie"))
    session = re.search(r"mtm_session=([^;]+)", cookies).group(1)
    assert re.search(r"mtm_print_token=;", cookies)  # the browser is told to forget the token
    # The print session it opened reads the pack as at that month, and nothing else.
    assert _get(base_url, "/pack?period=2023-01", host, f"mtm_session={session}")[0] == 200
    for path in ("/pack?period=2022-12", "/pack", "/measure/3.1", "/teams/2.2", "/workers/2.2", "/pack.pdf"):
        assert _get(base_url, path, host, f"mtm_session={session}")[0] == 403, path
    # Spent: whoever else presents it (a log reader, a service it leaked to) is refused, as are the others.
    assert _get(base_url, "/pack?period=2023-01", host, f"mtm_print_token={token}")[0] == 403
    assert _get(base_url, "/pack?period=2023-01", host, f"mtm_print_token={expired}")[0] == 403
    assert _get(base_url, "/pack?period=2023-01", host, f"mtm_print_token={other_month}")[0] == 403
    assert _get(base_url, "/pack?period=2023-01&print_token=" + other_month, host)[0] == 302  # not in the address


def test_no_access_log_line_holds_the_print_token(printer_app, tmp_path):
    base_url, process = printer_app
    status, _, body = _get(base_url, "/pack.pdf?period=2022-05", {"Host": "127.0.0.1"})
    assert status == 200
    _assert_the_real_pack(body, "May 2022", tmp_path)
    engine = _engine(process)
    try:
        with engine.connect() as connection:
            issued = {row.token_hash for row in connection.execute(db.print_tokens.select())}
    finally:
        engine.dispose()
    assert issued  # the token the browser spent is still on file (as its digest) until the next is issued
    log = process.log_path.read_text()
    assert '"GET /pack?period=2022-05 HTTP/1.1" 200' in log  # the server's browser, with nothing else in the address
    assert "token" not in log.lower()
    for word in set(re.findall(r"[A-Za-z0-9_-]{20,}", log)):
        assert hashlib.sha256(word.encode()).hexdigest() not in issued, "a print token is in the log"


def _ask_in_background(base_url: str, period: str, cookie: str, answers: dict) -> threading.Thread:
    def ask() -> None:
        answers[period] = _get(base_url, f"/pack.pdf?period={period}", {"Host": "127.0.0.1"}, cookie)

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    return thread


def _wait_until(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up waiting for {what}")
        time.sleep(0.1)


def test_two_requests_from_one_viewer_cannot_keep_an_officer_from_printing(printer_app, chromium_gate, tmp_path):
    base_url, process = printer_app
    viewer, officer = _session_cookie(base_url, "viewer"), _session_cookie(base_url, "officer")
    engine = _engine(process)
    answers: dict = {}
    hold = chromium_gate / "hold"
    hold.touch()  # every Chromium started waits at the gate: the viewer's print takes as long as the test likes
    try:
        started = _launches(chromium_gate)
        threads = [_ask_in_background(base_url, "2022-08", viewer, answers)]
        _wait_until(lambda: _launches(chromium_gate) == started + 1, "the viewer's first PDF to start")
        threads.append(_ask_in_background(base_url, "2022-07", viewer, answers))
        threads.append(_ask_in_background(base_url, "2022-06", officer, answers))
        # While the viewer's print is held up, the officer takes the other slot; the viewer gets no second one.
        _wait_until(lambda: f"user:{NAMES['officer']}" in print_slots.slot_holders(engine), "the officer's slot")
        holders = print_slots.slot_holders(engine)
        assert set(holders) == {f"user:{NAMES['viewer']}", f"user:{NAMES['officer']}"}, holders
    finally:
        hold.unlink()
        engine.dispose()
    for thread in threads:
        thread.join(timeout=120)
    assert answers["2022-06"][0] == 200
    _assert_the_real_pack(answers["2022-06"][2], "June 2022", tmp_path)
    assert answers["2022-08"][0] == 200
    status, headers, body = answers["2022-07"]
    assert status in (200, 429)  # served once the first was done, or told plainly to wait for it
    if status == 429:
        assert body.decode().startswith("Your earlier PDF is still being made.") and headers["Retry-After"]


def test_a_repeat_request_is_served_from_the_pdf_already_made(printer_app, chromium_gate):
    base_url, process = printer_app
    before, started = _printed(process, "2022-09"), _launches(chromium_gate)
    first = _get(base_url, "/pack.pdf?period=2022-09", {"Host": "127.0.0.1"}, _session_cookie(base_url, "viewer"))
    again = _get(base_url, "/pack.pdf?period=2022-09", {"Host": "127.0.0.1"}, _session_cookie(base_url, "officer"))
    anonymous = _get(base_url, "/pack.pdf?period=2022-09", {"Host": "127.0.0.1"})
    assert first[0] == again[0] == anonymous[0] == 200
    assert first[2] == again[2] == anonymous[2]
    assert _printed(process, "2022-09") == before + 1
    assert _launches(chromium_gate) == started + 1  # Chromium started once for three requests


def test_a_new_import_makes_the_next_request_print_afresh(printer_app, chromium_gate, tmp_path):
    base_url, process = printer_app
    viewer = _session_cookie(base_url, "viewer")
    before = _printed(process, "2023-01")
    first = _get(base_url, "/pack.pdf?period=2023-01", {"Host": "127.0.0.1"}, viewer)
    assert first[0] == 200 and _latest_figure(first[2], "3.1", tmp_path) == "236/304"
    assert _get(base_url, "/pack.pdf?period=2023-01", {"Host": "127.0.0.1"}, viewer)[2] == first[2]
    assert _printed(process, "2023-01") == before + 1
    corrected = template_workbook(
        tmp_path / "correction.xlsx", [template_row("3.1", "2023-01", numerator=250, denominator=304)]
    )
    imported = subprocess.run(
        [sys.executable, "-m", "measures", "import", str(corrected), "--user", "test officer", "--reason", "Recounted"],
        cwd=ROOT,
        env={**os.environ, "MEASURES_DB_URL": process.database_url},
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    after = _get(base_url, "/pack.pdf?period=2023-01", {"Host": "127.0.0.1"}, viewer)
    assert after[0] == 200 and _printed(process, "2023-01") == before + 2
    assert _latest_figure(after[2], "3.1", tmp_path) == "250/304"


def test_a_month_without_figures_is_refused_without_starting_a_browser(printer_app, chromium_gate):
    # Every month of every year would otherwise be a new PDF to print and keep: endless work for the print slots,
    # and enough copies to push every real month out of the PDFs already made.
    base_url, process = printer_app
    started = _launches(chromium_gate)
    for period in ("1990-01", "2099-12"):
        status, answer, body = _get(base_url, f"/pack.pdf?period={period}", {"Host": "127.0.0.1"})
        assert status == 404 and answer["Content-Type"].startswith("text/plain"), (status, body[:200])
        assert body.decode().startswith("There are no figures for "), body
        assert _printed(process, period) == 0
    assert _launches(chromium_gate) == started


def _gunicorn(demo_database: Path, folder: Path, gate: Path, *options: str):
    """Serve the app under gunicorn with `options` over a copy of the demo database (open viewing on, Chromium
    behind `gate`) until the caller is done; yield its base URL."""
    from tests.auth_helpers import add_test_users
    from tests.browser.conftest import _free_port

    database = folder / "app.db"
    database.write_bytes(demo_database.read_bytes())
    engine = db.make_engine(f"sqlite:///{database}")
    add_test_users(engine)
    engine.dispose()
    port = _free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MEASURES_BEHIND_PROXY", "MEASURES_PACK_BASE_URL")
    }
    env.update(
        {
            "MEASURES_DB_URL": f"sqlite:///{database}",
            "MEASURES_OPEN_VIEWING": "service",
            "MEASURES_CHROMIUM": str(gate / "chromium"),
        }
    )
    log = (folder / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *options, "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: process.poll() is not None or _answers(base_url), "gunicorn to start")
        assert process.poll() is None and _get(base_url, "/sign-in", {"Host": "127.0.0.1"})[0] == 200
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def sync_app(demo_database, tmp_path_factory, chromium_gate):
    """Base URL of the app under gunicorn with two workers of its default kind (one request at a time each)."""
    yield from _gunicorn(demo_database, tmp_path_factory.mktemp("sync-workers"), chromium_gate, "--workers", "2")


@pytest.fixture(scope="module")
def threaded_app(demo_database, tmp_path_factory, chromium_gate):
    """Base URL of the app under gunicorn as `make serve` runs it: two workers of four threads."""
    yield from _gunicorn(
        demo_database, tmp_path_factory.mktemp("threaded-workers"), chromium_gate, "--workers", "2", "--threads", "4"
    )


def _answers(base_url: str) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(base_url).port), timeout=1):
            return True
    except OSError:
        return False


def test_a_server_that_serves_one_request_per_worker_never_blocks_its_own_printing(sync_app, chromium_gate, tmp_path):
    # Each worker printing waits for its browser, and the browser needs a free worker to load the pack from: two
    # prints at once on two such workers left none, and both failed after the page timeout.
    viewer, officer = _session_cookie(sync_app, "viewer"), _session_cookie(sync_app, "officer")
    answers: dict = {}
    hold = chromium_gate / "hold"
    hold.touch()
    try:
        started = _launches(chromium_gate)
        first = _ask_in_background(sync_app, "2022-11", viewer, answers)
        _wait_until(lambda: _launches(chromium_gate) == started + 1, "the viewer's PDF to start")
        second = _ask_in_background(sync_app, "2022-10", officer, answers)
        _wait_until(
            lambda: "2022-10" in answers or _launches(chromium_gate) == started + 2,
            "the officer's request to be answered or to start a browser",
        )
    finally:
        hold.unlink()
    first.join(timeout=120)
    second.join(timeout=120)
    assert answers["2022-11"][0] == 200, answers["2022-11"][2][:300]
    _assert_the_real_pack(answers["2022-11"][2], "November 2022", tmp_path)
    status, headers, body = answers["2022-10"]
    assert status == 200 or (
        status == 503 and body.decode().startswith("Other PDFs are being made just now.") and headers["Retry-After"]
    ), (status, body[:300])


def _ask_from(base_url: str, address: str, period: str, answers: dict) -> threading.Thread:
    """Ask for the PDF in the background from the loopback `address` (another visitor, to the print slots)."""

    def ask() -> None:
        connection = http.client.HTTPConnection(
            "127.0.0.1", urllib.parse.urlsplit(base_url).port, timeout=120, source_address=(address, 0)
        )
        try:
            connection.request("GET", f"/pack.pdf?period={period}")
            response = connection.getresponse()
            answers[address] = (response.status, response.msg, response.read())
        finally:
            connection.close()

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    return thread


def test_many_asking_at_once_for_the_pdf_being_made_leave_the_server_free_to_make_it(
    threaded_app, chromium_gate, tmp_path
):
    # The board meets: visitors ask for this month's pack while it is being made. Each request used to wait for it
    # on a worker thread; eight of them took every thread, the printing browser could load nothing, the PDF failed
    # for everyone and the whole dashboard stalled. They are answered at once, and their browsers ask again.
    answers: dict = {}
    hold = chromium_gate / "hold"
    hold.touch()
    try:
        started = _launches(chromium_gate)
        first = _ask_from(threaded_app, "127.0.0.2", "2022-12", answers)
        _wait_until(lambda: _launches(chromium_gate) == started + 1, "the first PDF to start")
        others = [_ask_from(threaded_app, f"127.0.0.{n}", "2022-12", answers) for n in range(3, 11)]
        time.sleep(3)  # every request reaches the server while the first PDF is still being made
    finally:
        hold.unlink()
    first.join(timeout=120)
    for thread in others:
        thread.join(timeout=120)
    status, _, made = answers["127.0.0.2"]
    assert status == 200, made[:300]
    _assert_the_real_pack(made, "December 2022", tmp_path)
    for n in range(3, 11):
        status, headers, body = answers[f"127.0.0.{n}"]
        if status != 200:
            assert status == 503, (status, body[:300])
            assert body.decode().startswith("The PDF of the pack as at December 2022 is being made"), body
            assert headers["Retry-After"] and headers["Refresh"]  # a browser asks again by itself
    again: dict = {}
    _ask_from(threaded_app, "127.0.0.3", "2022-12", again).join(timeout=120)
    assert again["127.0.0.3"][0] == 200 and again["127.0.0.3"][2] == made
    assert _launches(chromium_gate) == started + 1
