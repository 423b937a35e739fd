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

from measures.storage import db
from tests.auth_helpers import add_test_users, browser_cookies

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The apps running now, by base URL: the `page` fixtures sign in to each.
SERVED_APPS: dict[str, subprocess.Popen] = {}


def _serve(database_url: str, log_path: Path):
    """Start `python app.py` on a free loopback port against the database at `database_url` (with the test users
    added); return (process, base URL, log)."""
    engine = db.make_engine(database_url)
    add_test_users(engine)
    engine.dispose()
    port = _free_port()
    log = log_path.open("w")
    env = {**os.environ, "MEASURES_DB_URL": database_url, "HOST": "127.0.0.1", "PORT": str(port)}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base_url + "/sign-in", timeout=2):
                process.args_database = env["MEASURES_DB_URL"]
                SERVED_APPS[base_url] = process
                return process, base_url, log
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"The app did not start; see {log_path}")
            time.sleep(0.2)


def writable_database(base_url: str) -> str:
    """Return the database URL of the app served at `base_url`."""
    return SERVED_APPS[base_url].args_database


def _stop(process, log) -> None:
    for base_url in [url for url, served in SERVED_APPS.items() if served is process]:
        del SERVED_APPS[base_url]
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _serve_a_copy(demo_database: Path, folder: Path):
    """Serve the app over a copy of the demo database in `folder` until the caller is done; yield its base URL."""
    database = folder / "app.db"
    shutil.copy(demo_database, database)
    process, base_url, log = _serve(f"sqlite:///{database}", folder / "app.log")
    yield base_url
    _stop(process, log)


@pytest.fixture(scope="session")
def served_app(demo_database, tmp_path_factory):
    """The app on loopback against a copy of the demo database, shared by tests that only read."""
    yield from _serve_a_copy(demo_database, tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def writable_app(demo_database, tmp_path_factory):
    """The app on loopback against its own copy of the demo database, for the tests of one module that write."""
    yield from _serve_a_copy(demo_database, tmp_path_factory.mktemp("writable"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make test` installs it (scripts/install-test-deps.sh).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, role: str | None):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    if role is not None:
        for base_url in SERVED_APPS:
            context.add_cookies(browser_cookies(base_url, role))
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.console_problems = problems
    return page


@pytest.fixture
def page(browser):
    """A fresh page, signed in as an officer to every app served, that records console errors and failed
    requests; the test fails if any occur."""
    page = _new_page(browser, "officer")
    yield page
    page.context.close()
    assert not page.console_problems, f"console errors or failed requests: {page.console_problems}"


@pytest.fixture
def page_as(browser):
    """Return a function giving a fresh page signed in as 'viewer', 'officer' or 'admin' (None: not signed in);
    each records console errors and failed requests, and the test fails if any occur."""
    pages = []

    def make(role: str | None):
        pages.append(_new_page(browser, role))
        return pages[-1]

    yield make
    for made in pages:
        made.context.close()
    for made in pages:
        assert not made.console_problems, f"console errors or failed requests: {made.console_problems}"
