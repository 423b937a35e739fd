"""Demo data: the real published figures plus a clearly labelled, deterministic synthetic history.

Real: the Dec-22 and Jan-23 columns of the "Measures that Matter" table presented to the Children
and Young People Scrutiny Committee on 28 February 2023 (`data/published/`), and the benchmarks the
committee papers give (`data/benchmarks.csv`).

National (`data/national/`, see its README): DfE's Local Authority Interactive Tool figures for the items that match
the measures, every authority and year, and the April 2021 and May 2025 statistical neighbour groups, imported
through the same checks as `benchmarks import`.

Synthetic (marked `synthetic` in the data and wherever shown): monthly history from April 2021 to
November 2022, team breakdowns, pseudonymous worker caseloads, and named statistical-neighbour
benchmarks. Measures the council had not yet reported (TBC or new) get no invented past.

The improvement plan (`measures.cli.demo_plan`): every action as published in December 2022, with its published
progress, and clearly labelled synthetic monthly BRAG ratings from July 2022 to January 2023.
"""

from __future__ import annotations

import csv
import itertools
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from measures.cli.demo_plan import load_plan
from measures.domain.catalogue import Catalogue, Measure
from measures.domain.council import load_council
from measures.domain.national_reference import NATIONAL_DATA_DIR
from measures.domain.periods import period_range
from measures.national.importer import import_national_path
from measures.storage import db, publications, recording
from measures.storage.recording import UploadInfo, ValueRow
from measures.views.national import neighbour_names

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PUBLISHED_FILE = DATA_DIR / "published" / "measures-that-matter-2023-02-28.csv"
BENCHMARKS_FILE = DATA_DIR / "benchmarks.csv"
# The national files the demo loads, in order: the figures, then each edition of the neighbour groups.
NATIONAL_FILES = (
    NATIONAL_DATA_DIR / "lait_extract.csv",
    NATIONAL_DATA_DIR / "sn_april_2021.xlsx",
    NATIONAL_DATA_DIR / "sn_may_2025.xlsx",
)
PUBLISHED_SOURCE = "Measures that Matter, Children and Young People Scrutiny Committee, 28 February 2023"

SYNTHETIC_START = "2021-04"
SYNTHETIC_END = "2022-11"

ASSESSMENT_BREAKDOWN_REFS = ("3.1", "3.2", "3.3")  # broken down by the assessment teams
CASEWORK_BREAKDOWN_REFS = ("8.1", "8.3")  # broken down by every team
CASELOAD_REFS = ("2.2", "2.3")  # built from worker caseloads
AUDIT_GRADE_REFS = ("4.2", "4.3", "4.4", "4.5")  # inadequate, requires improvement, good, outstanding
# Not reported yet in the published table (TBC or new measure): no invented history.
NO_HISTORY = frozenset({"2.6", "3.4", "6.3", "7.3", "9.3", "10.1"})
HISTORY_START = {"5.1": "2022-06"}  # Family Group Conferences "when established"
# The years of the synthetic named neighbours of 3.1, whose published average the committee papers give for 2021-22.
SYNTHETIC_NEIGHBOUR_YEARS = ("2019-20", "2020-21", "2021-22")
WORKERS_PER_TEAM = (8, 8, 7, 7, 9, 9, 8, 6)  # pseudonymous social workers, excluding newly qualified


