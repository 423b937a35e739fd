"""Every figure of "Fast for every reader", before and after, measured in one run.

Measures two checkouts one after the other with the same benchmarks, and prints one table: `--before PATH` (e.g.
`git worktree add ../before 767bfa5`, the release before) and `--after PATH` (this checkout unless given).

- pages (`bench/pages.py`): per kind of page, warm and cold server CPU per request, a warm request against serving
  its stored bytes (target <= 2x) and a cold one against its floor (target <= 3x);
- load (`bench/load.py`): READERS browser-like readers against gunicorn (3 workers x 4 threads, as `make serve`),
  requests per page view, throughput, p50/p95/p99 beside the machine's load average, the server's CPU per request
  (target <= 6 ms), and the resident memory of every process of gunicorn's master at the end of the run (10
  minutes unless --quick: target < 300 MB);
- ingest (`bench/import_cpu.py`): a 12,000-row and a 26,000-row template return checked by the checkout's own
  `measures import --dry-run`, CPU against a bare python-calamine read of the same file (target <= 2x).

The two checkouts run in turn on a shared machine: read the ratios and the CPU per request (which does not depend
on how busy the machine is) rather than the latencies, and the load average printed beside them. `--quick` is a
short trial of everything (a few minutes, not the half hour of the full run).

Run: `.venv/bin/python bench/before_after.py --before PATH [--after PATH] [--quick] [--check-browser]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import import_cpu  # noqa: E402
import pages  # noqa: E402
from load import QUICK_SECONDS, QUICK_WARM_UP, LoadFigures, check_browser, print_figures, run_load  # noqa: E402
from served import describe, serve  # noqa: E402

ROOT = BENCH.parent
FULL_SECONDS, FULL_WARM_UP = 600.0, 30.0


Figures = tuple[list[dict[str, Any]], LoadFigures, list[dict[str, float]]]


def measure(app_root: Path, args: argparse.Namespace) -> Figures:
    """Every figure of one checkout: its pages' rows, one load run and the ingest rows."""
    print(f"\n=== {describe(app_root)} ===", flush=True)
    sizes = [12_000] if args.quick else [12_000, 26_000]
    ingest = import_cpu.measure(app_root, sizes, 1 if args.quick else 3)
    import_cpu.print_results(describe(app_root), ingest)
    rows = pages.run(app_root, args.repeat)
    pages.print_rows(describe(app_root), rows)
    with tempfile.TemporaryDirectory(prefix="measures-before-after-") as folder:
        with serve(app_root, Path(folder), args.workers, args.threads) as server:
            if args.check_browser:
                check_browser(server)
            print(f"load: {args.readers} readers for {args.seconds:g} s after {args.warm_up:g} s ...", flush=True)
            figures = run_load(server, args.readers, args.seconds, args.warm_up)
    print_figures(figures)
    return rows, figures, ingest


def _ratio(before: float, after: float) -> str:
    return f"{before / after:.1f}x" if after > 0 else "-"


