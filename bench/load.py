"""Load: many readers at once against the production-style server (gunicorn, 3 workers x 4 threads).

Builds the demo database in a temporary folder, starts `gunicorn app:server` on a free loopback port, then
runs READERS simulated readers (threads, each with its own HTTP connection) for SECONDS: each reader asks
the pages router callback for the overview, a month, a measure, an area, a team breakdown or the meeting
pack, and now and then loads the page shell. Prints requests, errors, throughput and p50/p95/p99 latency
overall and per kind of page. Exit status 1 if any request failed (non-200 or an exception).

Run: `.venv/bin/python bench/load.py [--seconds 60] [--readers 50]`. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import Results, add_bench_user, demo_database, free_port, read_page, sign_in_http, wait_for_server  # noqa: E402

from measures.domain.catalogue import load_catalogue  # noqa: E402

HOST = "127.0.0.1"
MAX_REQUESTS = 100_000  # a bound on the whole run, whatever --seconds says
SHELL_SHARE = 0.1  # share of requests that load the page shell ("/") instead of calling back
KINDS = ("shell", "overview", "month", "measure", "area", "teams", "pack")


def _choose(rng: random.Random, refs: list[str]) -> tuple[str, str, str]:
    """(kind, pathname, search) of the next request."""
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


def reader(
    number: int,
    port: int,
    stop_at: float,
    refs: list[str],
    results: Results,
    halt: threading.Event,
    session: dict[str, str],
) -> None:
    rng = random.Random(number)
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        while time.monotonic() < stop_at and not halt.is_set() and results.take_ticket():
            kind, pathname, search = _choose(rng, refs)
            started = time.perf_counter()
            connection, problem = read_page(connection, kind, pathname, search, session)
            results.record(kind, time.perf_counter() - started, problem)
    finally:
        connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:<10} {0:>7}"
    return (
        f"{label:<10} {len(values):>7}   p50 {_percentile(values, 0.50) * 1000:7.1f} ms   "
        f"p95 {_percentile(values, 0.95) * 1000:7.1f} ms   p99 {_percentile(values, 0.99) * 1000:7.1f} ms"
    )


def run(seconds: float, readers: int, folder: Path) -> int:
    env = demo_database(folder)
    password = add_bench_user(env["MEASURES_DB_URL"])
    port = free_port()
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "3",
            "--threads",
            "4",
            "--bind",
            f"{HOST}:{port}",
            "app:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    halt = threading.Event()
    try:
        wait_for_server(f"http://{HOST}:{port}/sign-in", server)
        refs = [measure.ref for measure in load_catalogue().measures]
        results = Results(KINDS, MAX_REQUESTS)
        # Each reader signs in as a board member would, before the clock starts.
        sessions = [sign_in_http(f"http://{HOST}:{port}", password) for _ in range(readers)]
        print(f"gunicorn on {HOST}:{port}: {readers} readers for {seconds:g} s ...", flush=True)
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=reader, args=(n, port, started + seconds, refs, results, halt, sessions[n]), daemon=True
            )
            for n in range(readers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
        elapsed = time.monotonic() - started
    except KeyboardInterrupt:
        halt.set()
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        halt.set()
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop; its workers follow
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()

    everything = [value for values in results.latencies.values() for value in values]
    print(
        f"\nrequests   {len(everything)} in {elapsed:.1f} s = {len(everything) / elapsed:.1f} per second "
        f"({readers} readers, gunicorn 3 workers x 4 threads)"
    )
    print(f"errors     {results.error_count}")
    for problem in results.samples[:5]:
        print(f"  - {problem}")
    print(_line("all", everything))
    for kind in KINDS:
        print(_line(kind, results.latencies[kind]))
    if results.error_count:
        tail = (folder / "gunicorn.log").read_text(errors="replace").splitlines()[-20:]
        print("gunicorn's log, last lines:", *tail, sep="\n  ")
    return 1 if results.error_count else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--readers", type=int, default=50)
    args = parser.parse_args()
    if args.seconds <= 0 or args.readers <= 0:
        parser.error("--seconds and --readers must be positive")
    with tempfile.TemporaryDirectory(prefix="measures-load-") as folder:
        return run(args.seconds, args.readers, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
