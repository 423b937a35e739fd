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
from measures.storage import db, edits
from tests.auth_helpers import add_test_users, client_as, http_opener
from tests.browser.conftest import _serve_a_copy
from tests.pdf_layout import layout_problems, page_texts
from tests.unit.test_catalogue import PUBLISHED_REFS

browser = pytest.mark.browser
AREAS = range(1, 11)
PACK_TITLE = "Children and Families – Measures that Matter"


# The month's commentary on two measures, one as an officer might type it (markup, a formula, line breaks), and an
# earlier month's, which the pack leaves to the measure's page.
COMMENTARY = {
    ("3.1", "2023-01"): "Assessments rose after the second duty team started.\nMore in the February report.",
    ("10.2", "2023-01"): '<b>Not bold</b> =SUM(A1) & "quoted" <script>alert(1)</script>',
    ("3.1", "2022-12"): "December's commentary stays on the measure page.",
}
# The demo month's pack prints on this many A4 pages: cover, how to read, summary, then the ten areas flowing on.
DEMO_PAGES = 25


@pytest.fixture(scope="module")
def served_app(demo_database, tmp_path_factory):
    """The app on loopback against a copy of the demo database with the month's commentary added: this module's
    one served app."""
    folder = tmp_path_factory.mktemp("pack")
    database = folder / "with-commentary.db"
    shutil.copy(demo_database, database)
    engine = db.make_engine(f"sqlite:///{database}")
    for (ref, period), text in COMMENTARY.items():
        edits.add_commentary(engine, ref, period, text, "Olu Officer")
    engine.dispose()
    yield from _serve_a_copy(database, folder)


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
def test_printing_leaves_out_the_site_and_lets_the_areas_flow_on(page, served_app):
    _open_pack(page, served_app + "/pack?period=2023-01")
    page.emulate_media(media="print")
    style = "selector => getComputedStyle(document.querySelector(selector))"
    for own_page in (".pack-cover", ".pack-reading"):
        assert page.evaluate(f"({style})('{own_page}').breakAfter") == "page", own_page
    # The summary runs on into the first area when it is longer than a page, never leaving a page with one row.
    assert page.evaluate(f"({style})('.pack-summary').breakAfter") == "auto"
    assert page.evaluate(f"({style})('.pack-area').breakBefore") == "auto"
    assert page.evaluate(f"({style})('.pack-measure').breakInside") == "avoid"
    for hidden in (".site-header", ".site-footer", ".pack-controls"):
        assert page.evaluate(f"({style})('{hidden}').display") == "none", hidden
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@browser
def test_each_area_has_its_charts_committee_columns_commentary_and_actions(page, served_app):
    _open_pack(page, served_app + "/pack?period=2023-01")
    assert page.locator(".pack-area").count() == len(AREAS)
    for ref in PUBLISHED_REFS:
        detail = page.locator(f"tr.pack-detail-row[data-detail-ref='{ref}']")
        for column in ("Objective", "Timescale", "Best practice"):
            assert column + ":" in detail.inner_text(), (ref, column)
    charts = page.locator("img.pack-spc-chart")
    drawn = charts.evaluate_all("images => images.map(i => [i.dataset.ref, i.complete && i.naturalWidth > 0, i.alt])")
    # Every measure has its chart, or says it has fewer than two monthly figures to draw (six in the demo month).
    assert len(drawn) == len(PUBLISHED_REFS) - 6
    assert page.locator("tr.pack-detail-row .pack-no-chart").count() == 6
    assert all(loaded and alt.startswith(f"SPC chart of {ref},") for ref, loaded, alt in drawn)
    assert "no chart yet" not in page.locator("tr.pack-detail-row[data-detail-ref='3.1']").inner_text()
    headers = page.locator("#pack-area-3 thead tr.pack-committee-header th").all_inner_texts()
    assert headers == ["SPC chart, monthly figures", "Objective", "Timescale", "Best practice"]
    # The month's commentary, under its measure, as typed: markup and formulas are text.
    notes = page.locator("tr.pack-commentary-row")
    assert notes.evaluate_all("rows => rows.map(r => r.dataset.commentaryRef)") == ["3.1", "10.2"]
    assert "second duty team started.\nMore in the February report." in notes.first.inner_text()
    hostile = page.locator("tr.pack-commentary-row[data-commentary-ref='10.2'] .pack-commentary-text").inner_text()
    assert hostile == COMMENTARY[("10.2", "2023-01")]
    assert page.locator("tr.pack-commentary-row b, tr.pack-commentary-row script").count() == 0
    assert "December's commentary" not in page.locator("#pack-document").inner_text()
    # Every area lists its actions with their rating in words, the flags and the impact of completed ones.
    for area in AREAS:
        assert page.locator(f"#pack-area-{area} .pack-actions-heading").inner_text() == f"Area {area} actions"
    action = page.locator("#pack-area-1 tr.pack-action[data-number='1.1']")
    assert "Blue: Completed" in action.inner_text() and "Since action 1.1 was completed" in action.inner_text()
    assert page.locator(".pack-action .flag-overdue").count() > 0


