"""The whole month's downloads (`/pack.xlsx`, `/pack.csv`): what building and writing them costs over the demo data.

Builds the demo database, then times `build_month_export` the first time (reading and assessing every measure, the
plan and the national comparators) and again (the views reused under the same data version), and writing the
workbook and the CSV from it. Prints medians, the sizes of the files and the ratios. The machine is shared and
noisy: read the ratios, not the seconds.

Run: `.venv/bin/python bench/month_downloads.py [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.server.month_downloads import csv_of, workbook_of  # noqa: E402
from measures.cli.demo import load_demo  # noqa: E402
from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.storage import catalogue_records, db, reads  # noqa: E402
from measures.views.month_export import build_month_export  # noqa: E402


def _seconds(work, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="how many repeats of each step")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-month-downloads-") as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'demo.db'}")
        db.upgrade_schema(engine)
        catalogue = load_catalogue()
        catalogue_records.sync_catalogue(engine, catalogue)
        load_demo(engine, catalogue)
        period = reads.available_periods(engine)[-1]
        first, _ = _seconds(lambda: build_month_export(engine, period), 1)
        again, export = _seconds(lambda: build_month_export(engine, period), options.repeat)
        assert export is not None
        workbook_seconds, workbook = _seconds(lambda: workbook_of(export), options.repeat)
        csv_seconds, text = _seconds(lambda: csv_of(export), options.repeat)
    rows = sum(len(table.rows) for table in export.tables)
    print(f"month {period}: {len(export.tables)} sheets, {rows} rows")
    print(f"build, first time:           {first:.3f} s")
    print(f"build, views reused:         {again:.3f} s  (first / reused = {first / again:.1f})")
    print(f"write the workbook:          {workbook_seconds:.3f} s  ({len(workbook) / 1024:.0f} KiB)")
    print(f"write the CSV:               {csv_seconds:.3f} s  ({len(text.encode()) / 1024:.0f} KiB)")
    print(f"workbook / build reused:     {workbook_seconds / again:.1f}")


if __name__ == "__main__":
    main()
