"""Load: signed-in readers reading pages as a browser does, against the production-style server (gunicorn).

Builds the demo database of the checkout under test (this one, or `--app-root PATH`, e.g. a `git worktree` of the
previous release) with its own command line, starts `gunicorn app:server` in that checkout (3 workers x 4 threads
unless told), and runs READERS simulated board members (threads, each with its own session and connection) for
SECONDS after a warm-up. Each page view is what a browser sends: the pages router's callback and then every
callback request Dash's renderer sends for the page it inserted (`browser_like.py`: the navigation callback of the
month picker on a release that still sends it, nothing on one that runs it in the browser); now and then a reader
loads the page shell instead.

Prints page views and requests per second, p50/p95/p99 of a page view overall and per kind of page, the server's
CPU milliseconds per request and per page view (every process of gunicorn's master read from /proc/PID/stat, so
the figure holds on a busy machine), the machine's load average beside the p95, and the resident memory of each
process the master started at the end. Exit status 1 if any request failed.

Run: `.venv/bin/python bench/load.py [--seconds 60] [--readers 50] [--app-root PATH] [--quick]`. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_like import ACCEPT_ENCODING, Dependencies, decoded  # noqa: E402
from common import Results, router_body  # noqa: E402
from served import HOST, Server, describe, load_average, log_tail, serve  # noqa: E402

MAX_REQUESTS = 200_000  # a bound on the whole run, whatever --seconds says
SHELL_SHARE = 0.1  # share of page views that load the page shell ("/") instead of calling back
KINDS = ("shell", "overview", "month", "measure", "area", "teams", "pack")
QUICK_SECONDS, QUICK_WARM_UP = 20.0, 5.0


def _choose(rng: random.Random, refs: list[str]) -> tuple[str, str, str]:
    """(kind, pathname, search) of the next page view."""
    if rng.random() < SHELL_SHARE:
        return "shell", "/", ""
    kind = rng.choice(KINDS[1:])
    return kind, *{
        "overview": ("/", ""),
        "month": ("/", "?period=2022-12"),
        "measure": (f"/measure/{rng.choice(refs)}", ""),
        "area": (f"/area/{rng.randint(1, 10)}", ""),
        "teams": ("/teams/3.1", "?period=2023-01"),
        "pack": ("/pack", "?period=2023-01"),
    }[kind]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _post(connection: http.client.HTTPConnection, body: bytes, session: dict[str, str]) -> tuple[int, bytes]:
    connection.request(
        "POST",
        "/_dash-update-component",
        body=body,
        headers={"Content-Type": "application/json", "Accept-Encoding": ACCEPT_ENCODING, **session},
    )
    response = connection.getresponse()
    return response.status, decoded(response.getheader("Content-Encoding"), response.read())


def view_page(
    connection: http.client.HTTPConnection,
    deps: Dependencies,
    kind: str,
    pathname: str,
    search: str,
    session: dict[str, str],
) -> tuple[http.client.HTTPConnection, int, str | None]:
    """One page view on `connection` as a browser makes it. Returns the connection to go on with (a new one after
    a failed request), how many requests the view made, and None or a sentence saying what went wrong."""
    requests = 0
    try:
        if kind == "shell":
            connection.request("GET", "/", headers={"Accept-Encoding": ACCEPT_ENCODING, **session})
            response = connection.getresponse()
            body = response.read()
            requests += 1
            if response.status != 200:
                return connection, requests, f"{pathname} -> HTTP {response.status}: {body[:200]!r}"
            return connection, requests, None
        status, body = _post(connection, router_body(pathname, search), session)
        requests += 1
        if status != 200:
            return connection, requests, f"{pathname}{search} -> HTTP {status}: {body[:200]!r}"
        for follow_up in deps.follow_ups(json.loads(body), pathname, search):
            status, answer = _post(connection, json.dumps(follow_up).encode(), session)
            requests += 1
            if status not in (200, 204):
                return (
                    connection,
                    requests,
                    f"{pathname}{search} {follow_up['output']} -> HTTP {status}: {answer[:200]!r}",
                )
        return connection, requests, None
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return (
            http.client.HTTPConnection(connection.host, connection.port, timeout=connection.timeout),
            requests,
            f"{pathname}{search} -> {type(error).__name__}: {error}",
        )


@dataclass
class LoadFigures:
    """What one load run measured."""

    checkout: str
    workers: int
    threads: int
    readers: int
    seconds: float
    page_views: int
    requests: int
    errors: int
    requests_per_view: float
    views_per_second: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    cpu_ms_per_view: float
    load_before: float
    load_after: tuple[float, float, float]
    unemulated: int = 0  # pattern-matching callbacks the browser would have sent and the reader did not
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    memory_mb: list[tuple[int, float, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def worker_memory_mb(self) -> float:
        """The largest resident memory of any process the master started."""
        return max((mb for _, mb, _ in self.memory_mb), default=0.0)


def measure_refs(server: Server, session: dict[str, str]) -> list[str]:
    """The measures the overview links to: the refs the readers choose from."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=120)
    try:
        _, body = _post(connection, router_body("/", ""), session)
    finally:
        connection.close()
    refs = sorted(set(re.findall(r"/measure/([0-9]+\.[0-9]+)", body.decode().replace("\\u002f", "/"))))
    if not refs:
        raise RuntimeError("the overview links to no measure")
    return refs


