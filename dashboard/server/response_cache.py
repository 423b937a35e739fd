"""Pages rendered once per data version and served to every reader of the same role.

The page router's response for an address (the whole page, as JSON) depends only on the data, the address and who
reads it: their role, or whether they read without signing in or print the pack (pages never show who the user
is beyond that). So a page whose registry entry says `cached=True` is rendered once per data version and role, and
stored in the database (`measures.storage.page_responses`, shared by every worker and server), with a gzip copy
for browsers that accept it. A stored response is served only after the request gate has checked the reader may
see the page, exactly as for a page rendered afresh.

The first reader of a page not yet stored renders it and the others wait for that response (up to WAIT_SECONDS,
then they render it themselves). A render that failed, or met the database failing and said so in the page,
calls `do_not_store` and is served to its reader only. The background warmer (`dashboard.warming`) renders the
common pages after every write, so most readers never wait.
"""

from __future__ import annotations

import gzip
import hashlib
import inspect
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import dash
from dash._pages import _parse_query_string  # the router's own reading of the query: the layout's arguments
from dash.exceptions import UnsupportedRelativePath
from flask import Flask, Response, g, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.server.data import engine
from dashboard.server.gate import page_for
from dashboard.server.page_router import is_router_request, router_pathname, router_search
from dashboard.server.readers import PrintAgent, RoleReader, SignedInUser, Visitor, open_viewing, reader
from measures.domain.council import council_path
from measures.storage import page_responses, reads
from measures.storage.page_responses import StoredResponse

log = logging.getLogger(__name__)

CACHED = "cached"  # the page registry's flag: this page's response may be stored and shared
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
GZIP_LEVEL = 6
ROOT = Path(__file__).resolve().parent.parent.parent
_RENDER = "page_render"
_DO_NOT_STORE = "page_do_not_store"
SHIPPED_DATA = (".toml", ".csv", ".xlsx", ".md")
RECENT_BYTES = 32 * 1024 * 1024


class RecentResponses:
    """The stored responses this process served last, up to `limit` bytes, so a popular page is not read from the
    database on every request. A key names one exact response (its data version included) and only the copy the
    database holds is kept here, so every process serves the same bytes and none can serve a stale page."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._kept: OrderedDict[str, StoredResponse] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredResponse | None:
        """Return the response kept under `key`, or None."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def keep(self, key: str, response: StoredResponse) -> None:
        """Keep `response` under `key`, forgetting the least recently served beyond the limit."""
        size = len(response.body) + len(response.gzipped)
        if size > self.limit:
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = response
            self._size += size
            while self._size > self.limit:
                _, dropped = self._kept.popitem(last=False)
                self._size -= len(dropped.body) + len(dropped.gzipped)


_recent = RecentResponses(RECENT_BYTES)


def _recent_key(key: str) -> str:
    # A copy of a database carries its data version with it: the database's address keeps copies apart.
    return f"{engine().url.render_as_string(hide_password=True)} {key}"


def _stored(key: str) -> StoredResponse | None:
    found = _recent.get(_recent_key(key))
    if found is None:
        found = page_responses.stored_response(engine(), key)
        if found is not None:
            _recent.keep(_recent_key(key), found)
    return found


def _code_fingerprint() -> str:
    """A digest of the code and files that draw the pages: a new release never serves an older release's page."""
    digest = hashlib.sha256()
    files = sorted(
        [*ROOT.joinpath("dashboard").rglob("*.py"), *ROOT.joinpath("measures").rglob("*.py")]
        # The files the product ships in data/, never the database or its journal, which change as it runs.
        + [path for path in ROOT.joinpath("data").rglob("*") if path.is_file() and path.suffix in SHIPPED_DATA]
    )
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    council = council_path()  # a council file kept elsewhere (MEASURES_COUNCIL_FILE) names the council on pages too
    if council.is_file():
        digest.update(council.read_bytes())
    return digest.hexdigest()


CODE_FINGERPRINT = _code_fingerprint()


def _settings_fingerprint() -> str:
    """The settings that may change a page (e.g. MEASURES_RATING_WINDOW_MONTHS): every MEASURES_ setting but secrets
    and those of the server's own running (mail, warming, proxies), so servers set up alike share their pages."""
    left_out = (
        "PASSWORD",
        "SECRET",
        "KEY",
        "TOKEN",
        "URL",
        "SMTP",
        "WARMING",
        "PROXY",
        "PARSE",
        "STAGED",
        "CHROMIUM",
        "COOKIES",
    )
    settings = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name.startswith("MEASURES_") and not any(word in name for word in left_out)
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()


@dataclass(frozen=True)
class PageRender:
    """A page-router request whose response may be stored: its key and what the key was made from."""

    key: str
    data_version: str
    path: str
    reader_class: str
    claimed: bool = False


