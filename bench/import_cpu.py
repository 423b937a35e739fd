"""A large return checked by a checkout's own command line, against a bare python-calamine read of the same file:
CPU seconds, for this checkout or `--app-root PATH`, so one run can compare the previous release with this one.

For each size (12,000 and 26,000 rows unless told) it writes a template return of the checkout's catalogue (every
measure, months from April 2021, whole service and numbered teams; percent measures as counts) under the header of
the checkout's own `template`, then measures, interleaved and repeated:

- `python -m measures import --dry-run FILE` in the checkout (read, check and preview; nothing written), against an
  empty database of its own: CPU of the command and every process it waited for (the reading process included);
- a bare read: a Python process that opens the file with python-calamine and reads the return sheet.

Each is measured against the same command on a return of one row per measure, and the difference is kept, so
starting Python and importing the app do not count: what is compared is the cost of the rows. `bench/ingest.py`
measures the same inside one process for this checkout.

Run: `.venv/bin/python bench/import_cpu.py [--rows 12000,26000] [--repeat 3] [--app-root PATH] [--quick]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from served import describe  # noqa: E402

BARE_READ = """
import sys
from python_calamine import CalamineWorkbook
CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2]).to_python()
"""
RETURN_SHEET = "Return"
# Runs a command and prints the CPU seconds it and every process below it spent, including a process it started
# and left running when it ended (the import's reading server): this process becomes their reaper (Linux's
# PR_SET_CHILD_SUBREAPER), waits for every one, and reads what all of them cost from its own children's usage.
ACCOUNTED = """
import ctypes, os, resource, signal, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 30
while True:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break  # every process below has ended and been waited for
    if pid == 0:
        time.sleep(0.05)
        if time.monotonic() > deadline:  # one left running: stop it, and its cost is still counted when waited for
            for entry in os.listdir("/proc"):
                try:
                    parent = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1] if entry.isdigit() else ""
                    if parent == str(os.getpid()):
                        os.kill(int(entry), signal.SIGKILL)
                except OSError:
                    pass
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime)
"""


def _months(count: int) -> list[str]:
    months, year, month = [], 2021, 4
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def write_return(app_root: Path, env: dict[str, str], folder: Path, rows: int, name: str) -> Path:
    """A template return of about `rows` rows for the checkout's catalogue, under its own template's header."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    template = folder / "template.xlsx"
    if not template.exists():
        subprocess.run(
            [sys.executable, "-m", "measures", "template", "--period", "2023-02", "--out", str(template)],
            cwd=app_root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    header = CalamineWorkbook.from_path(str(template)).get_sheet_by_name(RETURN_SHEET).to_python()[0]
    catalogue = tomllib.loads((app_root / "data" / "catalogue.toml").read_text())
    measures: list[dict[str, Any]] = catalogue["measure"]
    teams_per_month = max(1, rows // (len(measures) * 24))
    months = _months(max(1, rows // (len(measures) * teams_per_month)))
    teams = [""] + [f"Bench Team {number:02d}" for number in range(1, teams_per_month)]
    if rows <= len(measures):
        months, teams = months[:1], [""]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RETURN_SHEET)
    sheet.append(header)
    written = 0
    column = {title: index for index, title in enumerate(header)}
    for index, measure in enumerate(measures):
        for month_index, month in enumerate(months):
            for team_index, team in enumerate(teams):
                row: list[Any] = [None] * len(header)
                row[column["Ref"]], row[column["Measure"]] = measure["ref"], measure["title"]
                row[column["Team"]], row[column["Period"]] = team, month
                seed = index * 7 + month_index * 3 + team_index
                if measure.get("counts"):
                    row[column["Numerator"]], row[column["Denominator"]] = 20 + seed % 19, 40 + seed % 25
                else:
                    row[column["Value"]] = 10 + seed % 13
                sheet.append(row)
                written += 1
    path = folder / f"{name}-{written}.xlsx"
    workbook.save(path)
    return path


def _children_cpu(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """CPU seconds `command` and every process below it spent, those it left running included."""
    answer = subprocess.run(
        [sys.executable, "-c", ACCOUNTED, *command], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return float(answer.stdout.strip())


def measure(app_root: Path, sizes: list[int], repeat: int) -> list[dict[str, float]]:
    """Per size: rows, the import's and the bare read's CPU seconds for the rows (start-up taken away), and the
    ratio."""
    results = []
    with tempfile.TemporaryDirectory(prefix="measures-import-cpu-") as name:
        folder = Path(name)
        env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{folder / 'measures.db'}"}
        env.pop("PYTHONPATH", None)
        subprocess.run(
            [sys.executable, "-m", "measures", "init"], cwd=app_root, env=env, check=True, stdout=subprocess.DEVNULL
        )
        small = write_return(app_root, env, folder, 1, "small")

        def check(path: Path) -> float:
            return _children_cpu(
                [sys.executable, "-m", "measures", "import", "--dry-run", "--json", str(path)], app_root, env
            )

        def bare(path: Path) -> float:
            return _children_cpu([sys.executable, "-c", BARE_READ, str(path), RETURN_SHEET], app_root, env)

        for size in sizes:
            large = write_return(app_root, env, folder, size, "large")
            imports, reads = [], []
            for _ in range(repeat):
                imports.append(check(large) - check(small))
                reads.append(bare(large) - bare(small))
            imported, read = statistics.median(imports), statistics.median(reads)
            rows = int(large.stem.rsplit("-", 1)[1])
            results.append({"rows": rows, "import_s": imported, "bare_s": read, "ratio": imported / max(read, 1e-6)})
    return results


def print_results(checkout: str, results: list[dict[str, float]]) -> None:
    print(f"\n{checkout}: a template return checked by `measures import --dry-run`, against a bare calamine read")
    for row in results:
        print(
            f"  {int(row['rows']):>6} rows: import {row['import_s']:6.2f} s CPU, bare read {row['bare_s']:5.2f} s, "
            f"ratio {row['ratio']:4.1f}x (target <= 2x)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="12000,26000", help="sizes of the return, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument("--quick", action="store_true", help="one 12,000-row return, measured once")
    args = parser.parse_args()
    sizes = [int(size) for size in args.rows.split(",")]
    if args.quick:
        sizes, args.repeat = sizes[:1], 1
    app_root = args.app_root.resolve()
    print_results(describe(app_root), measure(app_root, sizes, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
