"""Import speed: reading a large template return against a bare python-calamine read of the same file, in CPU
seconds, for a 12,000-row and a 26,000-row return.

Three figures per file, each the median CPU time of `--repeat` runs interleaved in one process (the machine is
shared, so CPU time rather than wall time, and the ratios of one run):

- the bare read: python-calamine's `to_python()` of the Return sheet, nothing else;
- the reading: `parse_return` in this process, which is what the isolated reader does with the file (the size and
  extent checks, the number formats, every cell read and checked into figures and problems);
- the whole import (`import_return`: the reading in its separate process, the checks against the store, and the
  write in one transaction), counting the CPU of this process and of every process it started (the reading
  server and the reader it forks, read from /proc).

The files are written as the template is (text Ref and Period, number formats on the figures, shared strings),
with percent measures given as counts and, in one row in five, a value typed in a %-formatted cell as Excel
keeps 61%. The committee layout, read cell by cell (it is measures x months: a few thousand cells), is measured
the same way. Run: `.venv/bin/python bench/ingest.py [--repeat N] [--quick]`. Target: the reading within 2x the
bare read.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from measures.domain.catalogue import Catalogue, parse_catalogue  # noqa: E402
from measures.domain.periods import period_range, shift_period  # noqa: E402
from measures.returns import import_return  # noqa: E402
from measures.returns.export import RETURN_HEADER, RETURN_SHEET  # noqa: E402
from measures.returns.parsing import parse_return  # noqa: E402
from measures.storage import catalogue_records, db  # noqa: E402

FIRST_MONTH = "2021-04"  # the programme's first month (MEASURES_EARLIEST_PERIOD's default)
# (measures, months, teams) of each return: 50 x 24 x 10 = 12,000 rows and 65 x 40 x 10 = 26,000 rows.
SIZES = ((50, 24, 10), (65, 40, 10))
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def bench_catalogue(measures: int) -> Catalogue:
    """`measures` measures over ten areas, every other one a percent measure with counts."""
    areas = [{"number": n, "title": f"Area {n}"} for n in range(1, 11)]
    found = []
    for index in range(measures):
        area, number = index % 10 + 1, index // 10 + 1
        counted = index % 2 == 0
        found.append(
            {
                "ref": f"{area}.{number}",
                "area": area,
                "title": f"Benchmark measure {area}.{number}",
                "unit": "percent" if counted else "count",
                "counts": counted,
                "polarity": "higher",
            }
        )
    return parse_catalogue({"area": areas, "measure": found})


def write_return(path: Path, catalogue: Catalogue, months: int, teams: int) -> int:
    """A filled-in template return: every measure, month and team, written with the template's number formats;
    returns its number of rows."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = RETURN_SHEET
    sheet.append(list(RETURN_HEADER))
    periods = period_range(FIRST_MONTH, shift_period(FIRST_MONTH, months - 1))
    team_names = [f"Team {number:02d}" for number in range(1, teams + 1)]
    row = 1
    for measure_index, measure in enumerate(catalogue.measures):
        for period_index, period in enumerate(periods):
            for team_index, team in enumerate(team_names):
                row += 1
                seed = measure_index * 7 + period_index * 3 + team_index
                sheet.cell(row, 1, measure.ref).number_format = "@"
                sheet.cell(row, 2, measure.title)
                sheet.cell(row, 3, team)
                sheet.cell(row, 4, period).number_format = "@"
                if measure.unit == "percent" and seed % 5:
                    sheet.cell(row, 5, 20 + seed % 19).number_format = "0"
                    sheet.cell(row, 6, 40 + seed % 25).number_format = "0"
                elif measure.unit == "percent":
                    sheet.cell(row, 7, (30 + seed % 60) / 100).number_format = "0%"  # 61% as Excel keeps it
                else:
                    sheet.cell(row, 7, 10 + seed % 13).number_format = "0.0"
    workbook.save(path)
    return row - 1


COMMITTEE_SHEET = "Measures that Matter"


