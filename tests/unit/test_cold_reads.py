"""A page's first render reads only what it shows: whether a measure has team figures is asked of the database, not
learnt by fetching every team's figures, and the teams page reads the months its trends show, not every month.

Every frame the reads hand back is recorded through the real `reads._frame`, so the tests see exactly which rows left
the database. Against the demo: measure 3.1 has figures for four assessment teams in every month from April 2021 to
January 2023 (88 team rows), and 2.2 has worker caseloads.
"""

from __future__ import annotations

import pandas as pd
import pytest

from measures.storage import catalogue_records, reads
from measures.views.area import load_area_inputs
from measures.views.drilldown import TEAM_TREND_MONTHS, load_team_inputs, team_breakdown
from measures.views.measure import load_measure_inputs


@pytest.fixture
def frames(monkeypatch) -> list[pd.DataFrame]:
    """Every frame `reads` builds from a query while the test runs."""
    seen: list[pd.DataFrame] = []
    real = reads._frame

    def recording(connection, statement, params=None):
        frame = real(connection, statement, params)
        seen.append(frame)
        return frame

    monkeypatch.setattr(reads, "_frame", recording)
    return seen


def _team_rows(frames: list[pd.DataFrame]) -> int:
    return sum(int((frame["team"] != "").sum()) for frame in frames if "team" in frame)


def _worker_rows(frames: list[pd.DataFrame]) -> int:
    return sum(int((frame["worker"] != "").sum()) for frame in frames if "worker" in frame)


def test_the_measure_page_asks_whether_teams_exist_without_reading_their_figures(demo_engine, frames):
    catalogue = catalogue_records.read_catalogue(demo_engine)
    inputs = load_measure_inputs(demo_engine, catalogue, "3.1")
    assert inputs.has_team_figures is True
    assert _team_rows(frames) == 0
    assert load_measure_inputs(demo_engine, catalogue, "1.1").has_team_figures is False


def test_the_area_page_asks_which_measures_have_teams_in_one_query_reading_no_team_figure(demo_engine, frames):
    catalogue = catalogue_records.read_catalogue(demo_engine)
    area = catalogue.measure("3.1").area
    inputs = load_area_inputs(demo_engine, catalogue, area, "2023-01")
    assert "3.1" in inputs.refs_with_teams
    assert _team_rows(frames) == 0


def test_the_teams_page_reads_only_the_months_its_trends_show_and_no_worker_figure(demo_engine, frames):
    inputs = load_team_inputs(demo_engine, "3.1", "2023-01")
    assert _team_rows(frames) == 4 * TEAM_TREND_MONTHS  # four teams, twelve months; not all 88 rows
    assert inputs.available_periods[0] == "2021-04" and inputs.available_periods[-1] == "2023-01"
    frames.clear()
    assert team_breakdown(demo_engine, "2.2", "2023-01").has_workers
    assert _worker_rows(frames) == 0


def test_team_figures_of_months_a_reader_may_not_see_count_for_nothing(demo_engine):
    assert reads.has_team_figures(demo_engine, "3.1", frozenset({"2023-01"}))
    assert not reads.has_team_figures(demo_engine, "3.1", frozenset({"2019-01"}))
    assert not reads.has_team_figures(demo_engine, "3.1", frozenset())
    assert reads.refs_with_team_figures(demo_engine, ["3.1", "1.1"], "2023-01") == frozenset({"3.1"})
    assert reads.refs_with_team_figures(demo_engine, ["3.1"], "2023-01", frozenset({"2022-12"})) == frozenset()
    assert reads.refs_with_team_figures(demo_engine, [], "2023-01") == frozenset()
    assert reads.team_periods(demo_engine, "3.1", frozenset({"2022-12", "2023-01", "2030-01"})) == [
        "2022-12",
        "2023-01",
    ]
    assert reads.teams_with_workers(demo_engine, "2.2", "2023-01", frozenset({"2022-12"})) == frozenset()
    assert reads.teams_with_workers(demo_engine, "3.1", "2023-01") == frozenset()


def test_a_measure_without_team_figures_opens_on_its_own_latest_month(demo_engine):
    latest = reads.latest_period(demo_engine, ref="1.1")
    assert latest is not None
    assert team_breakdown(demo_engine, "1.1").period == latest
    assert reads.latest_period(demo_engine, frozenset({"2022-06"}), "1.1") == "2022-06"


def test_the_service_series_carries_each_note_on_its_own_figure_and_none_of_a_month_not_visible(engine):
    from measures.storage import recording
    from measures.storage.recording import UploadInfo, ValueRow

    recording.record_values(
        engine,
        [
            ValueRow("1.1", "2022-11", value=50.0, note="Late returns from two teams"),
            ValueRow("1.1", "2022-12", value=52.0),
            ValueRow("1.2", "2022-11", value=49.0),
            ValueRow("1.2", "2022-12", value=51.0, note="Provisional"),
        ],
        UploadInfo(kind="import", filename="notes.xlsx"),
    )
    frame = reads.service_series(engine, refs=["1.1", "1.2"])
    assert list(frame.columns) == ["ref", "period", "numerator", "denominator", "value", "status", "note", "synthetic"]
    notes = {
        (ref, period): note for ref, period, note in zip(frame["ref"], frame["period"], frame["note"], strict=True)
    }
    assert notes[("1.1", "2022-11")] == "Late returns from two teams"
    assert notes[("1.2", "2022-12")] == "Provisional"
    assert notes[("1.1", "2022-12")] == notes[("1.2", "2022-11")] == ""
    hidden = reads.service_series(engine, refs=["1.1", "1.2"], visible=frozenset({"2022-12"}))
    assert hidden[["ref", "note"]].values.tolist() == [["1.1", ""], ["1.2", "Provisional"]]
    assert reads.service_series(engine, refs=["9.9"]).empty