def reader_class() -> str | None:
    """Return what a page shows depends on about its reader: 'role:<role>' for someone signed in (or the warmer
    rendering as that role), 'print' for the meeting-pack printer, 'visitor' for reading without signing in; None
    for anyone else (nothing stored is served to them)."""
    asking = reader()
    if isinstance(asking, SignedInUser | RoleReader):
        return f"role:{asking.role}"
    if isinstance(asking, PrintAgent):
        return "print"
    if asking.__class__ is Visitor and open_viewing():  # not type(): flask_login hands a proxy
        return "visitor"
    return None


def page_render() -> PageRender | None:
    """Return the key of this request's response when it is a page-router request for a page marked `cached`, by
    a reader whose pages may be shared; else None. Reads the data version (one primary-key read). Needs a request
    context; raises sqlalchemy errors."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not is_router_request(body):
        return None
    pathname, search = router_pathname(), router_search()
    if pathname is None or search is None:
        return None
    page = page_for(pathname)
    if not page.get(CACHED):
        return None
    who = reader_class()
    if who is None:
        return None
    try:
        relative = dash.strip_relative_path(pathname) or ""
    except UnsupportedRelativePath:
        return None
    version = reads.data_version(engine())
    query = _declared(page.get("layout"), _parse_query_string(search))
    key = page_responses.cache_key(
        CODE_FINGERPRINT,
        _settings_fingerprint(),
        version,
        date.today().isoformat(),  # a page may say what today is; tomorrow it renders afresh
        str(body.get("output")),
        relative,
        sorted((name, repr(value)) for name, value in query.items()),
        who,
    )
    return PageRender(key, version, f"/{relative}{search}", who)


@cache
def _named_parameters(layout: Callable) -> frozenset[str]:
    parameters = inspect.signature(layout).parameters.values()
    return frozenset(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def _declared(layout: object, query: dict) -> dict:
    """The query's values the page's layout takes by name: the others go to its `**_query` and change nothing, so
    `/?x=1` is the overview, stored once, not one more page for every made-up parameter."""
    if not callable(layout):
        return {}
    named = _named_parameters(layout)
    return {name: value for name, value in query.items() if name in named}


def do_not_store() -> None:
    """Keep this request's response to its own reader: the page met a fault or shows something transient."""
    setattr(g, _DO_NOT_STORE, True)


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def _respond(stored: StoredResponse) -> Response:
    compressed = _accepts_gzip()
    response = Response(stored.gzipped if compressed else stored.body, mimetype="application/json")
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response


def serve_stored() -> Response | None:
    """Flask's `before_request` hook, after the gate: answer a page-router request with its stored response, or
    wait for the reader rendering it, or note that this request renders it (`store_rendered` then keeps it).
    Returns None to let Dash render. A database fault here only means the page is rendered as if nothing were
    stored."""
    try:
        render = page_render()
        if render is None:
            return None
        stored = _stored(render.key)
        if stored is not None:
            return _respond(stored)
        database = engine()
        if page_responses.claim_render(database, render.key, render.data_version):
            g.setdefault(_RENDER, PageRender(render.key, render.data_version, render.path, render.reader_class, True))
            return None
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            stored = _stored(render.key)
            if stored is not None:
                return _respond(stored)
            if not page_responses.render_claimed(database, render.key):
                break  # rendered but not kept (a fault, or the data moved on): render it for this reader
        g.setdefault(_RENDER, render)
    except SQLAlchemyError as error:
        log.warning("stored pages unavailable, rendering afresh: %s", error)
    return None


def store_rendered(response: Response) -> Response:
    """Flask's `after_request` hook: keep the page this request rendered (when `serve_stored` said so and it
    rendered without fault) and send it compressed to a browser that accepts gzip."""
    render: PageRender | None = g.get(_RENDER)
    if render is None:
        return response
    try:
        if response.status_code == 200 and response.mimetype == "application/json" and not g.get(_DO_NOT_STORE):
            body = response.get_data()
            stored = StoredResponse(body, gzip.compress(body, GZIP_LEVEL, mtime=0))
            warming = isinstance(reader(), RoleReader)  # the warmer's common pages are never crowded out
            if page_responses.store_response(
                engine(), render.key, render.data_version, render.path, render.reader_class, stored, not warming
            ):
                _recent.keep(_recent_key(render.key), stored)
            if _accepts_gzip() and "Content-Encoding" not in response.headers:
                response.set_data(stored.gzipped)
                response.headers["Content-Encoding"] = "gzip"
            response.headers["Vary"] = "Accept-Encoding"
    except SQLAlchemyError as error:
        log.warning("could not store a rendered page: %s", error)
    finally:
        if render.claimed:
            try:
                page_responses.release_render(engine(), render.key)
            except SQLAlchemyError as error:
                log.warning("could not release a page's render claim: %s", error)
    return response


def install(server: Flask) -> None:
    """Serve stored pages after every other check of the request, and keep pages rendered afresh."""
    server.before_request(serve_stored)
    server.after_request(store_rendered)
