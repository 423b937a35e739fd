"""The meeting pack: every area and measure as at a month in the browser, print styles, and the PDF the server
makes with headless Chromium, read back with poppler's pdftoppm and pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from dashboard.server import pdf
from tests.auth_helpers import add_test_users, client_as, http_opener
from tests.unit.test_catalogue import PUBLISHED_REFS

browser = pytest.mark.browser
AREAS = range(1, 11)
PACK_TITLE = "Children and Families – Measures that Matter"


def _open_pack(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".pack-area tr.pack-row")


@browser
def test_the_pack_shows_every_area_and_every_measure(page, served_app, output_dir):
    _open_pack(page, served_app + "/pack?period=2023-01")
    assert page.locator("h1").inner_text() == PACK_TITLE
    assert page.locator(".pack-as-at").inner_text() == "as at January 2023"
    assert page.locator(".pack-produced").inner_text().startswith("Produced on ")
    assert "Demonstration data." in page.locator(".pack-cover").inner_text()
    assert "measures in 10 improvement areas" in page.locator(".pack-headline").inner_text()
    headings = page.locator(".pack-area h2").all_inner_texts()
    assert [re.match(r"Area (\d+)\b", text).group(1) for text in headings] == [str(n) for n in AREAS]
    refs = page.locator("tr.pack-row").evaluate_all("rows => rows.map(r => r.dataset.ref)")
    assert refs == PUBLISHED_REFS
    row = page.locator("tr.pack-row[data-ref='3.1']")
    assert row.locator("td.latest").inner_text() == "236/304 77.6%"
    assert "Up 9.6 points, better" in row.locator("td.change").inner_text()  # special cause, improvement
    assert page.locator("tr.pack-row[data-ref='2.6'] td.latest").inner_text() == "TBC"
    sentence = page.locator("#pack-area-3 .pack-change-sentence").inner_text()
    assert sentence.startswith("Of its 4 measures, compared with December 2022 only: ")
    assert page.locator("#pack-pdf-link").get_attribute("href") == "/pack.pdf?period=2023-01"
    page.screenshot(path=str(output_dir / "pack.png"), full_page=True)


@browser
def test_printing_leaves_out_the_site_and_starts_each_area_on_a_new_page(page, served_app):
    _open_pack(page, served_app + "/pack?period=2023-01")
    page.emulate_media(media="print")
    style = "selector => getComputedStyle(document.querySelector(selector))"
    assert page.evaluate(f"({style})('.pack-area').breakBefore") == "page"
    for hidden in (".site-header", ".site-footer", ".pack-controls"):
        assert page.evaluate(f"({style})('{hidden}').display") == "none", hidden
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@browser
def test_choosing_a_month_shows_its_pack_at_its_own_address(page, served_app):
    _open_pack(page, served_app + "/pack?period=2023-01")
    page.locator("#pack-period-picker").click()
    page.get_by_role("option", name="December 2022").click()
    page.wait_for_url(re.compile(r"/pack\?period=2022-12$"))
    # The cover's "as at" line, not any "as at December 2022" (a rating from an earlier month says that too).
    page.wait_for_selector(".pack-as-at:has-text('as at December 2022')")
    assert page.locator("tr.pack-row[data-ref='3.1'] td.latest").inner_text() == "198/291 68.0%"
    assert page.locator("#pack-pdf-link").get_attribute("href") == "/pack.pdf?period=2022-12"


@browser
def test_the_pdf_has_the_cover_and_an_area_on_each_page(served_app, output_dir):
    opener, _ = http_opener(served_app, "viewer")  # the server's own browser prints it for a signed-in viewer
    with opener.open(served_app + "/pack.pdf?period=2023-01", timeout=90) as response:
        data = response.read()
        headers = response.headers
    assert data.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="measures-that-matter-2023-01.pdf"'
    saved = output_dir / "pack-2023-01.pdf"
    saved.write_bytes(data)

    for old in output_dir.glob("pack-2023-01-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(saved), str(output_dir / "pack-2023-01-page")], check=True)
    images = sorted(output_dir.glob("pack-2023-01-page-*.png"))
    assert len(images) >= len(AREAS)
    for number, image in enumerate(images, start=1):  # keep pages 1 and 2 to look at
        if number > 2:
            image.unlink()

    text = subprocess.run(["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True, text=True).stdout
    words = " ".join(text.split())
    assert "Measures that Matter" in words and "January 2023" in words and "3.1" in words
    pages = text.split("\f")
    assert "as at January 2023" in pages[0]
    openings = [page.strip().splitlines()[0] if page.strip() else "" for page in pages]
    for area in AREAS:  # every area starts a page
        assert any(re.match(rf"Area {area}\s", opening) for opening in openings), (area, openings)
    for ref in PUBLISHED_REFS:
        assert re.search(rf"(?m)^\s*{re.escape(ref)}\s", text), ref


@browser
def test_without_signing_in_the_pdf_route_sends_you_to_sign_in(served_app):
    opener, _ = http_opener(served_app, None)
    with opener.open(served_app + "/pack.pdf?period=2023-01", timeout=30) as response:
        assert urllib.parse.urlsplit(response.url).path == "/sign-in"
        assert response.headers["Content-Type"].startswith("text/html")


@browser
def test_a_bad_period_gets_a_plain_400(served_app):
    opener, _ = http_opener(served_app, "viewer")
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(served_app + "/pack.pdf?period=2023-13", timeout=10)
    assert refused.value.code == 400
    assert refused.value.headers["Content-Type"].startswith("text/plain")
    body = refused.value.read().decode()
    assert "YYYY-MM" in body and "Traceback" not in body


@pytest.fixture
def ask_pdf(demo_database, tmp_path, monkeypatch):
    """Ask the real app's PDF route through Flask's test client, signed in as a viewer, as a browser would ask a
    threaded server (the test client has no socket, so the print address must come from MEASURES_PACK_BASE_URL)."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_database, copy)
    monkeypatch.setenv("MEASURES_DB_URL", f"sqlite:///{copy}")
    monkeypatch.delenv(pdf.BASE_URL_VARIABLE, raising=False)
    from dashboard import create_app
    from dashboard.server import data

    data.engine.cache_clear()
    add_test_users(data.engine())
    client = client_as(create_app(), "viewer")
    session_cookie = client.get_cookie("mtm_session").value

    def ask(
        query: str = "?period=2023-01",
        base_url: str = "http://127.0.0.1:8050",
        threaded: bool = True,
        headers: dict | None = None,
    ):
        client.set_cookie("mtm_session", session_cookie, domain=urllib.parse.urlsplit(base_url).hostname)
        return client.get(
            "/pack.pdf" + query,
            base_url=base_url,
            headers=headers or {},
            environ_overrides={"wsgi.multithread": threaded, "wsgi.multiprocess": False},
        )

    yield ask
    data.engine().dispose()
    data.engine.cache_clear()