def write_committee_return(path: Path, catalogue: Catalogue, months: int) -> int:
    """The committee table as officers keep it: a title row, the header (Ref, Measure, good looks like, Progress,
    chart link, one Excel date per month), an area heading before each area's measures, and a cell per measure
    and month such as '42/108 39%' or 17. Returns the number of month cells filled."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = COMMITTEE_SHEET
    sheet.append(["Children and Families - Measures that Matter"])
    periods = period_range(FIRST_MONTH, shift_period(FIRST_MONTH, months - 1))
    header: list[object] = ["Ref", "Measure", "good looks like", "Progress", "chart link"]
    sheet.append(header + [datetime(int(period[:4]), int(period[5:]), 1) for period in periods])
    for column in range(len(header) + 1, len(header) + months + 1):
        sheet.cell(2, column).number_format = "mmm-yy"
    filled = 0
    for area in sorted({measure.area for measure in catalogue.measures}):
        sheet.append([f"Area {area}", f"Improvement area {area}"])
        for index, measure in enumerate(m for m in catalogue.measures if m.area == area):
            cells: list[object] = []
            for month in range(months):
                seed = index * 7 + month * 3 + area
                if measure.unit == "percent":
                    numerator, denominator = 20 + seed % 19, 40 + seed % 25
                    cells.append(f"{numerator}/{denominator} {100 * numerator / denominator:.0f}%")
                else:
                    cells.append(10 + seed % 13)
                filled += 1
            sheet.append([measure.ref, measure.title, "Higher", "", "", *cells])
    workbook.save(path)
    return filled


def bare_calamine(data: bytes, sheet: str = RETURN_SHEET) -> None:
    from python_calamine import CalamineWorkbook

    CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


def _descendants_cpu() -> float:
    """CPU seconds of every process this one started and that still runs, and of the children they waited for."""
    me, total = os.getpid(), 0.0
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(value) for value in fields[11:15]) / _CLOCK_TICKS  # utime stime cutime cstime
    for pid in times:
        ancestor = parents.get(pid)
        while ancestor not in (None, 0, 1) and ancestor != me:
            ancestor = parents.get(ancestor)
        if ancestor == me:
            total += times[pid]
    return total


def _cpu() -> float:
    return time.process_time() + _descendants_cpu()


def measure(folder: Path, size: tuple[int, int, int], repeat: int) -> dict[str, float]:
    measures, months, teams = size
    catalogue = bench_catalogue(measures)
    path = folder / f"return-{measures * months * teams}.xlsx"
    rows = write_return(path, catalogue, months, teams)
    data = path.read_bytes()
    empty = folder / "empty.db"
    engine = db.make_engine(f"sqlite:///{empty}")
    db.upgrade_schema(engine)
    catalogue_records.sync_catalogue(engine, catalogue)
    engine.dispose()
    print(f"\nReturn: {rows:,} rows ({measures} measures x {months} months x {teams} teams), {len(data) / 1e6:.1f} MB")

    warm = folder / "warm.db"  # the first import in a process starts its reading server: not part of an import
    shutil.copy(empty, warm)
    engine = db.make_engine(f"sqlite:///{warm}")
    import_return(engine, path, user="bench", dry_run=True)
    engine.dispose()
    timings: dict[str, list[float]] = {"bare": [], "read": [], "import": []}
    for attempt in range(repeat):
        started = time.process_time()
        bare_calamine(data)
        timings["bare"].append(time.process_time() - started)

        started = time.process_time()
        parsed, issues = parse_return(data, path.name, catalogue, "9999-12", FIRST_MONTH)
        timings["read"].append(time.process_time() - started)
        assert not issues and len(parsed.candidates) == rows, (issues, len(parsed.candidates))

        target = folder / f"import-{attempt}.db"
        shutil.copy(empty, target)
        engine = db.make_engine(f"sqlite:///{target}")
        started = _cpu()
        report = import_return(engine, path, user="bench")
        timings["import"].append(_cpu() - started)
        engine.dispose()
        target.unlink()
        assert report.status == "imported" and report.counts["added"] == rows, report.as_dict()["counts"]
    median = {name: statistics.median(values) for name, values in timings.items()}
    for name, label in (
        ("bare", "bare python-calamine read"),
        ("read", "reading (parse_return, in process)"),
        ("import", "whole import (read, validate, commit)"),
    ):
        print(f"  {label:<40} {median[name]:.3f} CPU s (median of {len(timings[name])})")
    print(f"  reading / bare read      = {median['read'] / median['bare']:.2f}x (target <= 2x)")
    print(f"  whole import / bare read = {median['import'] / median['bare']:.2f}x")
    return median


def measure_committee(folder: Path, repeat: int) -> None:
    """The committee layout, read cell by cell: its size is measures x months, never tens of thousands."""
    measures, months = SIZES[-1][0], 36
    catalogue = bench_catalogue(measures)
    path = folder / "committee.xlsx"
    cells = write_committee_return(path, catalogue, months)
    data = path.read_bytes()
    print(f"\nCommittee table: {measures} measures x {months} months ({cells:,} month cells), {len(data) / 1e6:.2f} MB")
    timings: dict[str, list[float]] = {"bare": [], "read": []}
    for _ in range(repeat):
        started = time.process_time()
        bare_calamine(data, COMMITTEE_SHEET)
        timings["bare"].append(time.process_time() - started)
        started = time.process_time()
        parsed, issues = parse_return(data, path.name, catalogue, "9999-12", FIRST_MONTH)
        timings["read"].append(time.process_time() - started)
        assert not issues and parsed.layout == "committee" and len(parsed.candidates) == cells, issues
    median = {name: statistics.median(values) for name, values in timings.items()}
    print(f"  {'bare python-calamine read':<40} {median['bare']:.3f} CPU s (median of {repeat})")
    print(f"  {'reading (parse_return, in process)':<40} {median['read']:.3f} CPU s (median of {repeat})")
    print(f"  reading / bare read      = {median['read'] / median['bare']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure, interleaved (default 5)")
    parser.add_argument("--quick", action="store_true", help="one run of the 12,000-row return only")
    args = parser.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            measure(Path(folder), size, 1 if args.quick else args.repeat)
        measure_committee(Path(folder), 1 if args.quick else args.repeat)


if __name__ == "__main__":
    main()
