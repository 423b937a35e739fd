"""What the benchmark scripts share: a free loopback port, waiting for a server, the pages router's request as a
browser sends it and one page read as a reader would, and signing in as a board member would."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def demo_database(folder: Path) -> dict[str, str]:
    """Build the demo database in `folder` with the real command line; return the environment that points the
    app and the command line at it (MEASURES_DB_URL)."""
    database = folder / "measures.db"
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}"}
    print(f"Building the demo database in {database} ...", flush=True)
    subprocess.run([sys.executable, "-m", "measures", "demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 (only loopback is ever used)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def router_body(pathname: str, search: str) -> bytes:
    """The JSON body of the Dash pages router callback for an address, as the browser sends it."""
    return json.dumps(
        {
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [
                {"id": "_pages_location", "property": "pathname", "value": pathname},
                {"id": "_pages_location", "property": "search", "value": search},
            ],
            "changedPropIds": ["_pages_location.pathname"],
            "state": [],
        }
    ).encode()


def wait_for_server(url: str, process: subprocess.Popen, limit: float = 90) -> None:
    """Return once `url` answers; raise RuntimeError if `process` exits first or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with status {process.returncode} before answering") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {limit:.0f} s") from None
            time.sleep(0.3)


def read_page(
    connection: http.client.HTTPConnection, kind: str, pathname: str, search: str, session: dict[str, str]
) -> tuple[http.client.HTTPConnection, str | None]:
    """Read one page on `connection` as a signed-in reader's browser does: the shell for kind "shell", else the
    pages router's callback for `pathname` and `search`. Returns the connection to go on with (a new one after a
    failed request) and None, or a sentence saying what went wrong."""
    try:
        if kind == "shell":
            connection.request("GET", "/", headers=session)
        else:
            connection.request(
                "POST",
                "/_dash-update-component",
                body=router_body(pathname, search),
                headers={"Content-Type": "application/json", **session},
            )
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            return connection, f"{pathname}{search} -> HTTP {response.status}: {body[:200]!r}"
        return connection, None
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return (
            http.client.HTTPConnection(connection.host, connection.port, timeout=connection.timeout),
            f"{pathname}{search} -> {type(error).__name__}: {error}",
        )


class Results:
    """Latencies and failures from every reader, kept per key (a kind of page, or a minute); bounded by
    `max_requests` tickets. One lock around appends: contention is negligible."""

    def __init__(self, keys: Iterable[Hashable], max_requests: int, label: Callable[[Hashable], str] = str) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[Hashable, list[float]] = {key: [] for key in keys}
        self.errors: dict[Hashable, int] = dict.fromkeys(self.latencies, 0)
        self.samples: list[str] = []  # the first ten problems, each labelled with its key
        self.requests = 0
        self.max_requests = max_requests
        self.label = label

    def take_ticket(self) -> bool:
        """Return True while the run may make another request (and count it)."""
        with self.lock:
            if self.requests >= self.max_requests:
                return False
            self.requests += 1
            return True

    def record(self, key: Hashable, seconds: float, problem: str | None) -> None:
        """Keep one request's latency under `key`, and its problem if it failed."""
        with self.lock:
            self.latencies[key].append(seconds)
            if problem is not None:
                self.errors[key] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{self.label(key)}: {problem}")

    @property
    def error_count(self) -> int:
        """Failed requests, all keys together."""
        return sum(self.errors.values())


BENCH_USER = "Bench Reader"


def add_bench_user(database_url: str, name: str = BENCH_USER, role: str = "viewer") -> str:
    """Add a user called `name` (BENCH_USER, a viewer, unless given) to the database at `database_url`, or reset
    their password, and return the new password: the benchmarks read as a signed-in board member would."""
    from measures.accounts import users
    from measures.storage import db

    engine = db.make_engine(database_url)
    db.upgrade_schema(engine)
    password = users.generate_password()
    if users.find_user(engine, name) is None:
        users.add_user(engine, name, role, password, "benchmark")
    else:
        users.set_password(engine, name, password, "benchmark")
    engine.dispose()
    return password


def _form_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    return match.group(1)


def sign_in_test_client(client, password: str, name: str = BENCH_USER) -> dict[str, str]:
    """Sign a Flask test client in as `name` (BENCH_USER unless given); return the headers its callbacks need (the
    CSRF header)."""
    token = _form_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"name": name, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"signing in failed: HTTP {response.status_code}")
    return {"X-CSRFToken": client.get_cookie("_csrf_token").value}


def sign_in_http(base_url: str, password: str, name: str = BENCH_USER) -> dict[str, str]:
    """Sign in to the server at `base_url` as `name` (BENCH_USER unless given); return the headers (Cookie,
    X-CSRFToken) with which any connection may then make requests in that session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + "/sign-in", timeout=60) as response:
        token = _form_token(response.read().decode())
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token}).encode()
    with opener.open(base_url + "/sign-in", form, timeout=60) as response:
        if "/sign-in" in response.url:
            raise RuntimeError("signing in failed")
    cookies = {cookie.name: cookie.value for cookie in jar}
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "X-CSRFToken": cookies["_csrf_token"]}
