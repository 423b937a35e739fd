"""Import speed: the whole import of a large template return (read, validate, commit) against a bare
python-calamine read of the same file and against pandas.read_excel(engine="openpyxl").

The machine is shared and noisy, so what matters is the ratios, measured in one run with the three
interleaved. Run: `.venv/bin/python bench/ingest.py [--repeat N]`. Target: import within 1.5x the bare read.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402

from measures.domain.catalogue import parse_catalogue  # noqa: E402
from measures.domain.periods import period_range  # noqa: E402
from measures.returns import import_return  # noqa: E402
from measures.returns.export import RETURN_HEADER, RETURN_SHEET  # noqa: E402
from measures.storage import (
    catalogue_records,  # noqa: E402
    db,  # noqa: E402
)

MEASURES, MONTHS, TEAMS = 60, 36, 12


def bench_catalogue():
    areas = [{"number": n, "title": f"Area {n}"} for n in range(1, 11)]
    measures = []
    for index in range(MEASURES):
        area, number = index % 10 + 1, index // 10 + 1
        counted = index % 2 == 0
        measures.append(
            {
                "ref": f"{area}.{number}",
                "area": area,
                "title": f"Benchmark measure {area}.{number}",
                "unit": "percent" if counted else "count",
                "counts": counted,
                "polarity": "higher",
            }
        )
    return parse_catalogue({"area": areas, "measure": measures})


def write_return(path: Path, catalogue) -> int:
    """A template return: every measure, month and team; percent measures as counts."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RETURN_SHEET)
    sheet.append(list(RETURN_HEADER))
    rows = 0
    periods = period_range("2021-04", "2024-03")  # from the programme's first month (MEASURES_EARLIEST_PERIOD)
    teams = [f"Team {number:02d}" for number in range(1, TEAMS + 1)]
    for measure_index, measure in enumerate(catalogue.measures):
        for period_index, period in enumerate(periods):
            for team_index, team in enumerate(teams):
                seed = measure_index * 7 + period_index * 3 + team_index
                if measure.unit == "percent":
                    denominator = 40 + seed % 25
                    numerator = 20 + seed % 19
                    sheet.append([measure.ref, measure.title, team, period, numerator, denominator, None, "", ""])
                else:
                    sheet.append([measure.ref, measure.title, team, period, None, None, 10 + seed % 13, "", ""])
                rows += 1
    workbook.save(path)
    return rows


def bare_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    CalamineWorkbook.from_path(str(path)).get_sheet_by_name(RETURN_SHEET).to_python()


def pandas_openpyxl(path: Path) -> None:
    import pandas as pd

    pd.read_excel(path, sheet_name=RETURN_SHEET, engine="openpyxl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        catalogue = bench_catalogue()
        path = folder / "large-return.xlsx"
        rows = write_return(path, catalogue)
        empty = folder / "empty.db"
        engine = db.make_engine(f"sqlite:///{empty}")
        db.upgrade_schema(engine)
        catalogue_records.sync_catalogue(engine, catalogue)
        engine.dispose()
        print(
            f"Return: {rows:,} rows ({MEASURES} measures x {MONTHS} months x {TEAMS} teams), "
            f"{path.stat().st_size / 1_048_576:.1f} MB"
        )

        timings: dict[str, list[float]] = {"calamine": [], "import": [], "openpyxl": []}
        for attempt in range(args.repeat):
            started = time.perf_counter()
            bare_calamine(path)
            timings["calamine"].append(time.perf_counter() - started)

            target = folder / f"import-{attempt}.db"
            shutil.copy(empty, target)
            engine = db.make_engine(f"sqlite:///{target}")
            started = time.perf_counter()
            report = import_return(engine, path, user="bench")
            timings["import"].append(time.perf_counter() - started)
            engine.dispose()
            assert report.status == "imported" and report.counts["added"] == rows, report.as_dict()["counts"]

            if attempt == 0 or args.repeat <= 3:
                started = time.perf_counter()
                pandas_openpyxl(path)
                timings["openpyxl"].append(time.perf_counter() - started)

        median = {name: statistics.median(values) for name, values in timings.items()}
        for name, label in (
            ("calamine", "bare python-calamine read"),
            ("import", "whole import (read, validate, commit)"),
            ("openpyxl", "pandas.read_excel(engine='openpyxl')"),
        ):
            print(f"{label:<40} median {median[name]:.3f} s over {len(timings[name])} runs")
        print(f"import / bare calamine read   = {median['import'] / median['calamine']:.2f}x (target <= 1.5x)")
        print(f"import / pandas+openpyxl read = {median['import'] / median['openpyxl']:.2f}x")


if __name__ == "__main__":
    main()
