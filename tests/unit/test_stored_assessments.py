"""Assessments made once per data version, kept in the database and read back by every page and every worker.

A second worker is a process whose own copies of the views are empty: the tests empty them (`cache_clear`) and count
the assessments made through the real `measures.assessment.assess._assess`, which every Assessment goes through.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

import measures.assessment.assess as assess_module
from measures.assessment.assess import assess_all
from measures.assessment.stored_form import assessment_from_json, assessment_to_json
from measures.storage import assessments as stored
from measures.storage import catalogue_records, chart_changes, db, reads, versioning
from measures.storage.edits import TargetChange, change_target
from measures.views import measure as measure_view
from measures.views import overview as overview_view
from measures.views.area import build_area
from measures.views.drilldown import team_breakdown
from measures.views.measure import build_measure_detail
from measures.views.overview import build_overview, load_overview_inputs, overview_model


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The ref of every assessment made while the test runs."""
    refs: list[str] = []
    real = assess_module._assess

    def counting(measure, rows, period, window):
        refs.append(measure.ref)
        return real(measure, rows, period, window)

    monkeypatch.setattr(assess_module, "_assess", counting)
    return refs


def _another_worker() -> None:
    overview_view._overview_for_version.cache_clear()
    measure_view._detail_for_version.cache_clear()


@pytest.fixture
def engine(demo_engine):
    _another_worker()
    chart_changes.add_process_change(demo_engine, "3.1", "2022-02", reason="MASH co-located", actor="admin.a")
    chart_changes.set_baseline(demo_engine, "2.1", "2021-04", "2022-03", reason="The year before", actor="admin.a")
    change_target(
        demo_engine, "3.1", TargetChange(kind="at_least", low=75.0), "admin.a", effective_from="2022-12", reason="B"
    )
    yield demo_engine
    _another_worker()


def test_every_assessment_of_every_month_reads_back_whole_and_equal(engine):
    catalogue = catalogue_records.read_catalogue(engine)
    series = reads.service_series(engine)
    checked = 0
    for period in reads.available_periods(engine):
        for assessment in assess_all(catalogue.measures, series, period):
            again = assessment_from_json(assessment_to_json(assessment))
            assert again == assessment
            assert again.spc == assessment.spc  # not part of Assessment's equality: compared on its own
            assert again.spc_periods == assessment.spc_periods and isinstance(again.spc_periods, tuple)
            checked += 1
    assert checked > 500
    recalculated = assess_all([catalogue.measure("3.1")], series, "2023-01")[0]
    assert recalculated.spc.segments and recalculated.spc.original is not None  # the hard case is among them
    baseline = assess_all([catalogue.measure("2.1")], series, "2023-01")[0]
    assert any(segment.fixed_on for segment in baseline.spc.segments)


def test_text_that_is_not_a_stored_assessment_is_refused_not_misread():
    for text in ("", "[]", '{"form": 99, "assessment": {}}', '{"form": 1, "assessment": {"ref": "1.1"}}'):
        with pytest.raises(ValueError):
            assessment_from_json(text)


def test_another_workers_first_render_of_any_page_assesses_nothing_already_assessed(engine, made):
    catalogue = catalogue_records.read_catalogue(engine)
    first = build_overview(engine)
    assert sorted(made) == sorted(measure.ref for measure in catalogue.measures)
    made.clear()
    _another_worker()
    again = build_overview(engine)
    area = build_area(engine, catalogue.measure("3.1").area)
    detail = build_measure_detail(engine, "3.1")
    assert made == []
    assert [row.assessment for row in again.rows] == [row.assessment for row in first.rows]
    assert [row.assessment.spc for row in again.rows] == [row.assessment.spc for row in first.rows]
    by_ref = {row.measure.ref: row.assessment for row in first.rows}
    assert all(card.row.assessment == by_ref[card.measure.ref] for card in area.cards)
    assert detail.assessment == by_ref["3.1"] and detail.assessment.spc == by_ref["3.1"].spc


def test_the_teams_page_reads_the_overviews_assessment_and_stores_its_own(engine, made):
    overview = {row.measure.ref: row.assessment for row in build_overview(engine, period="2023-01").rows}
    made.clear()
    breakdown = team_breakdown(engine, "3.1", "2023-01")
    assert made == []
    assert breakdown.service_assessment == overview["3.1"]
    with db.write_transaction(engine) as connection:
        versioning.advance(connection)
    _another_worker()
    assert team_breakdown(engine, "3.1", "2023-01").service_assessment == overview["3.1"]
    assert made == ["3.1"]
    made.clear()
    build_measure_detail(engine, "3.1", "2023-01")
    assert made == []


def test_the_measure_page_stores_what_it_assessed_for_the_overview(engine, made):
    build_measure_detail(engine, "3.1", "2023-01")
    assert made == ["3.1"]
    made.clear()
    _another_worker()
    build_overview(engine, period="2023-01")
    assert "3.1" not in made and len(made) == len(catalogue_records.read_catalogue(engine).measures) - 1