@dataclass(frozen=True)
class DemoData:
    """The rows the demo writes, split by provenance."""

    published: list[ValueRow]
    synthetic: list[ValueRow]
    benchmarks: list[dict]
    synthetic_benchmarks: list[dict]


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _percent(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return 100.0 * numerator / denominator


def read_published(path: Path = PUBLISHED_FILE) -> list[ValueRow]:
    """Return the published whole-service figures; a percentage is computed from its counts where both exist.

    Raises FileNotFoundError if the file is missing.
    """
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            numerator, denominator = _number(record["numerator"]), _number(record["denominator"])
            value = _number(record["value"])
            if value is None and denominator:
                value = _percent(numerator, denominator)
            rows.append(
                ValueRow(
                    ref=record["ref"],
                    period=record["period"],
                    numerator=numerator,
                    denominator=denominator,
                    value=value,
                    status=record["status"],
                    note=record["note"],
                )
            )
    return rows


def read_benchmarks(path: Path = BENCHMARKS_FILE) -> list[dict]:
    """Return the published benchmarks as dicts (ref, year, comparator, value, source, synthetic=False)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            {
                "ref": r["ref"],
                "year": r["year"],
                "comparator": r["comparator"],
                "value": float(r["value"]),
                "source": r["source"],
                "synthetic": False,
            }
            for r in csv.DictReader(handle)
        ]


def _rng(*parts: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("|".join(parts).encode()))


def _anchor(published: dict[tuple[str, str], ValueRow], ref: str) -> ValueRow | None:
    for period in ("2022-12", "2023-01"):
        row = published.get((ref, period))
        if row is not None and row.status == "ok" and row.value is not None:
            return row
    return None


def _figure(row: ValueRow) -> float:
    """The value of a published figure that synthetic data is drawn to meet. Raises ValueError if it has none."""
    if row.value is None:
        raise ValueError(f"The published {row.ref} for {row.period} has no figure.")
    return row.value


def _counts(row: ValueRow) -> tuple[float, float] | None:
    """A figure's numerator and denominator when its denominator is given and not 0, else None. Raises
    ValueError for such a denominator without a numerator."""
    if not row.denominator:
        return None
    if row.numerator is None:
        raise ValueError(f"The figure {row.ref} for {row.period} has a denominator but no numerator.")
    return row.numerator, row.denominator


def _path(rng: np.random.Generator, months: int, end: float, start: float, noise: float) -> np.ndarray:
    """A series drifting from `start` to `end` over `months`, with month-to-month noise."""
    steps = np.linspace(start, end, months)
    return steps + rng.normal(0.0, noise, months)


def _start_factor(measure: Measure, rng: np.random.Generator) -> float:
    """Where the synthetic history starts relative to the published figure: an improvement programme
    that started from a worse place, so most higher-is-better series rise and lower-is-better ones fall."""
    if measure.polarity == "higher":
        return rng.uniform(0.8, 0.97)
    if measure.polarity == "lower":
        return rng.uniform(1.05, 1.3)
    return rng.uniform(0.92, 1.08)


def _synthetic_service(measure: Measure, anchor: ValueRow, periods: list[str]) -> list[ValueRow]:
    rng = _rng("service", measure.ref)
    months = len(periods)
    factor = _start_factor(measure, rng)
    note = "Synthetic demonstration figure, not real data."
    end = _figure(anchor)
    rows = []
    if measure.unit == "percent" and (counts := _counts(anchor)) is not None:
        numerator_end, denominator_end = counts
        rate_end = numerator_end / denominator_end
        rates = np.clip(_path(rng, months, rate_end, min(rate_end * factor, 0.99), 0.025), 0.0, 1.0)
        denominators = np.maximum(rng.normal(denominator_end, denominator_end * 0.1, months).round(), 4)
        for period, rate, denominator in zip(periods, rates, denominators, strict=True):
            numerator = float(rng.binomial(int(denominator), rate))
            rows.append(
                ValueRow(
                    measure.ref,
                    period,
                    numerator=numerator,
                    denominator=float(denominator),
                    value=_percent(numerator, denominator),
                    note=note,
                    synthetic=True,
                )
            )
    elif measure.unit == "percent" and anchor.numerator is not None:
        # Published as a count and a percentage without its denominator (6.1): invent both for the past.
        typical_denominator = round(anchor.numerator * 100 / end) if end else 20
        rates = np.clip(_path(rng, months, end / 100, end / 100 * factor, 0.05), 0.0, 1.0)
        for period, rate in zip(periods, rates, strict=True):
            denominator = float(max(int(rng.normal(typical_denominator, 3)), 5))
            numerator = float(rng.binomial(int(denominator), rate))
            rows.append(
                ValueRow(
                    measure.ref,
                    period,
                    numerator=numerator,
                    denominator=denominator,
                    value=_percent(numerator, denominator),
                    note=note,
                    synthetic=True,
                )
            )
    elif measure.unit == "percent":
        values = np.clip(_path(rng, months, end, end * factor, 2.0), 0.0, 100.0)
        rows = [
            ValueRow(measure.ref, p, value=round(float(v), 1), note=note, synthetic=True)
            for p, v in zip(periods, values, strict=True)
        ]
    else:
        spread = max(abs(end) * 0.08, 1.0)
        values = np.maximum(_path(rng, months, end, end * factor, spread), 0.0)
        decimals = measure.decimals
        rows = [
            ValueRow(measure.ref, p, value=round(float(v), decimals), note=note, synthetic=True)
            for p, v in zip(periods, values, strict=True)
        ]
    return rows


def _split_counts(rng: np.random.Generator, numerator: float, denominator: float, teams: tuple[str, ...]):
    """Split a service numerator/denominator across teams so the teams add up to the service exactly."""
    weights = rng.dirichlet(np.full(len(teams), 8.0))
    team_denominators = rng.multinomial(int(denominator), weights)
    team_numerators = rng.multivariate_hypergeometric(team_denominators, int(numerator))
    return zip(teams, team_numerators, team_denominators, strict=True)


def _team_rows(measure: Measure, service_rows: list[ValueRow], teams: tuple[str, ...]) -> Iterator[ValueRow]:
    note = "Synthetic team breakdown, not real data."
    for row in service_rows:
        if row.status != "ok" or row.value is None:
            continue
        rng = _rng("team", measure.ref, row.period)
        service_counts = _counts(row)
        if service_counts is not None:
            for team, numerator, denominator in _split_counts(rng, *service_counts, teams):
                yield ValueRow(
                    measure.ref,
                    row.period,
                    team=team,
                    numerator=float(numerator),
                    denominator=float(denominator),
                    value=_percent(numerator, denominator),
                    note=note,
                    synthetic=True,
                )
        else:
            counts = rng.multinomial(int(round(row.value)), rng.dirichlet(np.full(len(teams), 6.0)))
            for team, count in zip(teams, counts, strict=True):
                yield ValueRow(measure.ref, row.period, team=team, value=float(count), note=note, synthetic=True)


def _caseloads(rng: np.random.Generator, workers: int, mean: float, above_24: int) -> np.ndarray:
    """Integer caseloads for `workers` workers with exactly `above_24` above 24 and the given mean (to 0.1)."""
    high = rng.integers(25, 30, above_24)
    rest = np.clip(rng.normal(mean - 1.5, 3.5, workers - above_24).round(), 6, 24).astype(int)
    target_total = int(round(mean * workers))
    gap = target_total - int(high.sum() + rest.sum())
    step = 1 if gap > 0 else -1
    index = 0
    while gap != 0:
        position = index % len(rest)
        candidate = rest[position] + step
        if 6 <= candidate <= 24:
            rest[position] = candidate
            gap -= step
        index += 1
        if index > 100_000:  # the targets cannot be met with these bounds; keep what we have
            break
    caseloads = np.concatenate([high, rest])
    rng.shuffle(caseloads)
    return caseloads


def _caseload_rows(published: dict[tuple[str, str], ValueRow], periods: list[str]) -> Iterator[ValueRow]:
    """Worker caseloads (2.2 per worker), team and service averages (2.2) and counts above 24 (2.3)."""
    teams = load_council().teams
    roster = [
        (team, f"Worker {team_index + 1}{worker_index + 1:02d}")
        for team_index, (team, size) in enumerate(zip(teams, itertools.cycle(WORKERS_PER_TEAM)))
        for worker_index in range(size)
    ]
    months = len(periods)
    path_rng = _rng("caseload-path")
    means = _path(path_rng, months, 17.0, 21.5, 0.5)
    highs = np.maximum(_path(path_rng, months, 10, 19, 1.5).round(), 0).astype(int)
    worker_note = "Synthetic pseudonymous caseload, not real data."
    for index, period in enumerate(periods):
        average_row = published.get(("2.2", period))
        above_row = published.get(("2.3", period))
        is_published = average_row is not None and above_row is not None
        if average_row is not None and above_row is not None:
            mean, above = _figure(average_row), int(_figure(above_row))
        else:
            mean, above = float(means[index]), int(highs[index])
        caseloads = _caseloads(_rng("caseloads", period), len(roster), mean, above)
        for (team, worker), caseload in zip(roster, caseloads, strict=True):
            yield ValueRow(
                "2.2", period, team=team, worker=worker, value=float(caseload), note=worker_note, synthetic=True
            )
        for team in teams:
            team_loads = [c for (t, _), c in zip(roster, caseloads, strict=True) if t == team]
            yield ValueRow(
                "2.2",
                period,
                team=team,
                value=round(float(np.mean(team_loads)), 1),
                note="Synthetic team average, not real data.",
                synthetic=True,
            )
            yield ValueRow(
                "2.3",
                period,
                team=team,
                value=float(sum(c > 24 for c in team_loads)),
                note="Synthetic team count, not real data.",
                synthetic=True,
            )
        if not is_published:
            yield ValueRow(
                "2.2",
                period,
                value=round(float(np.mean(caseloads)), 1),
                note="Synthetic demonstration figure, not real data.",
                synthetic=True,
            )
            yield ValueRow(
                "2.3",
                period,
                value=float(int((caseloads > 24).sum())),
                note="Synthetic demonstration figure, not real data.",
                synthetic=True,
            )


def _audit_grade_rows(published: dict[tuple[str, str], ValueRow], periods: list[str]) -> Iterator[ValueRow]:
    """Audits completed (4.1) and the grades (4.2-4.5) that add up to them, for synthetic months."""
    rng = _rng("audits")
    months = len(periods)
    inadequate_share = np.clip(np.linspace(0.7, 0.5, months) + rng.normal(0, 0.04, months), 0.2, 0.9)
    note = "Synthetic demonstration figure, not real data."
    for index, period in enumerate(periods):
        audits = int(rng.integers(26, 42))
        shares = np.array(
            [
                inadequate_share[index],
                0.85 * (1 - inadequate_share[index]),
                0.14 * (1 - inadequate_share[index]),
                0.01 * (1 - inadequate_share[index]),
            ]
        )
        grades = rng.multinomial(audits, shares / shares.sum())
        yield ValueRow("4.1", period, value=float(audits), note=note, synthetic=True)
        for ref, count in zip(AUDIT_GRADE_REFS, grades, strict=True):
            yield ValueRow(
                ref,
                period,
                numerator=float(count),
                denominator=float(audits),
                value=_percent(count, audits),
                note=note,
                synthetic=True,
            )


def _synthetic_benchmarks(neighbours: Sequence[str]) -> list[dict]:
    """Named statistical neighbours for assessments in time (3.1), consistent with their published average: one
    row per neighbour of `neighbours` (names, closest first) and year, none if there are no neighbours."""
    if not neighbours:
        return []
    rng = _rng("neighbours")
    rows = []
    for year, average in zip(SYNTHETIC_NEIGHBOUR_YEARS, (85.0, 86.0, 87.0), strict=True):
        values = rng.normal(average, 4.0, len(neighbours))
        values = np.clip(values - values.mean() + average, 60, 99).round(0)
        for neighbour, value in zip(neighbours, values, strict=True):
            rows.append(
                {
                    "ref": "3.1",
                    "year": year,
                    "comparator": neighbour,
                    "value": float(value),
                    "source": "Synthetic demonstration figure, not real data.",
                    "synthetic": True,
                }
            )
    return rows


def build_demo(catalogue: Catalogue, neighbours: Sequence[str] = ()) -> DemoData:
    """Return the demo rows for this catalogue: published figures, synthetic history and benchmarks, with
    synthetic figures of 3.1 for each of `neighbours` (the council's statistical neighbours of the years
    2019-20 to 2021-22, closest first; none without them).

    Deterministic: the same catalogue and neighbours always give the same rows. Raises FileNotFoundError if
    the published data files are missing.
    """
    published_rows = read_published()
    published = {(row.ref, row.period): row for row in published_rows}
    periods = period_range(SYNTHETIC_START, SYNTHETIC_END)
    published_periods = sorted({row.period for row in published_rows})
    synthetic: list[ValueRow] = []
    synthetic.extend(_caseload_rows(published, periods + published_periods))
    synthetic.extend(_audit_grade_rows(published, periods))
    handled = set(CASELOAD_REFS) | set(AUDIT_GRADE_REFS) | {"4.1"}
    service_by_ref: dict[str, list[ValueRow]] = {}
    for measure in catalogue.measures:
        if measure.ref in handled or measure.ref in NO_HISTORY:
            continue
        anchor = _anchor(published, measure.ref)
        if anchor is None:
            continue
        start = HISTORY_START.get(measure.ref, SYNTHETIC_START)
        history = _synthetic_service(measure, anchor, [p for p in periods if p >= start])
        synthetic.extend(history)
        service_by_ref[measure.ref] = history
    council = load_council()
    breakdown = {ref: council.assessment_teams for ref in ASSESSMENT_BREAKDOWN_REFS}
    breakdown.update({ref: council.teams for ref in CASEWORK_BREAKDOWN_REFS})
    for ref, teams in breakdown.items():
        measure = catalogue.measure(ref)
        rows = service_by_ref.get(ref, []) + [row for row in published_rows if row.ref == ref]
        synthetic.extend(_team_rows(measure, rows, teams))
    return DemoData(
        published=published_rows,
        synthetic=synthetic,
        benchmarks=read_benchmarks(),
        synthetic_benchmarks=_synthetic_benchmarks(neighbours),
    )


def load_demo(engine: Engine, catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Write the demo data: the shipped national figures and neighbour groups first (`load_national`), then the
    synthetic history, then the published figures, each as its own upload, then the improvement plan with its
    published progress and synthetic ratings (`load_plan`, counts under "plan"). The synthetic named neighbours of
    3.1 are the council's neighbours in the edition of the groups in force for 2021-22.

    Running it again changes nothing. Returns the write counts of each upload, national file and the plan. Raises
    ValueError if a shipped national or plan file is refused, and on a database error.
    """
    national_counts = load_national(engine)
    demo = build_demo(catalogue, neighbour_names(engine, year=SYNTHETIC_NEIGHBOUR_YEARS[-1]))
    synthetic = recording.record_values(
        engine,
        demo.synthetic,
        UploadInfo(
            kind="demo",
            filename="synthetic-history",
            user_name="demo",
            description="Synthetic history for demonstration: not real data.",
        ),
        benchmark_rows=demo.synthetic_benchmarks,
    )
    published = recording.record_values(
        engine,
        demo.published,
        UploadInfo(
            kind="demo",
            filename=PUBLISHED_FILE.name,
            user_name="demo",
            description=f"Published figures: {PUBLISHED_SOURCE}.",
        ),
        benchmark_rows=demo.benchmarks,
    )
    # The demo's months stand for figures the council has already signed off, so readers see them all.
    with db.write_transaction(engine) as connection:
        publications.publish_months(
            connection,
            sorted({row.period for row in demo.synthetic} | {row.period for row in demo.published}),
            "demo",
        )
    plan_counts = load_plan(engine)
    return {"synthetic": synthetic.counts, "published": published.counts, "plan": plan_counts, **national_counts}


def load_national(engine: Engine) -> dict[str, dict[str, int]]:
    """Import the national files the project ships (NATIONAL_FILES) through the checks of `benchmarks import`.

    Running it again changes nothing. Returns the counts of each file by its name. Raises ValueError, naming the
    file and its first problem, if a shipped file is refused (nothing of that file is written); a database error
    as the import does."""
    counts = {}
    for path in NATIONAL_FILES:
        report = import_national_path(engine, path, user="demo")
        if report.refused:
            raise ValueError(f"the shipped file {path.name} was refused: {report.errors[0].message}")
        counts[path.name] = report.counts
    return counts
