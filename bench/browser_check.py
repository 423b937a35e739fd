"""Checks the browser-like reader against a real browser: for each address, the callback requests Debian's Chromium
sends when it opens the page, beside the ones `browser_like` sends for the same page view.

Used by `bench/load.py --check-browser` and `bench/before_after.py --check-browser`; prints one line per address
and returns False when they differ.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from browser_like import Dependencies
from common import router_body

CALLBACK_PATH = "/_dash-update-component"


def emulated_outputs(port: int, session: dict[str, str], deps: Dependencies, address: str) -> list[str]:
    """The callback keys (router first) the browser-like reader sends for one view of `address`."""
    pathname, _, query = address.partition("?")
    search = f"?{query}" if query else ""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            "POST",
            CALLBACK_PATH,
            body=router_body(pathname, search),
            headers={"Content-Type": "application/json", **session},
        )
        answer = json.loads(connection.getresponse().read())
    finally:
        connection.close()
    return [deps.router().key] + [body["output"] for body in deps.follow_ups(answer, pathname, search)]


def browser_outputs(port: int, session: dict[str, str], addresses: list[str]) -> dict[str, list[str]]:
    """The callback keys Chromium sends, in order, when it opens each address (signed in with `session`) and the
    page has settled."""
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    cookies = [
        {"name": name, "value": value, "url": base + "/"}
        for name, value in (part.split("=", 1) for part in session["Cookie"].split("; "))
    ]
    seen: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context()
        context.add_cookies(cookies)
        page = context.new_page()
        sent: list[str] = []

        def note(request: Any) -> None:
            if urlsplit(request.url).path == CALLBACK_PATH and request.method == "POST":
                sent.append(json.loads(request.post_data or "{}").get("output", "?"))

        page.on("request", note)
        for address in addresses:
            sent.clear()
            page.goto(base + address)
            # Functions, not expressions: the app's Content-Security-Policy forbids the eval an expression needs.
            page.wait_for_function(
                "() => { const c = document.getElementById('_pages_content'); return c && c.children.length > 0; }",
                timeout=120_000,
            )
            # A big page takes the browser a while to insert, and only then are its callbacks sent: wait until the
            # count has stood still for two seconds with the network idle.
            counted = -1
            while counted != len(sent):
                counted = len(sent)
                page.wait_for_timeout(2000)
                page.wait_for_load_state("networkidle", timeout=120_000)
            seen[address] = list(sent)
        browser.close()
    return seen


def compare(port: int, session: dict[str, str], deps: Dependencies, addresses: list[str]) -> bool:
    """Print, per address, the requests of Chromium and of the browser-like reader; True when they agree."""
    real = browser_outputs(port, session, addresses)
    agree = True
    for address in addresses:
        emulated = emulated_outputs(port, session, deps, address)
        same = sorted(real[address]) == sorted(emulated)
        agree &= same
        print(
            f"  {address:<28} Chromium {len(real[address])} request(s), browser-like reader {len(emulated)}"
            f"{'' if same else '   DIFFERENT: ' + repr(real[address]) + ' vs ' + repr(emulated)}"
        )
    return agree
