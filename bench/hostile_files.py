"""Hostile files against an ordinary import, and what reading in a separate process costs.

Prints, from one run (the machine is shared and noisy, so read the ratios):
- the old reading of a file with one far cell (python-calamine building the grid from A1, in a throwaway process
  limited to 4 GB): XFD1048576 aborts, CV200000 takes seconds and hundreds of MB;
- the same files now: refused by the extent scan, in the separate reading process, and that process's peak memory
  against the peak for a two-row return;
- the refusal against a normal import of a large return;
- the cost of the separate process per import: a two-row and a 26,000-row return read in-process and isolated,
  the first reading of a process (which starts its reading server) and a reading by a fresh process.

Run: `.venv/bin/python bench/hostile_files.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import bench_catalogue, write_return  # noqa: E402

from measures.returns import import_return, isolation  # noqa: E402
from measures.returns.isolation import parse_in_process, parse_isolated  # noqa: E402
from measures.returns.workbook import check_extent  # noqa: E402
from measures.storage import catalogue_records, db  # noqa: E402
from tests.returns import hostile_files as hostile  # noqa: E402
from tests.returns.builders import template_row, template_workbook  # noqa: E402

OLD_READ = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
from python_calamine import CalamineWorkbook
started = time.perf_counter()
workbook = CalamineWorkbook.from_path(sys.argv[1])
rows = workbook.get_sheet_by_name("Return").to_python(skip_empty_area=False)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def old_read(path: Path) -> str:
    """How the reader used before this release fared with `path`, in a throwaway limited process."""
    finished = subprocess.run([sys.executable, "-c", OLD_READ, str(path)], capture_output=True, text=True)
    if finished.returncode != 0:
        lines = finished.stderr.strip().splitlines() or [""]
        reason = next((line for line in lines if "memory allocation" in line), lines[-1])
        return f"process died (exit {finished.returncode}: {reason[:90]})"
    seconds, peak_kb = finished.stdout.split()
    return f"{float(seconds):.2f} s, peak {int(peak_kb) / 1024:.0f} MB"


def timed(function, *args, repeat: int = 1):
    """The median seconds of `repeat` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    catalogue = bench_catalogue()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        far = hostile.far_cell_xlsx(folder / "far.xlsx")
        cv = hostile.far_cell_xlsx(folder / "cv.xlsx", (200_000, 100))
        small = template_workbook(
            folder / "small.xlsx",
            [template_row("1.1", "2022-12", numerator=5, denominator=9), template_row("2.1", "2022-12", value=9)],
        )
        large = folder / "large.xlsx"
        rows = write_return(large, catalogue)

        print(f"Far-cell files: XFD1048576 {far.stat().st_size:,} bytes, CV200000 {cv.stat().st_size:,} bytes")
        print(f"  before, XFD1048576: {old_read(far)}")
        print(f"  before, CV200000:   {old_read(cv)}")

        small_isolated, small_outcome = timed(
            parse_isolated, small.read_bytes(), "small.xlsx", catalogue, "2023-02", repeat=args.repeat
        )
        small_in_process, _ = timed(
            parse_in_process, small.read_bytes(), "small.xlsx", catalogue, "2023-02", repeat=args.repeat
        )
        baseline_kb = small_outcome.peak_memory_kb
        for label, path in (("XFD1048576", far), ("CV200000", cv)):
            data = path.read_bytes()
            scan_seconds, issues = timed(check_extent, data, path.name, repeat=args.repeat)
            seconds, outcome = timed(parse_isolated, data, path.name, catalogue, "2023-02", repeat=args.repeat)
            assert [issue.code for issue in outcome.issues][:1] == ["over-limits"], outcome.issues
            print(
                f"  now, {label}: extent scan {scan_seconds * 1000:.1f} ms; whole isolated reading {seconds:.2f} s, "
                f"peak {outcome.peak_memory_kb / 1024:.0f} MB (a two-row return: {baseline_kb / 1024:.0f} MB)"
            )
            far_seconds = seconds

        empty = folder / "empty.db"
        engine = db.make_engine(f"sqlite:///{empty}")
        db.upgrade_schema(engine)
        catalogue_records.sync_catalogue(engine, catalogue)
        engine.dispose()
        target = folder / "import.db"
        target.write_bytes(empty.read_bytes())
        engine = db.make_engine(f"sqlite:///{target}")
        import_seconds, report = timed(import_return, engine, large, repeat=1)
        engine.dispose()
        assert report.status == "imported" and report.counts["added"] == rows
        print(
            f"\nNormal import of a {rows:,}-row return (isolated reading, validation, commit): {import_seconds:.2f} s"
        )
        print(f"far-cell refusal / normal import = {far_seconds / import_seconds:.2f}x")

        large_isolated, large_outcome = timed(
            parse_isolated, large.read_bytes(), "large.xlsx", catalogue, "2023-02", repeat=max(1, args.repeat // 2)
        )
        large_in_process, _ = timed(
            parse_in_process, large.read_bytes(), "large.xlsx", catalogue, "2023-02", repeat=max(1, args.repeat // 2)
        )
        isolation._server.stop()  # time the first reading of a process, which starts its reading server
        isolation._server = None
        first_seconds, _ = timed(parse_isolated, small.read_bytes(), "small.xlsx", catalogue, "2023-02")
        with isolation._server_lock:  # as while the server reads another file: a fresh process reads this one
            fresh_seconds, _ = timed(
                parse_isolated, small.read_bytes(), "small.xlsx", catalogue, "2023-02", repeat=args.repeat
            )
        print("\nReading in a separate process (medians):")
        print(
            f"  first reading in a process (starts its reading server): {first_seconds:.2f} s; "
            f"a fresh process when the server is busy: {fresh_seconds:.2f} s"
        )
        print(
            f"  two-row return:    in-process {small_in_process * 1000:.0f} ms, "
            f"isolated {small_isolated * 1000:.0f} ms "
            f"-> overhead {(small_isolated - small_in_process) * 1000:.0f} ms per import"
        )
        print(
            f"  {rows:,}-row return: in-process {large_in_process:.2f} s, isolated {large_isolated:.2f} s "
            f"= {large_isolated / large_in_process:.2f}x (peak {large_outcome.peak_memory_kb / 1024:.0f} MB)"
        )


if __name__ == "__main__":
    main()
