"""Gunicorn workers x threads: the same browser-like load (`bench/load.py`) against each setting in turn.

For each setting (default 1x8, 2x4, 3x4, 4x2, 5x1) it builds the checkout's demo database, starts gunicorn with
that many workers and threads, runs READERS readers for SECONDS after a warm-up, and prints one row: page views
and requests per second, p50/p95 of a page view, the server's CPU milliseconds per request (every process of the
master, from /proc), the largest resident memory of a worker, and the machine's load average. The settings run one
after another in one run, so compare the rows with each other; `docs/deployment.md` "Workers and threads" keeps
the figures of the release's run.

Run: `.venv/bin/python bench/workers.py [--settings 1x8,2x4,3x4,4x2,5x1] [--readers 50] [--seconds 60]
[--app-root PATH] [--quick]`. Loopback only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import QUICK_SECONDS, QUICK_WARM_UP, LoadFigures, run_load  # noqa: E402
from served import describe, serve  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = "1x8,2x4,3x4,4x2,5x1"


def parse_settings(text: str) -> list[tuple[int, int]]:
    """'2x4,3x4' -> [(2, 4), (3, 4)]; raises ValueError on anything else."""
    settings = []
    for part in text.split(","):
        workers, _, threads = part.strip().partition("x")
        setting = (int(workers), int(threads))
        if min(setting) <= 0:
            raise ValueError(f"{part}: workers and threads must be positive")
        settings.append(setting)
    return settings


def row(figures: LoadFigures) -> str:
    one, _, _ = figures.load_after
    return (
        f"| {figures.workers} x {figures.threads} | {figures.views_per_second:.1f} | {figures.requests_per_second:.1f} "
        f"| {figures.p50_ms:.0f} | {figures.p95_ms:.0f} | {figures.cpu_ms_per_request:.1f} "
        f"| {figures.worker_memory_mb:.0f} | {figures.errors} | {one:.2f} |"
    )


HEADER = (
    "| workers x threads | page views/s | requests/s | p50 ms | p95 ms | CPU ms/request | largest RSS MB | errors "
    "| load average |\n|---|---|---|---|---|---|---|---|---|"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=DEFAULT_SETTINGS, help="workers x threads, comma-separated")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warm-up", type=float, default=15.0)
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument("--quick", action="store_true", help="a short trial of each setting")
    args = parser.parse_args()
    try:
        settings = parse_settings(args.settings)
    except ValueError as error:
        parser.error(f"--settings: {error}")
    if args.quick:
        args.seconds, args.warm_up = min(args.seconds, QUICK_SECONDS), min(args.warm_up, QUICK_WARM_UP)
    app_root = args.app_root.resolve()
    print(f"{describe(app_root)}: {args.readers} readers, {args.seconds:g} s per setting after {args.warm_up:g} s")
    rows = []
    for workers, threads in settings:
        with tempfile.TemporaryDirectory(prefix="measures-workers-") as folder:
            with serve(app_root, Path(folder), workers, threads) as server:
                figures = run_load(server, args.readers, args.seconds, args.warm_up)
        rows.append(row(figures))
        print(rows[-1], flush=True)
    print("\n" + HEADER, *rows, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
