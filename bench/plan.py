"""The improvement plan's cost beside what pages already pay: reading every action's ratings for a reader (the newest
revision of each month, published months only) against reading every measure's whole-service figures, which every
page does; recording a month's ratings for every action against checking them only; and checking a hostile 10,000-row
Actions sheet's worth of ratings.

The machine is shared and noisy, so what matters is the ratios, measured in one run with the steps interleaved.
Run: `.venv/bin/python bench/plan.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measures.cli.demo import load_demo  # noqa: E402
from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.domain.plan import rating_problems  # noqa: E402
from measures.storage import catalogue_records, db, plan, publications, reads  # noqa: E402


def _seconds(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = db.make_engine(f"sqlite:///{Path(folder) / 'measures.db'}")
        db.upgrade_schema(engine)
        catalogue = load_catalogue()
        catalogue_records.sync_catalogue(engine, catalogue)
        load_demo(engine, catalogue)
        visible = publications.published_months(engine)
        actions = plan.current_actions(engine)
        times: dict[str, list[float]] = {"figures": [], "ratings": [], "check": [], "record": [], "hostile": []}
        hostile = [plan.RatingRow(f"{n % 12}.{n % 17}", "2023-02", "Purple", "x" * 200) for n in range(10_000)]
        for round_number in range(args.repeat):
            month = f"{2030 + round_number}-01"  # a new month each round, so every rating is written
            rows = [plan.RatingRow(a.number, month, "Amber", "Slower than planned") for a in actions if not a.closed]
            times["figures"].append(_seconds(lambda: reads.service_series(engine, visible=visible)))
            times["ratings"].append(_seconds(lambda: plan.plan_ratings(engine, visible=visible)))
            times["check"].append(_seconds(lambda rows=rows: rating_problems(rows, actions)))
            times["record"].append(
                _seconds(lambda rows=rows: plan.record_ratings(engine, rows, actor="bench", source="page"))
            )
            times["hostile"].append(_seconds(lambda: rating_problems(hostile, actions)))
        engine.dispose()
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"medians of {args.repeat} rounds, in milliseconds:")
    for name, value in median.items():
        print(f"  {name:<8}{value * 1000:9.2f}")
    reading, recording = median["ratings"] / median["figures"], median["record"] / median["check"]
    print(f"every action's ratings / every measure's figures, read for a reader: {reading:.2f}")
    print(f"recording a month's ratings ({len(actions)} actions) / checking them only: {recording:.1f}")
    print(f"checking 10,000 hostile rows / checking a month's ratings: {median['hostile'] / median['check']:.0f}")


if __name__ == "__main__":
    main()
