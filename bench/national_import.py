"""National import speed: the whole import of the shipped LAIT extract (`data/national/lait_extract.csv`: read,
check every row against the data items and the code list, commit in one transaction) against a bare `csv` read of
the same file, and the re-import that finds every figure already stored.

The machine is shared and noisy, so what matters is the ratios, measured in one run with the reads interleaved.
Run: `.venv/bin/python bench/national_import.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.domain.national_reference import NATIONAL_DATA_DIR  # noqa: E402
from measures.national.importer import import_national_path  # noqa: E402
from measures.storage import catalogue_records, db  # noqa: E402

EXTRACT = NATIONAL_DATA_DIR / "lait_extract.csv"


def bare_csv(path: Path) -> int:
    """Read every row of the file with the standard library, as text: the least any import must do."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        empty = folder_path / "empty.db"
        engine = db.make_engine(f"sqlite:///{empty}")
        db.upgrade_schema(engine)
        catalogue_records.sync_catalogue(engine, load_catalogue())
        engine.dispose()
        rows = bare_csv(EXTRACT)
        print(f"Extract: {rows:,} rows, {EXTRACT.stat().st_size / 1_048_576:.1f} MB")
        import_national_path(db.make_engine(f"sqlite:///{empty}"), EXTRACT, user="bench", dry_run=True)  # warm-up

        timings: dict[str, list[float]] = {"csv": [], "import": [], "again": []}
        for attempt in range(args.repeat):
            started = time.perf_counter()
            bare_csv(EXTRACT)
            timings["csv"].append(time.perf_counter() - started)

            target = folder_path / f"import-{attempt}.db"
            shutil.copy(empty, target)
            engine = db.make_engine(f"sqlite:///{target}")
            started = time.perf_counter()
            report = import_national_path(engine, EXTRACT, user="bench")
            timings["import"].append(time.perf_counter() - started)
            assert report.status == "imported" and report.counts["added"] == rows, report.as_dict()["counts"]
            started = time.perf_counter()
            again = import_national_path(engine, EXTRACT, user="bench")
            timings["again"].append(time.perf_counter() - started)
            assert again.status == "unchanged", again.as_dict()["counts"]
            engine.dispose()

        median = {name: statistics.median(values) for name, values in timings.items()}
        for name, label in (
            ("csv", "bare csv read"),
            ("import", "whole import (read, check, commit)"),
            ("again", "import again (every figure unchanged)"),
        ):
            print(f"{label:<40} median {median[name]:.3f} s over {len(timings[name])} runs")
        print(f"import / bare csv read       = {median['import'] / median['csv']:.1f}x")
        print(f"import again / bare csv read = {median['again'] / median['csv']:.1f}x")


if __name__ == "__main__":
    main()
