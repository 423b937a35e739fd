"""The large generated dataset the cold-render benchmark can measure (`bench/cold.py --large`): 10 years, 100
measures, 30 teams, caseloads for 450 workers, written straight into a new SQLite database."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from measures.domain.catalogue import parse_catalogue  # noqa: E402
from measures.domain.periods import period_range  # noqa: E402
from measures.storage import catalogue_records, db, recording  # noqa: E402
from measures.storage.recording import UploadInfo, ValueRow  # noqa: E402

MEASURES, YEARS, TEAMS, WORKERS = 100, 10, 30, 450
FIRST, LAST = "2013-01", "2022-12"
CASELOAD_REF = "2.1"


def catalogue():
    areas = [{"number": n, "title": f"Area {n}"} for n in range(1, 11)]
    measures = []
    for index in range(MEASURES):
        area, number = index % 10 + 1, index // 10 + 1
        unit = "average" if f"{area}.{number}" == CASELOAD_REF else ("percent" if index % 2 == 0 else "count")
        measure = {
            "ref": f"{area}.{number}",
            "area": area,
            "title": f"Generated measure {area}.{number}",
            "unit": unit,
            "counts": unit == "percent",
            "polarity": "higher" if index % 3 else "lower",
        }
        if index % 4 == 0 and unit == "percent":
            measure["target"] = {"kind": "at_least", "low": 70, "tolerance": 5}
        measures.append(measure)
    return parse_catalogue({"area": areas, "measure": measures})


def generate(path: Path) -> int:
    """Fill a new database with the large dataset; returns the number of figures."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade_schema(engine)
    cat = catalogue()
    catalogue_records.sync_catalogue(engine, cat)
    rng = np.random.default_rng(2026)
    periods = period_range(FIRST, LAST)
    teams = [f"Team {number:02d}" for number in range(1, TEAMS + 1)]
    rows: list[ValueRow] = []
    for measure in cat.measures:
        if measure.ref == CASELOAD_REF:
            continue
        for period in periods:
            team_values = []
            for team in teams:
                if measure.unit == "percent":
                    denominator = float(rng.integers(20, 60))
                    numerator = float(rng.binomial(int(denominator), 0.7))
                    rows.append(
                        ValueRow(
                            measure.ref,
                            period,
                            team,
                            "",
                            numerator,
                            denominator,
                            100 * numerator / denominator,
                            synthetic=True,
                        )
                    )
                    team_values.append((numerator, denominator))
                else:
                    value = float(rng.poisson(12))
                    rows.append(ValueRow(measure.ref, period, team, "", value=value, synthetic=True))
                    team_values.append((value, 0.0))
            if measure.unit == "percent":
                numerator = sum(n for n, _ in team_values)
                denominator = sum(d for _, d in team_values)
                rows.append(
                    ValueRow(
                        measure.ref,
                        period,
                        "",
                        "",
                        numerator,
                        denominator,
                        100 * numerator / denominator,
                        synthetic=True,
                    )
                )
            else:
                rows.append(ValueRow(measure.ref, period, value=sum(v for v, _ in team_values), synthetic=True))
    for period in periods:
        caseloads = rng.normal(18, 4, WORKERS).round().clip(4, 32)
        for worker, caseload in enumerate(caseloads):
            team = teams[worker % TEAMS]
            rows.append(
                ValueRow(CASELOAD_REF, period, team, f"Worker {worker + 1:03d}", value=float(caseload), synthetic=True)
            )
        rows.append(ValueRow(CASELOAD_REF, period, value=round(float(caseloads.mean()), 1), synthetic=True))
    recording.record_values(engine, rows, UploadInfo(kind="demo", filename="bench", description="Generated"))
    engine.dispose()
    return len(rows)
