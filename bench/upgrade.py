"""Upgrading a large first-release database: how long `init` takes to repair its figures' histories (migration
0004), against one plain read of every figure, and what the data version read every page render costs against
the cheapest other read a page makes.

A first-release database keeps every version of every figure twice (in `observations` and in
`observation_revisions`); here every figure has one version, the worst case for the repair. The machine is shared
and noisy, so what matters is the ratios from one run. Run: `.venv/bin/python bench/upgrade.py [--figures N]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import timeit
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.domain.periods import period_range  # noqa: E402
from measures.storage import (
    db,  # noqa: E402
    reads,  # noqa: E402
)


def first_release_database(path: Path, figures: int):
    """A database at migration 0001 holding about `figures` team-level figures, stored the first release's way."""
    catalogue = load_catalogue()
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade_schema(engine, "0001")
    periods = period_range("2015-01", "2024-12")
    teams = max(1, figures // (len(catalogue.measures) * len(periods)))
    with engine.begin() as connection:
        for area in catalogue.areas:
            connection.execute(
                text("INSERT INTO areas (number, title, short_title) VALUES (:n, :t, :t)"),
                {"n": area.number, "t": area.title},
            )
        for index, measure in enumerate(catalogue.measures):
            connection.execute(
                text(
                    "INSERT INTO measures (ref, area_number, sort_area, sort_number, title, short_title, unit, "
                    "polarity) "
                    "VALUES (:ref, :area, :area, :index, :title, :title, :unit, :polarity)"
                ),
                {
                    "ref": measure.ref,
                    "area": measure.area,
                    "index": index,
                    "title": measure.title,
                    "unit": measure.unit,
                    "polarity": measure.polarity,
                },
            )
        connection.execute(
            text("INSERT INTO uploads (kind, created_at) VALUES ('import', :at)"), {"at": datetime.now(UTC)}
        )
        rows = [
            {"ref": m.ref, "period": p, "team": f"Team {t:02d}", "value": float(t)}
            for m in catalogue.measures
            for p in periods
            for t in range(teams)
        ]
        for table in ("observations", "observation_revisions"):
            connection.execute(
                text(
                    f"INSERT INTO {table} (ref, period, team, value, status, version, upload_id) "  # noqa: S608
                    "VALUES (:ref, :period, :team, :value, 'ok', 1, 1)"
                ),
                rows,
            )
    return engine, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine, figures = first_release_database(Path(folder) / "first-release.db", args.figures)
        started = time.perf_counter()
        with engine.connect() as connection:
            connection.execute(select(db.observations)).all()
        read = time.perf_counter() - started
        started = time.perf_counter()
        db.upgrade_schema(engine)
        upgrade = time.perf_counter() - started
        with engine.connect() as connection:
            left = connection.execute(select(func.count()).select_from(db.observation_revisions)).scalar_one()
        calls = 2000
        version = timeit.timeit(lambda: reads.data_version(engine), number=calls) / calls
        latest = timeit.timeit(lambda: reads.latest_period(engine), number=calls) / calls
        engine.dispose()
    print(f"{figures:,} figures stored the first release's way; {left} repeated versions left after upgrading")
    print(
        f"upgrade to the newest schema: {upgrade:.2f} s = {upgrade / read:.1f}x one read of every figure ({read:.2f} s)"
    )
    print(
        f"data version read: {version * 1e6:.0f} us = {version / latest:.2f}x the newest-month read "
        f"({latest * 1e6:.0f} us)"
    )


if __name__ == "__main__":
    main()
