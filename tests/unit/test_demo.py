"""Demo data: the real published figures, and a synthetic history that is deterministic, labelled and consistent."""

from __future__ import annotations

import pandas as pd
import pytest

from measures.cli.demo import build_demo
from measures.domain.council import load_council
from measures.domain.national_reference import load_areas
from measures.storage import reads
from tests.national_data import EDITIONS, workbook_groups


def _april_2021_neighbours() -> tuple[str, ...]:
    """The council's neighbours in DfE's April 2021 groups, by name, read from the shipped workbook."""
    areas = load_areas()
    group = workbook_groups(EDITIONS["April 2021"])[load_council().la_code]
    return tuple(areas.find(code).name for code, _ in group)


@pytest.fixture(scope="module")
def demo(catalogue):
    return build_demo(catalogue, _april_2021_neighbours())


def test_the_demo_is_deterministic(catalogue, demo):
    assert build_demo(catalogue, _april_2021_neighbours()) == demo


@pytest.mark.parametrize(
    ("ref", "period", "numerator", "denominator", "value"),
    [
        ("3.1", "2022-12", 198, 291, 198 / 291 * 100),  # typed 69.0% in the paper; the counts say 68.0%
        ("3.1", "2023-01", 236, 304, 236 / 304 * 100),
        ("8.1", "2023-01", 627, 987, 627 / 987 * 100),
        ("1.1", "2022-12", 42, 108, 42 / 108 * 100),
        ("2.2", "2023-01", None, None, 17.2),
        ("2.3", "2023-01", None, None, 12),
    ],
)
def test_published_figures_are_loaded_as_published(demo_engine, ref, period, numerator, denominator, value):
    series = reads.service_series(demo_engine, refs=[ref])
    row = series[series["period"] == period].iloc[0]
    if numerator is None:
        assert pd.isna(row["numerator"]) and pd.isna(row["denominator"])
    else:
        assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    assert row["value"] == pytest.approx(value)
    assert not row["synthetic"]


def test_tbc_and_new_are_kept_as_statuses_never_zero(demo_engine):
    series = reads.service_series(demo_engine, refs=["2.6", "10.1"])
    assert series[["ref", "period", "status"]].values.tolist() == [
        ["10.1", "2022-12", "new"],
        ["10.1", "2023-01", "tbc"],
        ["2.6", "2022-12", "tbc"],
        ["2.6", "2023-01", "tbc"],
    ]
    assert series["value"].isna().all()


def test_history_before_the_published_months_is_synthetic(demo):
    assert all(row.synthetic for row in demo.synthetic)
    assert all(row.period <= "2022-11" or row.team for row in demo.synthetic)
    assert not any(row.synthetic for row in demo.published)
    assert {row.ref for row in demo.synthetic if row.period == "2021-04" and not row.team} >= {"3.1", "2.2", "4.1"}


def test_unreported_measures_get_no_invented_history(demo):
    assert not [row for row in demo.synthetic if row.ref in {"2.6", "3.4", "7.3", "9.3", "10.1"}]


def test_teams_add_up_to_the_service(demo):
    rows = demo.published + demo.synthetic
    for period in ("2021-04", "2022-12", "2023-01"):
        service = next(r for r in rows if r.ref == "3.1" and r.period == period and not r.team)
        teams = [r for r in rows if r.ref == "3.1" and r.period == period and r.team and not r.worker]
        assert sorted(r.team for r in teams) == list(load_council().assessment_teams)
        assert sum(r.numerator for r in teams) == service.numerator
        assert sum(r.denominator for r in teams) == service.denominator


@pytest.mark.parametrize(("period", "average", "above_24"), [("2022-12", 17.0, 10), ("2023-01", 17.2, 12)])
def test_worker_caseloads_reproduce_the_published_average_and_count(demo, period, average, above_24):
    caseloads = [r.value for r in demo.synthetic if r.ref == "2.2" and r.period == period and r.worker]
    assert round(sum(caseloads) / len(caseloads), 1) == average
    assert sum(load > 24 for load in caseloads) == above_24
    assert all(r.synthetic for r in demo.synthetic if r.worker)


def test_audit_grades_add_up_to_the_audits_completed(demo):
    rows = [r for r in demo.synthetic if r.period == "2022-03" and not r.team]
    audits = next(r.value for r in rows if r.ref == "4.1")
    grades = [r.numerator for r in rows if r.ref in ("4.2", "4.3", "4.4", "4.5")]
    assert sum(grades) == audits


def test_benchmarks_include_the_published_assessment_comparators(demo):
    published = {(b["comparator"], b["value"]) for b in demo.benchmarks if b["ref"] == "3.1"}
    assert published == {("Herefordshire", 77.0), ("Statistical neighbours", 87.0), ("England", 88.0)}
    neighbours = [b["value"] for b in demo.synthetic_benchmarks if b["year"] == "2021-22"]
    assert len(neighbours) == 10 and round(sum(neighbours) / 10) == 87
    assert all(b["synthetic"] for b in demo.synthetic_benchmarks)
    named = [b["comparator"] for b in demo.synthetic_benchmarks if b["year"] == "2021-22"]
    assert named == list(_april_2021_neighbours()) and named[0] == "Shropshire"  # sn_april_2021.xlsx: 884 -> 893


def test_without_neighbour_groups_the_demo_names_no_neighbours(catalogue):
    assert build_demo(catalogue).synthetic_benchmarks == []


def test_a_new_demo_names_the_neighbours_of_the_groups_it_imports(demo_engine):
    named = reads.benchmark_frame(demo_engine, refs=["3.1"])
    in_2021_22 = named[named["year"] == "2021-22"]["comparator"].tolist()
    assert set(_april_2021_neighbours()) <= set(in_2021_22)
