"""The meeting pack as a PDF: `/pack.pdf?period=YYYY-MM` prints the app's own `/pack` page with headless Chromium.

The pack is a Dash page, rendered in the browser, so the server has its own Chromium (driven by Playwright) load
the pack from this same server, wait until the pack as at that month is on the page, and print it. The server
must therefore answer Chromium while the PDF request waits: Flask's development server (`python app.py`) is
threaded, and gunicorn needs threads or more than one worker; a server that can do neither gets a plain 503.
Workers without threads (gunicorn's default kind) print one PDF at a time: a worker printing is one the printing
browser cannot load the pack from.

Where Chromium loads the pack from is never taken from the request (not the Host header, not X-Forwarded-Host,
whatever MEASURES_BEHIND_PROXY says): it is `MEASURES_PACK_BASE_URL` when set (e.g. `http://127.0.0.1:8050/`),
otherwise this server's own address and port on which the request's connection arrived, read from the socket.
A server listening on a Unix socket must set `MEASURES_PACK_BASE_URL`. Chromium may fetch nothing from any
other origin, and is killed if it is still printing a few seconds after PAGE_TIMEOUT_SECONDS.

Chromium reads the pack as a print-only session opened by a print token (`measures.accounts.print_tokens`): issued for
the one page and month just before Chromium starts, valid for seconds, spent in the database on first use, and
sent as a cookie set on Chromium's browser context, so it is in no address and no access log. The session it
opens may read that month's pack and the frame it needs, and nothing else (`dashboard.server.auth`).

Making a PDF costs a browser, so:
- PDFs already made are kept in the database (`measures.storage.pdf_cache`; it is the one store every server shares,
  where a folder would need a shared file system) under a key of the month, the data version,
  the catalogue with its targets, the day the cover gives and the code: a repeat request is a database read,
  and a new import, a change of target or a new day makes the next request print afresh;
- printing takes one of a few slots shared by every worker and server (`measures.storage.print_slots`); a reader (a
  signed-in user, or the address of a visitor) holds at most one, so one reader cannot keep others waiting;
- no request waits on the server for a slot or for a PDF someone else is making (a waiting request holds a
  worker thread, and a few of them left the printing browser none): it is answered at once, 429 when the reader
  is making another PDF, 503 otherwise, with a sentence and `Retry-After` and `Refresh` headers, so the reader's
  browser asks again by itself and gets the PDF once it is made;
- the page must be printed within PAGE_TIMEOUT_SECONDS (a pack prints in about 4 seconds here).

`MEASURES_CHROMIUM` names the browser binary if it is not `chromium` on the PATH.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import shutil
import signal
import ssl
import threading
import time
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, current_app, request
from sqlalchemy import Engine

from dashboard import ids
from dashboard.server.print_sessions import PRINT_TOKEN_COOKIE
from dashboard.server.readers import current_name
from measures.accounts import print_tokens
from measures.domain.council import load_council
from measures.domain.periods import is_period, long_label, make_period, parse_period
from measures.storage import audit, catalogue_records, pdf_cache, print_slots, publications, reads

PDF_PATH = "/pack.pdf"
PACK_PATH = "/pack"
PAGE_TIMEOUT_SECONDS = 20  # browser start, page load and printing together
KILL_GRACE_SECONDS = 5  # then a browser still printing is killed, whatever it is doing
HOLD_SECONDS = PAGE_TIMEOUT_SECONDS + 10  # a print slot whose worker died frees itself after this
ASK_AGAIN_SECONDS = 3  # a request that cannot print now is told to ask again after this long
BASE_URL_VARIABLE = "MEASURES_PACK_BASE_URL"
CHROMIUM_VARIABLE = "MEASURES_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--mute-audio",
    "--hide-scrollbars",
    "--lang=en-GB",
)
# What the PDF's look depends on besides the data: the code that draws and prints the pack.
_DRAWING_CODE = ("dashboard", "measures", "assets")


class PdfError(RuntimeError):
    """The PDF could not be made. The message is safe to show to the reader; `detail` is for the log."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def chromium_binary() -> str | None:
    """Return the path of the Chromium to use (`MEASURES_CHROMIUM`, else the first found on the PATH), or None."""
    configured = os.environ.get(CHROMIUM_VARIABLE)
    if configured:
        return shutil.which(configured)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _kill_marked(marker: str) -> None:
    """Kill the process group of the Chromium started with `marker` among its arguments (Playwright starts the
    browser as the leader of its own process group, so its renderers and helpers go with it)."""
    wanted = marker.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in arguments:
            try:
                os.killpg(int(entry.name), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def render_pdf(url: str, token: str, period: str | None = None, timeout: float = PAGE_TIMEOUT_SECONDS) -> bytes:
    """Return the PDF Chromium prints of the pack at `url`, opened with the print `token` (a cookie).

    Chromium may fetch nothing outside `url`'s origin. Raises PdfError if Chromium is missing, fails, is refused
    the page, shows a pack as at another month than `period` (when given), or takes longer than `timeout`
    seconds in all.
    """
    shown = url.split("?", 1)[0]
    binary = chromium_binary()
    if binary is None:
        raise PdfError("The PDF cannot be made because Chromium is not installed on the server.")
    from playwright.sync_api import Error as BrowserError
    from playwright.sync_api import Route, sync_playwright
    from playwright.sync_api import TimeoutError as BrowserTimeout

    deadline = time.monotonic() + timeout
    origin = _origin(url)

    def left() -> float:  # milliseconds, as Playwright counts them
        return max(1.0, (deadline - time.monotonic()) * 1000)

    def only_this_server(route: Route) -> None:
        if _origin(route.request.url) == origin:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    # Playwright bounds each step but not printing itself: a browser still busy after the timeout is killed.
    marker = f"--measures-print-job={secrets.token_hex(8)}"
    watchdog = threading.Timer(timeout + KILL_GRACE_SECONDS, _kill_marked, [marker])
    watchdog.daemon = True
    watchdog.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=binary,
                args=[*CHROMIUM_ARGS, marker],
                timeout=left(),
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
            try:
                context = browser.new_context(
                    locale="en-GB",
                    service_workers="block",
                    accept_downloads=False,
                    ignore_https_errors=origin.startswith("https:"),
                )
                context.add_cookies(
                    [
                        {
                            "name": PRINT_TOKEN_COOKIE,
                            "value": token,
                            "url": origin + "/",
                            "httpOnly": True,
                            "sameSite": "Strict",
                        }
                    ]
                )
                context.route("**/*", only_this_server)
                page = context.new_page()
                page.goto(url, wait_until="domcontentloaded", timeout=left())
                page.wait_for_selector(f"#{ids.PACK_DOCUMENT}, .refusal", timeout=left())
                if page.locator(".refusal").count():
                    raise PdfError("The PDF could not be made.", f"the pack at {shown} refused the print session")
                shown_month = page.get_attribute(f"#{ids.PACK_DOCUMENT}", "data-period", timeout=left())
                if period and shown_month != period:
                    raise PdfError("The PDF could not be made.", f"{shown} showed {shown_month!r}, not {period}")
                page.wait_for_load_state("networkidle", timeout=left())
                data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except BrowserTimeout as error:
        raise PdfError(
            f"Making the PDF took longer than {timeout:g} seconds, so it was stopped.",
            f"timeout after {timeout} s for {shown}: {error}",
        ) from error
    except BrowserError as error:
        raise PdfError("The PDF could not be made.", f"{shown}: {error}") from error
    finally:
        watchdog.cancel()
    if not data.startswith(b"%PDF"):
        raise PdfError("The PDF could not be made.", f"Chromium gave no PDF for {shown}")
    return data


def _own_address() -> str | None:
    """Return the base URL of the socket of this server that accepted the request, or None (a Unix socket, or a
    server that does not say). The client chooses nothing here but which of the server's own addresses it
    connected to."""
    for key in ("gunicorn.socket", "werkzeug.socket"):
        connection = request.environ.get(key)
        if connection is None:
            continue
        try:
            local = connection.getsockname()
        except OSError:
            return None
        if not isinstance(local, tuple) or len(local) < 2:
            return None
        address = ipaddress.ip_address(str(local[0]).split("%", 1)[0])
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_unspecified:
            address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
        host = f"[{address}]" if address.version == 6 else str(address)
        scheme = "https" if isinstance(connection, ssl.SSLSocket) else "http"
        return f"{scheme}://{host}:{int(local[1])}/"
    return None


def print_base_url() -> str:
    """Return the address at which Chromium reaches this app: MEASURES_PACK_BASE_URL, else this server's own socket.
    Never anything from the request's headers. Raises PdfError if there is neither."""
    configured = os.environ.get(BASE_URL_VARIABLE, "").strip()
    if configured:
        parts = urlsplit(configured)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PdfError(
                f"The PDF cannot be made here: {BASE_URL_VARIABLE} is not an http:// address.",
                f"{BASE_URL_VARIABLE}={configured!r}",
            )
        return configured if configured.endswith("/") else configured + "/"
    own = _own_address()
    if own is None:
        raise PdfError(
            f"The PDF cannot be made here: the server's administrator needs to set {BASE_URL_VARIABLE}.",
            "the server does not say which address it is listening on",
        )
    return own


@cache
def _code_version() -> str:
    """A digest of the code that draws the pack (fixed for the life of the process, the same in every worker
    running the same release)."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder in _DRAWING_CODE:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".css", ".js") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def pdf_key(engine: Engine, period: str | None) -> tuple[str, str]:
    """Return (the cache key of the PDF of the pack as at `period` as it would print now, the data version): it
    changes with the data, the catalogue, the council's facts, the day and the code that draws the pack."""
    version = reads.data_version(engine)
    catalogue = catalogue_records.read_catalogue(engine)
    # The council's facts print in the pack (its name, comparators), so a changed council file is a new PDF.
    drawn_from = repr(catalogue) + repr(load_council())
    return pdf_cache.work_key(period, version, drawn_from, date.today().isoformat(), _code_version()), version


def _holder() -> str:
    """Who a print slot is held for: the signed-in user, else the visitor's address."""
    name = current_name()
    return f"user:{name}" if name else f"address:{request.remote_addr or ''}"


def _plain(message: str, status: int, retry_after: int | None = None) -> Response:
    headers = {"Cache-Control": "no-store"}
    if retry_after:
        headers["Retry-After"] = str(retry_after)
        headers["Refresh"] = str(retry_after)  # a browser showing this page asks again by itself
    return Response(message + "\n", status=status, mimetype="text/plain", headers=headers)


def _download(data: bytes, name: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _print(
    engine: Engine, period: str | None, key: str, version: str, base: str | None = None, actor: str | None = None
) -> bytes:
    """Print the pack as at `period` now (the caller holds a print slot), record it, and keep it under `key` if
    nothing it depends on changed meanwhile. `base` and `actor` default to this request's (`print_base_url`, the
    reader). Raises PdfError."""
    base = base or print_base_url()
    token = print_tokens.issue_print_token(engine, PACK_PATH, period or "")
    url = base + PACK_PATH.lstrip("/") + ("?" + urlencode({"period": period}) if period else "")
    started = time.monotonic()
    data = render_pdf(url, token, period)
    seconds = round(time.monotonic() - started, 2)
    audit.record_event(
        engine,
        actor or current_name() or _holder(),
        "pack.pdf_printed",
        period or "",
        {"data_version": version, "seconds": seconds, "bytes": len(data)},
    )
    if pdf_key(engine, period)[0] == key:
        pdf_cache.keep_pdf(engine, key, period or "", version, data)
    return data


def pack_pdf_for(
    engine: Engine, period: str, base: str, actor: str, tries: int = 10, wait_seconds: float = ASK_AGAIN_SECONDS
) -> bytes:
    """Return the PDF of the pack as at `period` outside a request (the briefing's attachment): the one already made,
    else printed now by Chromium loading the pack from `base` (`print_base_url`, taken while the request that
    asked was answered) and kept as `/pack.pdf` keeps it. While the PDF is being made by someone else, or every slot
    is held, waits `wait_seconds` and asks again, `tries` times in all. Raises PdfError when it could not be made."""
    holder = f"briefing:{actor}"
    for attempt in range(tries):
        key, version = pdf_key(engine, period)
        kept = pdf_cache.cached_pdf(engine, key)
        if kept is not None:
            return kept
        outcome = print_slots.take_slot(engine, holder, key, HOLD_SECONDS)
        if outcome is print_slots.Outcome.TAKEN:
            try:
                kept = pdf_cache.cached_pdf(engine, key)
                return kept if kept is not None else _print(engine, period, key, version, base, actor)
            finally:
                print_slots.release_slot(engine, holder, key)
        if attempt + 1 < tries:
            time.sleep(wait_seconds)
    raise PdfError(f"The PDF of the pack as at {long_label(period)} could not be made: the printer stayed busy.")


def pack_pdf() -> Response:
    """The `/pack.pdf` view: validate `period`, then send the PDF of the pack as at that month as a download,
    from the PDFs already made or printed now."""
    requested = request.args.get("period", "").strip()
    if requested and not is_period(requested):
        return _plain("The period must be a month in the form YYYY-MM, for example 2023-01.", 400)
    environ = request.environ
    if not (environ.get("wsgi.multithread") or environ.get("wsgi.multiprocess")):
        return _plain(
            "The PDF cannot be made by a server that handles one request at a time. Print the pack from "
            "the browser instead.",
            503,
        )
    from dashboard.server.data import engine

    # The pack PDF is for the board: it is made of published months only, whoever asks (its printer reads as a
    # viewer does), and a draft month is refused as a month with no figures is.
    published = publications.published_months(engine())
    period = make_period(*parse_period(requested)) if requested else reads.latest_period(engine(), published)
    month = long_label(period) if period else "the latest month"
    if requested and period not in reads.available_periods(engine(), published):
        # Otherwise any month of any year is a PDF to print and keep, without end.
        return _plain(
            f"There are no figures for {month}, so there is no meeting pack to make. Choose a month "
            f"from the pack page.",
            404,
        )
    name = f"measures-that-matter-{period}.pdf" if period else "measures-that-matter.pdf"
    key, version = pdf_key(engine(), period)
    holder = _holder()
    # Nothing waits here: a request waiting on a worker thread is a thread the printing browser cannot load the
    # pack from, and a few waiting at once left it none. A request that cannot print now is answered at once, and
    # the reader's browser asks again by itself (Refresh) until the PDF is made. A worker without threads
    # (gunicorn's default kind) is itself what the browser would need, so such a server prints one PDF at a time.
    threaded = bool(environ.get("wsgi.multithread"))
    kept = pdf_cache.cached_pdf(engine(), key)
    if kept is not None:
        return _download(kept, name)
    outcome = print_slots.take_slot(engine(), holder, key, HOLD_SECONDS, slots=print_slots.SLOTS if threaded else 1)
    if outcome is print_slots.Outcome.HOLDER_BUSY:
        return _plain(
            f"Your earlier PDF is still being made. This page asks for the pack as at {month} again by "
            f"itself in a few seconds.",
            429,
            retry_after=ASK_AGAIN_SECONDS,
        )
    if outcome is print_slots.Outcome.SAME_WORK:
        return _plain(
            f"The PDF of the pack as at {month} is being made just now. This page asks for it again by "
            f"itself in a few seconds.",
            503,
            retry_after=ASK_AGAIN_SECONDS,
        )
    if outcome is print_slots.Outcome.FULL:
        return _plain(
            "Other PDFs are being made just now. This page asks again by itself in a few seconds; you can "
            "also print the pack from the browser.",
            503,
            retry_after=ASK_AGAIN_SECONDS,
        )
    try:
        kept = pdf_cache.cached_pdf(engine(), key)  # made by someone else just before the slot was taken
        data = kept if kept is not None else _print(engine(), period, key, version)
    except PdfError as error:
        current_app.logger.warning("Meeting pack PDF failed: %s %s", error, error.detail)
        return _plain(f"{error} You can still print the pack from the browser.", 503)
    finally:
        print_slots.release_slot(engine(), holder, key)
    return _download(data, name)


def register_pdf_route(server: Flask) -> None:
    """Add the `/pack.pdf` route to the Dash app's Flask server."""
    server.add_url_rule(PDF_PATH, endpoint="pack_pdf", view_func=pack_pdf, methods=["GET"])