def table(before: Figures, after: Figures) -> str:
    """The before/after table in Markdown: figure, before, after, before/after, target."""
    lines = ["| figure | before | after | before / after | target |", "|---|---|---|---|---|"]

    def add(figure: str, old: float, new: float, unit: str, target: str = "", digits: int = 1) -> None:
        lines.append(f"| {figure} | {old:.{digits}f}{unit} | {new:.{digits}f}{unit} | {_ratio(old, new)} | {target} |")

    old_rows = {row["kind"]: row for row in before[0]}
    for row in after[0]:
        old = old_rows.get(row["kind"])
        if old is None:
            continue
        kind = row["kind"]
        add(f"{kind}: warm request, CPU ms", old["warm_ms"], row["warm_ms"], "")
        add(
            f"{kind}: warm / serving its stored bytes",
            old["warm_ms"] / old["stored_ms"],
            row["warm_ms"] / row["stored_ms"],
            "x",
            "<= 2x",
        )
        add(f"{kind}: cold request, CPU ms", old["cold_ms"], row["cold_ms"], "")
        add(
            f"{kind}: cold / floor (SQL + encoding)",
            old["cold_ms"] / old["floor_ms"],
            row["cold_ms"] / row["floor_ms"],
            "x",
            "<= 3x",
        )
    old_load, new_load = before[1], after[1]
    add("load: requests per page view", old_load.requests_per_view, new_load.requests_per_view, "", "1", 2)
    add("load: page views per second", old_load.views_per_second, new_load.views_per_second, "")
    add("load: requests per second", old_load.requests_per_second, new_load.requests_per_second, "")
    add("load: server CPU per request, ms", old_load.cpu_ms_per_request, new_load.cpu_ms_per_request, "", "<= 6 ms")
    add("load: server CPU per page view, ms", old_load.cpu_ms_per_view, new_load.cpu_ms_per_view, "")
    add("load: page view p50, ms", old_load.p50_ms, new_load.p50_ms, "", "", 0)
    add("load: page view p95, ms", old_load.p95_ms, new_load.p95_ms, "", "< 500 ms on an idle machine", 0)
    add("load: page view p99, ms", old_load.p99_ms, new_load.p99_ms, "", "", 0)
    lines.append(
        f"| load: load average (1 min) at the end | {old_load.load_after[0]:.2f} | {new_load.load_after[0]:.2f} | | "
        "beside the p95 |"
    )
    add(
        f"memory: largest RSS of a server process after {new_load.seconds / 60:.1f} min, MB",
        old_load.worker_memory_mb,
        new_load.worker_memory_mb,
        "",
        "< 300 MB",
        0,
    )
    lines.append(f"| load: errors | {old_load.errors} | {new_load.errors} | | 0 |")
    for old_ingest, new_ingest in zip(before[2], after[2], strict=True):
        rows = f"{int(new_ingest['rows']):,}"
        add(f"ingest: {rows}-row return, import CPU s", old_ingest["import_s"], new_ingest["import_s"], "", "", 2)
        add(f"ingest: {rows}-row return, import / bare read", old_ingest["ratio"], new_ingest["ratio"], "x", "<= 2x")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the previous release's checkout")
    parser.add_argument("--after", type=Path, default=ROOT, help="the checkout to compare (default: this one)")
    parser.add_argument("--quick", action="store_true", help="a short trial of every figure")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, help=f"the load's measured part (default {FULL_SECONDS:g})")
    parser.add_argument("--warm-up", type=float, help=f"seconds of load before the clock (default {FULL_WARM_UP:g})")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=9, help="warm requests per page in the pages part")
    parser.add_argument("--check-browser", action="store_true", help="compare the reader's requests with Chromium's")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    args.seconds = args.seconds or (QUICK_SECONDS if args.quick else FULL_SECONDS)
    args.warm_up = args.warm_up if args.warm_up is not None else (QUICK_WARM_UP if args.quick else FULL_WARM_UP)
    if args.quick:
        args.repeat = min(args.repeat, 3)
    before_root, after_root = args.before.resolve(), args.after.resolve()
    for root in (before_root, after_root):
        if not (root / "app.py").exists():
            parser.error(f"{root} is not a checkout of the app (no app.py)")
    before = measure(before_root, args)
    after = measure(after_root, args)
    length = "quick trial" if args.quick else "full run"
    print(f"\nBefore: {describe(before_root)}   after: {describe(after_root)}   ({length})")
    print(table(before, after))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "before": {"pages": before[0], "load": asdict(before[1]), "ingest": before[2]},
                    "after": {"pages": after[0], "load": asdict(after[1]), "ingest": after[2]},
                },
                indent=1,
            )
        )
    return 1 if before[1].errors or after[1].errors else 0


if __name__ == "__main__":
    sys.exit(main())