def _readers(
    server: Server,
    deps: Dependencies,
    sessions: list[dict[str, str]],
    refs: list[str],
    seconds: float,
    results: Results,
    counts: list[int],
    seed: int,
) -> None:
    halt = threading.Event()
    stop_at = time.monotonic() + seconds

    def reader(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = http.client.HTTPConnection(HOST, server.port, timeout=120)
        try:
            while time.monotonic() < stop_at and not halt.is_set() and results.take_ticket():
                kind, pathname, search = _choose(rng, refs)
                started = time.perf_counter()
                connection, requests, problem = view_page(connection, deps, kind, pathname, search, sessions[number])
                results.record(kind, time.perf_counter() - started, problem)
                counts[number] += requests
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(n,), daemon=True) for n in range(len(sessions))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
    finally:
        halt.set()


def run_load(server: Server, readers: int, seconds: float, warm_up: float) -> LoadFigures:
    """Run `readers` browser-like readers against `server` for `warm_up` seconds (not counted) and then `seconds`;
    return the figures of the counted part."""
    sessions = [server.sign_in() for _ in range(readers)]  # each reader signs in before the clock starts
    deps = server.dependencies(sessions[0])
    refs = measure_refs(server, sessions[0])
    if warm_up > 0:
        _readers(server, deps, sessions, refs, warm_up, Results(KINDS, MAX_REQUESTS), [0] * readers, seed=1)
    load_before = load_average()[0]
    results = Results(KINDS, MAX_REQUESTS)
    counts = [0] * readers
    cpu_before, started = server.cpu_seconds(), time.monotonic()
    _readers(server, deps, sessions, refs, seconds, results, counts, seed=2)
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before
    load_after = load_average()
    everything = [value for values in results.latencies.values() for value in values]
    requests = sum(counts)
    views = len(everything)
    per_kind = {
        kind: {
            "views": len(values),
            "p50_ms": _percentile(values, 0.50) * 1000,
            "p95_ms": _percentile(values, 0.95) * 1000,
            "p99_ms": _percentile(values, 0.99) * 1000,
        }
        for kind, values in results.latencies.items()
        if values
    }
    return LoadFigures(
        checkout=describe(server.app_root),
        workers=server.workers,
        threads=server.threads,
        readers=readers,
        seconds=elapsed,
        page_views=views,
        requests=requests,
        errors=results.error_count,
        requests_per_view=requests / views if views else 0.0,
        views_per_second=views / elapsed,
        requests_per_second=requests / elapsed,
        p50_ms=_percentile(everything, 0.50) * 1000 if everything else 0.0,
        p95_ms=_percentile(everything, 0.95) * 1000 if everything else 0.0,
        p99_ms=_percentile(everything, 0.99) * 1000 if everything else 0.0,
        cpu_ms_per_request=cpu * 1000 / requests if requests else 0.0,
        cpu_ms_per_view=cpu * 1000 / views if views else 0.0,
        load_before=load_before,
        load_after=load_after,
        unemulated=deps.unemulated,
        per_kind=per_kind,
        memory_mb=server.children_memory(),
        problems=results.samples[:5],
    )


