"""The page warmer: after every write, the common pages are rendered once in the background for every role, so
that no reader waits for a page to be drawn.

It runs as its own low-priority process beside the web server (`start_beside_server`, called by `app.py` and by
gunicorn's master in `gunicorn.conf.py`), watching the data version once a second. When it moves, the warmer that
claims the new version first (`measures.storage.page_responses.claim_warming`: one of all the servers sharing the
database) asks the app for each page as each role would, through the app's own request handling, so the pages are
stored exactly as a reader's request would store them. It stops a version part-way when the data moves again.

Set MEASURES_PAGE_WARMING=off to run without it (pages are then rendered by their first reader).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.server.csrf import CSRF_COOKIE
from dashboard.server.data import engine
from dashboard.server.page_router import CALLBACK_PATH, ROUTER_OUTPUT
from dashboard.server.readers import RENDER_AS_ENVIRON, open_viewing
from dashboard.server.response_cache import CODE_FINGERPRINT
from measures.accounts import users
from measures.storage import page_responses, plan, reads
from measures.storage.catalogue_records import read_catalogue

log = logging.getLogger("measures.warming")

SETTING = "MEASURES_PAGE_WARMING"
POLL_SECONDS = 1.0
NICENESS = 10


def enabled() -> bool:
    """Return False when MEASURES_PAGE_WARMING is 'off' (or 'no', 'false', '0'); True otherwise."""
    return os.environ.get(SETTING, "on").strip().lower() not in ("off", "no", "false", "0")


def router_request(pathname: str, search: str = "") -> dict:
    """Return the JSON body of the page router's request for an address, as the browser sends it."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": ids.PAGES_CONTENT, "property": "children"}, {"id": ids.PAGES_STORE, "property": "data"}],
        "inputs": [
            {"id": ids.PAGES_LOCATION, "property": "pathname", "value": pathname},
            {"id": ids.PAGES_LOCATION, "property": "search", "value": search},
        ],
        "changedPropIds": [f"{ids.PAGES_LOCATION}.pathname", f"{ids.PAGES_LOCATION}.search"],
        "state": [],
    }


def common_pages(database: Engine) -> list[str]:
    """Return the addresses warmed after a write, most read first: the overview, the plan, the pack, each area, each
    measure and each action of the plan."""
    catalogue = read_catalogue(database)
    actions = [action.number for action in plan.current_actions(database)]
    return [
        "/",
        "/plan",
        "/pack",
        *(f"/area/{area.number}" for area in catalogue.areas),
        *(f"/measure/{measure.ref}" for measure in catalogue.measures),
        *(f"/plan/{number}" for number in actions),
    ]


def _readers() -> Iterator[str | None]:
    """The roles pages are warmed for (None: a visitor reading without signing in, when open viewing is on)."""
    yield from users.ROLES
    if open_viewing():
        yield None


def warm_version(app: Dash, database: Engine, keep_going: Callable[[], bool] = lambda: True) -> int:
    """Render the common pages for every role for the current data version, unless another process has claimed it.
    Returns how many pages were rendered (0 when claimed elsewhere; it stops part-way when the data moves on or
    `keep_going` says to stop). Raises sqlalchemy errors."""
    version = reads.data_version(database)
    if not page_responses.claim_warming(database, version, CODE_FINGERPRINT):
        return 0
    client = app.server.test_client()
    client.get("/_dash-layout")  # a session and its CSRF cookie, as a browser has them
    cookie = client.get_cookie(CSRF_COOKIE)
    headers = {"X-CSRFToken": cookie.value if cookie else "", "Accept-Encoding": "gzip"}
    rendered = 0
    for path in common_pages(database):
        for role in _readers():
            if not keep_going():
                return rendered
            if reads.data_version(database) != version:
                log.info("data changed while warming pages; %d rendered for the older version", rendered)
                return rendered
            rendered += _render(client, path, role, headers)
    page_responses.finish_warming(database, version, rendered, CODE_FINGERPRINT)
    log.info("warmed %d pages for data version %s", rendered, version)
    return rendered


def _render(client: FlaskClient, path: str, role: str | None, headers: dict[str, str]) -> int:
    environ = {RENDER_AS_ENVIRON: role} if role else {}
    response = client.post(
        CALLBACK_PATH,
        data=json.dumps(router_request(path)),
        content_type="application/json",
        headers=headers,
        environ_overrides=environ,
    )
    return 1 if response.status_code == 200 else 0


def run(poll_seconds: float = POLL_SECONDS, parent: int | None = None) -> None:
    """Watch the data version and warm the pages of each new one, until `parent` (a process id) is gone."""
    from dashboard import create_app

    app = create_app()
    database = engine()

    def keep_going() -> bool:
        return parent is None or _alive(parent)

    while keep_going():
        try:
            warm_version(app, database, keep_going)
        except SQLAlchemyError as error:
            log.warning("page warming paused: the database did not answer (%s)", error)
        except Exception:  # noqa: BLE001 - a fault in one round must not stop warming for good; readers render meanwhile
            log.exception("page warming failed this round")
        time.sleep(poll_seconds)


def _alive(pid: int) -> bool:
    return os.getppid() == pid


def start_beside_server() -> subprocess.Popen | None:
    """Start the warmer as a low-priority child process of this one (the web server), or None when
    MEASURES_PAGE_WARMING is off. It ends by itself when this process ends."""
    if not enabled():
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard.warming", str(os.getpid())],
        preexec_fn=lambda: os.nice(NICENESS),  # noqa: PLW1509 (no threads exist yet in the child)
    )


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s warming %(message)s")
    run(parent=int(sys.argv[1]) if len(sys.argv) > 1 else None)
