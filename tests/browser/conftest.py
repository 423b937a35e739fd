"""Browser fixtures: the real app served on loopback by a subprocess, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(database: Path, log_path: Path):
    """Start `python app.py` on a free loopback port against `database`; return (process, base URL, log)."""
    port = _free_port()
    log = log_path.open("w")
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}", "HOST": "127.0.0.1", "PORT": str(port)}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2):
                return process, base_url, log
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"The app did not start; see {log_path}")
            time.sleep(0.2)


def _stop(process, log) -> None:
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def served_app(demo_database, tmp_path_factory):
    """The app on loopback against a copy of the demo database, shared by tests that only read."""
    folder = tmp_path_factory.mktemp("served")
    database = folder / "served.db"
    shutil.copy(demo_database, database)
    process, base_url, log = _serve(database, folder / "app.log")
    yield base_url
    _stop(process, log)


@pytest.fixture(scope="module")
def writable_app(demo_database, tmp_path_factory):
    """The app on loopback against its own copy of the demo database, for the tests of one module that write."""
    folder = tmp_path_factory.mktemp("writable")
    database = folder / "writable.db"
    shutil.copy(demo_database, database)
    process, base_url, log = _serve(database, folder / "app.log")
    yield base_url
    _stop(process, log)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs it (scripts/install-test-deps.sh).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and failed requests; the test fails if any occur."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.console_problems = problems
    yield page
    context.close()
    assert not problems, f"console errors or failed requests: {problems}"