@browser
def test_the_cover_and_summary_say_where_the_month_stands(page, served_app):
    _open_pack(page, served_app + "/pack?period=2023-01")
    facts = page.locator(".pack-facts").inner_text()
    for fact in ("Herefordshire", "Children and Young People Scrutiny Committee", "January 2023", "Published"):
        assert fact in facts
    assert "measures have a figure for January 2023" in page.locator(".pack-completeness").inner_text()
    assert page.locator(".pack-revisions").inner_text() == "None: every figure and action rating is as published."
    summary = page.locator("#pack-summary")
    concerns = summary.locator("tr.pack-concern").evaluate_all("rows => rows.map(r => r.dataset.ref)")
    assert "2.3" in concerns
    assert "Off target" in summary.locator("tr.pack-concern[data-ref='2.3']").inner_text()
    listed = summary.locator("tr.pack-action-of-concern").count()
    assert listed > 0 and listed == summary.locator("tr.pack-action-of-concern:has(.flag-overdue, .brag-red)").count()
    reading = page.locator("#pack-reading")
    assert reading.locator(".spc-icon img").count() == 7 and reading.locator(".pack-shape").count() == 4
    assert reading.locator(".brag").count() == 6


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
def test_the_pdf_flows_on_with_every_area_and_nothing_written_over_anything(served_app, output_dir):
    opener, _ = http_opener(served_app, "viewer")  # the server's own browser prints it for a signed-in viewer
    with opener.open(served_app + "/pack.pdf?period=2023-01", timeout=120) as response:
        data = response.read()
        headers = response.headers
    assert data.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == 'attachment; filename="measures-that-matter-2023-01.pdf"'
    saved = output_dir / "pack-2023-01.pdf"
    saved.write_bytes(data)
    for old in output_dir.glob("pack-2023-01-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(saved), str(output_dir / "pack-2023-01-page")], check=True)

    pages = page_texts(saved)
    # Areas flow on after the cover, the key and the summary: no area starts a page of its own, none is blank.
    assert len(pages) == DEMO_PAGES, len(pages)
    assert all(page.strip() for page in pages)
    cover = " ".join(pages[0].split())
    for fact in ("Herefordshire", "Children and Young People Scrutiny Committee", "as at January 2023", "Published"):
        assert fact in cover, fact
    assert "measures have a figure for January 2023" in cover
    assert "How to read this pack" in pages[1] and "Summary" in pages[2]
    words = " ".join(" ".join(pages).split())
    for area in AREAS:
        assert re.search(rf"Area {area} \w", words), area
    for ref in PUBLISHED_REFS:
        assert re.search(rf"(?m)^{re.escape(ref)} ", "\n".join(pages)), ref
    assert "Assessments rose after the second duty team started." in words
    assert "December's commentary" not in words
    for column in ("Objective", "Timescale", "Best practice"):
        assert column in words
    # No measure is split across pages: each page has as many measure rows as it has charts' committee columns.
    for number, text in enumerate(pages, start=1):
        counts = [text.count(label) for label in ("Good looks like:", "Objective:", "Timescale:", "Best practice:")]
        assert len(set(counts)) == 1, (number, counts)
    assert sum(text.count("Good looks like:") for text in pages) == len(PUBLISHED_REFS)
    assert layout_problems(saved) == []


@browser
def test_the_layout_check_finds_text_run_into_the_next_column(page, served_app, output_dir):
    """The check the PDF passes fails on the fault it guards against: the pack printed with its cells' text kept
    on one line, so that 'Not rated: no figure' runs over the next column, as it once did."""
    _open_pack(page, served_app + "/pack?period=2023-01")
    page.add_style_tag(content=".pack-table td, .pack-table th, .pack-table .badge { white-space: nowrap !important; }")
    broken = output_dir / "pack-broken-layout.pdf"
    page.emulate_media(media="print")
    broken.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    problems = layout_problems(broken)
    assert any("overlaps" in problem for problem in problems), problems[:5]


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
    widths = page.evaluate("""() => [...document.querySelectorAll('.pack-table thead th')]
        .filter(th => th.offsetParent !== null).map(th => {
        const probe = document.createElement('span'); probe.style.whiteSpace = 'nowrap';
        const words = th.innerText.split(/[\\s-]+/); let widest = 0;
        for (const word of words) { probe.textContent = word; th.appendChild(probe);
            widest = Math.max(widest, probe.getBoundingClientRect().width); probe.remove(); }
        const style = getComputedStyle(th);
        return [th.innerText, widest, th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
    })""")
    assert all(widest <= room + 1 for _, widest, room in widths), widths