def test_what_is_stored_is_what_would_be_assessed_afresh_for_each_reader(engine):
    catalogue = catalogue_records.read_catalogue(engine)
    # September 2022 not published: as at October the readers of published months have no previous month to compare.
    published = frozenset(p for p in reads.available_periods(engine) if p <= "2022-10" and p != "2022-09")
    for visible in (None, published, None, published):  # each reader's twice: the second read back
        _another_worker()
        model = build_overview(engine, period="2022-10", visible=visible)
        fresh = overview_model(load_overview_inputs(engine, catalogue, "2022-10", visible))
        assert [row.assessment for row in model.rows] == [row.assessment for row in fresh.rows]
    everything = {row.measure.ref: row.assessment for row in build_overview(engine, period="2022-10").rows}
    readers = {row.measure.ref: row.assessment for row in build_overview(engine, "2022-10", visible=published).rows}
    # A reader of published months is never handed the officers' assessment.
    assert all(readers[ref].previous is None for ref in readers)
    assert any(everything[ref].previous is not None for ref in everything)


def test_a_write_makes_assessments_afresh_and_drops_the_old_data_versions(engine, made):
    build_overview(engine)
    before = stored.stored_count(engine)
    assert before == len(catalogue_records.read_catalogue(engine).measures)
    with db.write_transaction(engine) as connection:
        versioning.advance(connection)
    made.clear()
    _another_worker()
    build_overview(engine)
    assert len(made) == before
    assert stored.stored_count(engine) == before  # only the new data version's


def test_the_key_names_everything_an_assessment_depends_on(engine):
    version = reads.data_version(engine)
    measure = catalogue_records.read_catalogue(engine).measure("1.1")
    key = stored.assessment_key(version, measure, "2023-01", None, 3)
    assert key == stored.assessment_key(version, measure, "2023-01", None, 3)
    assert key != stored.assessment_key(version, replace(measure, decimals=measure.decimals + 1), "2023-01", None, 3)
    assert key != stored.assessment_key(version, measure, "2022-12", None, 3)
    assert key != stored.assessment_key(version, measure, "2023-01", frozenset({"2023-01"}), 3)
    assert key != stored.assessment_key(version, measure, "2023-01", None, 4)
    assert key != stored.assessment_key(version + "0", measure, "2023-01", None, 3)


def test_a_different_rating_window_is_never_served_another_windows_assessment(engine, monkeypatch):
    build_overview(engine, period="2023-01")
    _another_worker()
    monkeypatch.setenv("MEASURES_RATING_WINDOW_MONTHS", "1")
    catalogue = catalogue_records.read_catalogue(engine)
    model = build_overview(engine, period="2023-01")
    fresh = overview_model(load_overview_inputs(engine, catalogue, "2023-01"))
    assert [row.assessment for row in model.rows] == [row.assessment for row in fresh.rows]


def test_two_servers_on_one_database_share_the_assessments_and_the_notes(any_engine, made):
    from measures.domain.periods import period_range
    from measures.storage import recording
    from measures.storage.recording import UploadInfo, ValueRow

    rows = [
        ValueRow(ref, period, value=40.0 + index % 7, note="Checked" if period == "2022-06" else "")
        for ref in ("1.1", "3.1")
        for index, period in enumerate(period_range("2021-01", "2022-12"))
    ]
    recording.record_values(any_engine, rows, UploadInfo(kind="import", filename="return.xlsx"))
    _another_worker()
    first = build_overview(any_engine, period="2022-12")
    assert made
    made.clear()
    other_server = db.make_engine(any_engine.url.render_as_string(hide_password=False))
    try:
        _another_worker()
        again = build_overview(other_server, period="2022-12")
        assert made == []
        assert [row.assessment for row in again.rows] == [row.assessment for row in first.rows]
        notes = reads.service_series(other_server, refs=["1.1"], since="2022-05", up_to="2022-07")
        assert notes["note"].tolist() == ["", "Checked", ""]
        # A second store of the same assessments (another worker was as quick) is no error and changes nothing.
        version = reads.data_version(other_server)
        catalogue = catalogue_records.read_catalogue(other_server)
        key = stored.assessment_key(version, catalogue.measure("1.1"), "2022-12", None, 3)
        assert stored.keep_assessments(other_server, version, [(key, first.rows[0].assessment)])
        assert stored.stored_count(other_server) == len(first.rows)
    finally:
        other_server.dispose()
        _another_worker()


def test_a_new_release_of_the_assessing_code_never_reads_an_older_releases_assessments(monkeypatch):
    from measures.domain.catalogue import load_catalogue
    from measures.storage import assessments

    measure = load_catalogue().measures[0]
    before = assessments.assessment_key("g:1", measure, "2023-01", None, 3)
    monkeypatch.setattr(assessments, "CODE_FINGERPRINT", "another release")
    assert assessments.assessment_key("g:1", measure, "2023-01", None, 3) != before
