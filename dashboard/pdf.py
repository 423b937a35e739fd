"""The meeting pack as a PDF: `/pack.pdf?period=YYYY-MM` prints the app's own `/pack` page with headless Chromium.

The pack is a Dash page, rendered in the browser, so the server asks Chromium to load it from this same server
and print it once it has rendered (`--virtual-time-budget` lets the page's requests and scripts finish first).
The server must therefore answer Chromium while the PDF request waits: Flask's development server (`python
app.py`) is threaded, and gunicorn needs threads or more than one worker; a server that can do neither gets a
plain 503 rather than a request that hangs.

Chromium loads the pack from the loopback address the request came in on. When the dashboard is reached by any
other name (behind a proxy, say), set `MEASURES_PACK_BASE_URL` to the address at which this server answers
itself, e.g. `http://127.0.0.1:8050/`. The Host header is never trusted otherwise: it would let anyone point the
server's browser at another site.

`MEASURES_CHROMIUM` names the browser binary if it is not `chromium` on the PATH.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, current_app, request

from dashboard.auth import behind_proxy, print_token
from measures import store
from measures.periods import is_period, make_period, parse_period

PDF_PATH = "/pack.pdf"
PDF_TIMEOUT_SECONDS = 60
VIRTUAL_TIME_BUDGET_MS = 15_000
MAX_CONCURRENT_PDFS = 2
QUEUE_WAIT_SECONDS = 30
BASE_URL_VARIABLE = "MEASURES_PACK_BASE_URL"
CHROMIUM_VARIABLE = "MEASURES_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_slots = threading.BoundedSemaphore(MAX_CONCURRENT_PDFS)


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


def chromium_command(binary: str, url: str, profile: Path, output: Path) -> list[str]:
    """Return the command line that prints `url` to `output` as an A4 PDF without headers or footers."""
    return [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        "--hide-scrollbars",
        "--lang=en-GB",
        f"--user-data-dir={profile}",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
        f"--print-to-pdf={output}",
        "--no-pdf-header-footer",
        url,
    ]


def _end(process: subprocess.Popen) -> None:
    """Kill what is left of Chromium's process group (renderers, crash handler); it runs in its own session."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
        pass


def render_pdf(url: str, timeout: float = PDF_TIMEOUT_SECONDS) -> bytes:
    """Return the PDF Chromium prints of `url`; raises PdfError if Chromium is missing, fails or takes too long."""
    shown = url.split("?", 1)[0]  # what the log may say: never the print token
    binary = chromium_binary()
    if binary is None:
        raise PdfError("The PDF cannot be made because Chromium is not installed on the server.")
    with tempfile.TemporaryDirectory(prefix="mtm-pack-pdf-") as folder:
        output = Path(folder) / "pack.pdf"
        profile = Path(folder) / "profile"
        command = chromium_command(binary, url, profile, output)
        log = Path(folder) / "chromium.log"
        # Chromium's helpers may outlive it holding its stderr, so it writes to a file, not a pipe to wait on.
        with log.open("wb") as errors:
            try:
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=errors, start_new_session=True)
            except OSError as error:
                raise PdfError("The PDF cannot be made because Chromium would not start.", str(error)) from error
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired as error:
                raise PdfError(f"Making the PDF took longer than {timeout:g} seconds, so it was stopped.",
                               f"timeout after {timeout} s for {shown}") from error
            finally:
                _end(process)
        data = output.read_bytes() if output.exists() else b""
        if process.returncode != 0 or not data.startswith(b"%PDF"):
            tail = log.read_text("utf-8", "replace")[-2000:]
            raise PdfError("The PDF could not be made.", f"exit {process.returncode} for {shown}: {tail}")
        return data


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost" or host.lower().endswith(".localhost")


def _base_url() -> str:
    """Return the address at which Chromium reaches this app; raises PdfError if there is no safe one."""
    configured = os.environ.get(BASE_URL_VARIABLE, "").strip()
    if configured:
        return configured if configured.endswith("/") else configured + "/"
    if behind_proxy():
        raise PdfError(f"The PDF cannot be made here: the server's administrator needs to set {BASE_URL_VARIABLE}.",
                       "behind a proxy the request's address says nothing about where this server answers")
    if _is_loopback(urlsplit(request.host_url).hostname):
        return request.root_url
    raise PdfError(f"The PDF cannot be made here: the server's administrator needs to set {BASE_URL_VARIABLE}.",
                   f"request host {request.host!r} is not a loopback address")


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


def pack_pdf() -> Response:
    """The `/pack.pdf` view: validate `period`, print the pack as at that month and send it as a download."""
    requested = request.args.get("period", "").strip()
    if requested and not is_period(requested):
        return _plain("The period must be a month in the form YYYY-MM, for example 2023-01.", 400)
    environ = request.environ
    if not (environ.get("wsgi.multithread") or environ.get("wsgi.multiprocess")):
        return _plain("The PDF cannot be made by a server that handles one request at a time. Print the pack from "
                      "the browser instead.", 503)
    from dashboard.data import engine

    period = make_period(*parse_period(requested)) if requested else store.latest_period(engine())
    name = f"measures-that-matter-{period}.pdf" if period else "measures-that-matter.pdf"
    if not _slots.acquire(timeout=QUEUE_WAIT_SECONDS):
        return _plain("Other PDFs are being made just now. Please try again in a minute.", 503)
    try:
        query = {"period": period} if period else {}
        url = _base_url() + "pack?" + urlencode({**query, "print_token": print_token()})
        data = render_pdf(url)
    except PdfError as error:
        current_app.logger.warning("Meeting pack PDF failed: %s %s", error, error.detail)
        return _plain(f"{error} You can still print the pack from the browser.", 503)
    finally:
        _slots.release()
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def register_pdf_route(server: Flask) -> None:
    """Add the `/pack.pdf` route to the Dash app's Flask server."""
    server.add_url_rule(PDF_PATH, endpoint="pack_pdf", view_func=pack_pdf, methods=["GET"])
