"""The same code on SQLite and PostgreSQL: demo and assessment agree, a refused file writes nothing, and two
imports at once both land without interleaving."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from sqlalchemy import func, select

from measures.assessment import assess_period
from measures.cli.demo import load_demo
from measures.returns import import_return
from measures.storage import catalogue_records, db, reads, staging
from tests.returns.builders import template_row, template_workbook

TABLES = (db.uploads, db.observations, db.observation_revisions, db.benchmarks, db.commentary)


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES}


def test_demo_and_assessment_agree_across_databases(any_engine, demo_engine, catalogue):
    load_demo(any_engine, catalogue)
    columns = ["ref", "period", "value", "previous", "direction", "judgement", "rag", "variation", "assurance"]
    results = [
        assess_period(catalogue.measures, reads.service_series(engine, up_to="2023-01"), "2023-01")[columns]
        for engine in (any_engine, demo_engine)
    ]
    pd.testing.assert_frame_equal(results[0], results[1])
    assert reads.export_frame(any_engine).equals(reads.export_frame(demo_engine))


def test_a_refused_file_writes_nothing(any_engine, tmp_path):
    before = _counts(any_engine)
    path = template_workbook(
        tmp_path / "broken.xlsx",
        [
            template_row("3.1", "2023-01", numerator=236, denominator=304),
            template_row("3.1", "2023-01", numerator=310, denominator=304),
        ],
    )
    report = import_return(any_engine, path, today=pd.Timestamp("2023-02-28").date())
    assert report.status == "refused"
    assert _counts(any_engine) == before


def test_two_imports_at_once_both_land_one_after_the_other(any_engine, tmp_path):
    files = [
        template_workbook(
            tmp_path / f"return-{index}.xlsx",
            [
                template_row(measure.ref, period, value=10 + index)
                for measure in catalogue_records.read_catalogue(any_engine).measures
                if measure.unit == "count"
                for period in ("2022-10", "2022-11", "2022-12")
            ],
        )
        for index in range(2)
    ]
    # The second file revises every figure of the first: interleaving would leave a mixture.
    reports: list = [None, None]
    start = threading.Barrier(2)

    def run(index: int) -> None:
        start.wait()
        reports[index] = import_return(
            any_engine, files[index], user=f"officer.{index}", today=pd.Timestamp("2023-02-28").date()
        )

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status for r in reports] == ["imported", "imported"]
    added = sorted(r.counts["added"] for r in reports)
    revised = sorted(r.counts["revised"] for r in reports)
    figures = reports[0].counts["values"]
    assert added == [0, figures] and revised == [0, figures], (added, revised)
    last = next(r for r in reports if r.counts["revised"])
    stored = reads.service_series(any_engine)["value"].unique().tolist()
    winner = 10 + reports.index(last)
    assert stored == [float(winner)], "every figure comes from the import that committed last"
    assert _counts(any_engine)["observation_revisions"] == figures
    assert _counts(any_engine)["uploads"] == 2


@pytest.mark.parametrize("period", ["2022-12", "2023-01"])
def test_published_figures_read_the_same_from_postgresql(any_engine, catalogue, period):
    load_demo(any_engine, catalogue)
    series = reads.service_series(any_engine, refs=["3.1"])
    row = series[series["period"] == period].iloc[0]
    expected = {"2022-12": (198, 291), "2023-01": (236, 304)}[period]
    assert (row["numerator"], row["denominator"]) == expected
    assert not row["synthetic"]


def test_staged_files_keep_to_their_limits_on_both_databases(any_engine, monkeypatch):
    monkeypatch.setenv("MEASURES_STAGED_TOTAL_MB", "1")
    monkeypatch.setenv("MEASURES_STAGED_FILES_PER_USER", "2")
    for token in ("a1", "a2", "a3"):  # the third replaces the first: two each
        staging.stage_upload(any_engine, token, f"{token}.xlsx", "0" * 64, bytes(1000), "Olu Officer")
    staging.stage_upload(any_engine, "b1", "b1.xlsx", "0" * 64, bytes(500_000), "Ada Admin")
    assert [staging.staged_upload(any_engine, token) is not None for token in ("a1", "a2", "a3", "b1")] == [
        False,
        True,
        True,
        True,
    ]
    with pytest.raises(staging.StagingFull, match="cannot be held for confirmation"):
        staging.stage_upload(any_engine, "b2", "b2.xlsx", "0" * 64, bytes(600_000), "Vera Viewer")
    staging.stage_upload(any_engine, "b2", "b2.xlsx", "0" * 64, bytes(540_000), "Ada Admin")  # just fits beside b1
    assert staging.staged_upload(any_engine, "b1") is not None and staging.staged_upload(any_engine, "b2") is not None