def test_the_route_says_plainly_when_chromium_is_missing(ask_pdf, monkeypatch):
    monkeypatch.setenv(pdf.BASE_URL_VARIABLE, "http://127.0.0.1:1/")
    monkeypatch.setenv(pdf.CHROMIUM_VARIABLE, "/nonexistent/chromium")
    response = ask_pdf()
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert "Chromium is not installed" in response.get_data(as_text=True)


def test_the_route_says_plainly_when_chromium_fails(ask_pdf, monkeypatch):
    monkeypatch.setenv(pdf.BASE_URL_VARIABLE, "http://127.0.0.1:1/")
    monkeypatch.setenv(pdf.CHROMIUM_VARIABLE, shutil.which("false"))
    response = ask_pdf()
    assert response.status_code == 503
    assert response.get_data(as_text=True).startswith("The PDF could not be made.")


@pytest.mark.parametrize("period", ["2023-13", "23-01", "2023-1", "January", "2023-01%2F..%2Fx"])
def test_the_route_refuses_a_malformed_period(ask_pdf, period):
    response = ask_pdf(f"?period={period}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "YYYY-MM" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"X-Forwarded-Host": "127.0.0.1:8123"}, {"Forwarded": "host=localhost:1"}])
@pytest.mark.parametrize("base_url", ["http://attacker.example", "http://127.0.0.1:8123", "http://a.localhost:1"])
def test_the_route_never_takes_the_print_address_from_the_request(ask_pdf, monkeypatch, base_url, headers):
    def must_not_run(url, token, period=None, timeout=0):
        raise AssertionError(f"Chromium was sent to {url}")

    monkeypatch.setattr(pdf, "render_pdf", must_not_run)
    response = ask_pdf(base_url=base_url, headers=headers)  # no socket, no setting: nowhere safe to print from
    assert response.status_code == 503
    assert pdf.BASE_URL_VARIABLE in response.get_data(as_text=True)


def test_the_route_prints_from_the_configured_address_with_the_token_outside_it(ask_pdf, monkeypatch):
    printed = []
    monkeypatch.setattr(
        pdf, "render_pdf", lambda url, token, period=None, timeout=0: printed.append((url, token)) or b"%PDF-1.4 test"
    )
    monkeypatch.setenv(pdf.BASE_URL_VARIABLE, "http://127.0.0.1:9000")
    response = ask_pdf("?period=2022-12", base_url="http://127.0.0.1:8123", headers={"X-Forwarded-Host": "x.test"})
    assert response.status_code == 200 and response.data == b"%PDF-1.4 test"
    assert response.headers["Content-Disposition"] == 'attachment; filename="measures-that-matter-2022-12.pdf"'
    assert printed[0][0] == "http://127.0.0.1:9000/pack?period=2022-12"
    assert len(printed[0][1]) >= 40 and printed[0][1] not in printed[0][0]


def test_a_server_that_cannot_answer_chromium_is_told_so(ask_pdf):
    response = ask_pdf(threaded=False)
    assert response.status_code == 503
    assert "one request at a time" in response.get_data(as_text=True)


def test_a_chromium_that_hangs_is_stopped_with_its_children(tmp_path, monkeypatch):
    hanging = tmp_path / "chromium"
    child = tmp_path / "child.pid"
    hanging.write_text(f"#!/bin/sh\nsleep 30 &\necho $! > {child}\nsleep 30\n")
    hanging.chmod(0o755)
    monkeypatch.setenv(pdf.CHROMIUM_VARIABLE, str(hanging))
    failures: list[pdf.PdfError] = []

    def render() -> None:  # in a thread of its own, as in a request: this one may be driving the test browser
        try:
            pdf.render_pdf("http://127.0.0.1:1/pack", "a-token", timeout=1)
        except pdf.PdfError as error:
            failures.append(error)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(timeout=30)
    assert len(failures) == 1 and "longer than 1 seconds" in str(failures[0]), [(f, f.detail) for f in failures]
    # Stopped at its own time limit, not waited out: the render has returned while the fake browser's 30-second
    # sleep would still be running, and (below) the browser's children are gone.
    assert not worker.is_alive()
    left = Path(f"/proc/{child.read_text().strip()}")
    deadline = time.monotonic() + 5
    while left.exists() and "zombie" not in _state(left) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left.exists() or "zombie" in _state(left), "Chromium's children were left running"


def test_a_browser_still_printing_after_its_time_is_killed_with_its_children(tmp_path):
    marker = "--measures-print-job=0123456789abcdef"  # as render_pdf marks the Chromium it starts
    browser_like = subprocess.Popen(
        ["sh", "-c", "sleep 60 & echo $! > child.pid; wait", marker], cwd=tmp_path, start_new_session=True
    )
    child = tmp_path / "child.pid"
    deadline = time.monotonic() + 10
    while not (child.exists() and child.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pdf._kill_marked(marker)
    assert browser_like.wait(timeout=10) == -9
    left = Path(f"/proc/{child.read_text().strip()}")
    deadline = time.monotonic() + 5
    while left.exists() and "zombie" not in _state(left) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left.exists() or "zombie" in _state(left), "the browser's children were left running"


def _state(proc: Path) -> str:
    try:
        return (proc / "status").read_text()
    except OSError:
        return "zombie"


@browser
def test_a_bad_month_in_the_pack_address_is_explained(page, served_app):
    _open_pack(page, served_app + "/pack?period=yesterday")
    assert "is not a month in the form YYYY-MM" in page.locator(".notice-warning").inner_text()
    assert page.locator(".pack-as-at").inner_text() == "as at January 2023"


def test_on_a_phone_the_packs_figures_do_not_run_into_each_other(page, served_app):
    page.set_viewport_size({"width": 390, "height": 844})
    _open_pack(page, served_app + "/pack?period=2023-01")
    # Squeezed into fixed columns a phone's width, '198/291 68.0%' ran over '236/304 77.6%' beside it and the
    # words broke letter by letter; the table now keeps readable columns and scrolls in its own box.
    crowded = page.evaluate("""() => [...document.querySelectorAll('.pack-table th, .pack-table td')]
        .filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.innerText)""")
    assert crowded == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # No word is broken inside ('Vari / atio / n'): every header is as wide as its longest word (a hyphen may
    # break, as in 'Dec-22').
    widths = page.evaluate("""() => [...document.querySelectorAll('.pack-table thead th')].map(th => {
        const probe = document.createElement('span'); probe.style.whiteSpace = 'nowrap';
        const words = th.innerText.split(/[\\s-]+/); let widest = 0;
        for (const word of words) { probe.textContent = word; th.appendChild(probe);
            widest = Math.max(widest, probe.getBoundingClientRect().width); probe.remove(); }
        const style = getComputedStyle(th);
        return [th.innerText, widest, th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
    })""")
    assert all(widest <= room + 1 for _, widest, room in widths), widths