def print_figures(figures: LoadFigures) -> None:
    """The run's figures, as the issue names them."""
    print(
        f"\n{figures.checkout}: gunicorn {figures.workers} workers x {figures.threads} threads, {figures.readers} "
        f"readers for {figures.seconds:.1f} s"
    )
    print(
        f"page views {figures.page_views} ({figures.views_per_second:.1f}/s), requests {figures.requests} "
        f"({figures.requests_per_second:.1f}/s, {figures.requests_per_view:.2f} per page view), "
        f"errors {figures.errors}"
    )
    for problem in figures.problems:
        print(f"  - {problem}")
    if figures.unemulated:
        print(f"  ! {figures.unemulated} pattern-matching callback requests a browser sends were not sent")
    one, five, _ = figures.load_after
    print(
        f"page view  p50 {figures.p50_ms:7.1f} ms   p95 {figures.p95_ms:7.1f} ms   p99 {figures.p99_ms:7.1f} ms   "
        f"load average {one:.2f} (1 min), {five:.2f} (5 min); {figures.load_before:.2f} when the clock started"
    )
    print(
        f"server CPU {figures.cpu_ms_per_request:.1f} ms per request, {figures.cpu_ms_per_view:.1f} ms per page view "
        "(every process of gunicorn's master, from /proc)   target <= 6 ms per request"
    )
    for kind in KINDS:
        if kind in figures.per_kind:
            row = figures.per_kind[kind]
            print(
                f"  {kind:<9} {int(row['views']):>7}   p50 {row['p50_ms']:7.1f} ms   p95 {row['p95_ms']:7.1f} ms   "
                f"p99 {row['p99_ms']:7.1f} ms"
            )
    print("resident memory of the master's processes at the end (target < 300 MB each):")
    for pid, mb, command in figures.memory_mb:
        print(f"  {pid:>8} {mb:7.1f} MB  {command[:90]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="the measured part (after the warm-up)")
    parser.add_argument("--warm-up", type=float, default=15.0, help="seconds of the same load before the clock")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument(
        "--quick", action="store_true", help=f"a short trial: {QUICK_SECONDS:g} s after a short warm-up"
    )
    parser.add_argument(
        "--check-browser", action="store_true", help="first compare the reader's requests with Chromium's"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warm_up = min(args.seconds, QUICK_SECONDS), min(args.warm_up, QUICK_WARM_UP)
    if args.seconds <= 0 or args.readers <= 0 or args.workers <= 0 or args.threads <= 0:
        parser.error("--seconds, --readers, --workers and --threads must be positive")
    app_root = args.app_root.resolve()
    with tempfile.TemporaryDirectory(prefix="measures-load-") as folder:
        with serve(app_root, Path(folder), args.workers, args.threads) as server:
            if args.check_browser:
                check_browser(server)
            print(f"gunicorn on {server.base_url}: {args.readers} readers ...", flush=True)
            figures = run_load(server, args.readers, args.seconds, args.warm_up)
        print_figures(figures)
        if figures.errors:
            print("gunicorn's log, last lines:", *log_tail(Path(folder)), sep="\n  ")
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), indent=1))
    return 1 if figures.errors else 0


CHECK_ADDRESSES = (
    "/",
    "/?period=2022-12",
    "/measure/3.1",
    "/area/2",
    "/teams/3.1?period=2023-01",
    "/pack?period=2023-01",
)


def check_browser(server: Server) -> bool:
    """Print the requests Chromium and the browser-like reader send for each kind of page view; True if they agree."""
    from browser_check import compare

    session = server.sign_in()
    deps = server.dependencies(session)
    print(
        f"{describe(server.app_root)}: {len(deps.callbacks)} server-side callbacks "
        f"({deps.navigation_callbacks} write the address), {deps.clientside} clientside"
    )
    agree = compare(server.port, session, deps, list(CHECK_ADDRESSES))
    print("  the browser-like reader sends what Chromium sends" if agree else "  the reader and Chromium DIFFER")
    return agree


if __name__ == "__main__":
    sys.exit(main())
