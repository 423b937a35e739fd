"""Events, process changes, baselines and targets with an effective month: kept as histories, audited, versioned,
and read back with the catalogue so every reader rates and charts a measure the same way."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from measures.domain.catalogue import Target
from measures.storage import audit, catalogue_records, chart_changes, db, versioning
from measures.storage.edits import EditError, TargetChange, change_target


def _rows(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _version(engine) -> str:
    with engine.connect() as connection:
        return versioning.current(connection)


def test_an_event_is_recorded_as_typed_audited_and_removed_by_a_new_version(any_engine):
    before = _version(any_engine)
    event = chart_changes.add_event(any_engine, "3.1", "2022-08", "  MASH <b>co-located</b> ", actor="officer.o")
    assert event.text == "MASH <b>co-located</b>"
    assert _version(any_engine) != before
    assert [e.text for e in chart_changes.chart_events(any_engine, "3.1")] == ["MASH <b>co-located</b>"]
    assert chart_changes.chart_events(any_engine, "3.1", visible=frozenset({"2022-07"})) == []
    assert chart_changes.chart_events(any_engine, "3.2") == []
    with pytest.raises(chart_changes.ChartChangeError) as refused:
        chart_changes.remove_event(any_engine, event.key, reason=" ", actor="officer.o")
    assert "reason" in str(refused.value)
    chart_changes.remove_event(any_engine, event.key, reason="Wrong measure", actor="officer.o")
    assert chart_changes.chart_events(any_engine, "3.1") == []
    assert _rows(any_engine, db.chart_events) == 2  # the first version is kept
    with pytest.raises(KeyError):
        chart_changes.remove_event(any_engine, event.key, reason="Again", actor="officer.o")
    actions = list(audit.audit_frame(any_engine)["action"])
    assert "chart.event_added" in actions and "chart.event_removed" in actions


def test_every_problem_with_an_event_is_said_at_once(any_engine):
    with pytest.raises(chart_changes.ChartChangeError) as refused:
        chart_changes.add_event(any_engine, "99.9", "August", "", actor="officer.o")
    assert len(refused.value.problems) == 3
    with pytest.raises(chart_changes.ChartChangeError):
        chart_changes.add_event(any_engine, "3.1", "2022-08", "x" * 201, actor="officer.o")
    assert _rows(any_engine, db.chart_events) == 0


def test_process_changes_and_a_baseline_reach_the_catalogue_read(any_engine):
    change = chart_changes.add_process_change(any_engine, "3.1", "2022-03", reason="MASH co-located", actor="admin.a")
    with pytest.raises(chart_changes.ChartChangeError, match="already recalculated from March 2022"):
        chart_changes.add_process_change(any_engine, "3.1", "2022-03", reason="Again", actor="admin.a")
    with pytest.raises(chart_changes.ChartChangeError) as refused:
        chart_changes.set_baseline(any_engine, "3.1", "2022-06", "2021-06", reason="", actor="admin.a")
    assert len(refused.value.problems) == 2
    chart_changes.set_baseline(
        any_engine, "3.1", "2020-04", "2021-03", reason="Before the new front door", actor="admin.a"
    )
    chart_changes.set_baseline(any_engine, "3.1", "2020-05", "2021-04", reason="A year from May", actor="admin.a")
    measure = catalogue_records.read_catalogue(any_engine).measure("3.1")
    assert [(c.period, c.reason) for c in measure.process_changes] == [("2022-03", "MASH co-located")]
    assert (measure.baseline.first, measure.baseline.last) == ("2020-05", "2021-04")  # the new one replaced the old
    chart_changes.remove_spc_change(any_engine, change.key, reason="Recorded by mistake", actor="admin.a")
    measure = catalogue_records.read_catalogue(any_engine).measure("3.1")
    assert measure.process_changes == ()
    assert [c.kind for c in chart_changes.spc_changes(any_engine, "3.1")] == ["baseline"]


def test_a_target_with_an_effective_month_keeps_the_earlier_months_target(any_engine):
    old = catalogue_records.read_catalogue(any_engine).measure("3.1").target
    with pytest.raises(EditError, match="reason"):
        change_target(any_engine, "3.1", TargetChange(kind="at_least", low=95.0), "admin.a", effective_from="2023-04")
    change_target(
        any_engine, "3.1", TargetChange(kind="at_least", low=95.0), "admin.a", effective_from="2023-04", reason="Board"
    )
    measure = catalogue_records.read_catalogue(any_engine).measure("3.1")
    assert measure.target_for("2023-03") == old
    assert measure.target_for("2023-04") == Target(kind="at_least", low=95.0)
    assert measure.target == Target(kind="at_least", low=95.0)
    # Once the target has a history, a new target needs its month; the objective alone may still change.
    with pytest.raises(EditError, match="Choose the month the new target of 3.1 applies from"):
        change_target(any_engine, "3.1", TargetChange(kind=None), "admin.a")
    change_target(any_engine, "3.1", TargetChange(kind=None), "admin.a", effective_from="2024-04", reason="Dropped")
    measure = catalogue_records.read_catalogue(any_engine).measure("3.1")
    assert measure.target_for("2023-03") == old and measure.target_for("2024-04") is None
    assert _rows(any_engine, db.target_history) == 3
    details = list(audit.audit_frame(any_engine, action="catalogue.target_changed")["detail"])
    assert sorted((d["effective_from"], d["reason"]) for d in details) == [("2023-04", "Board"), ("2024-04", "Dropped")]


def test_a_new_target_always_needs_its_month_so_earlier_months_keep_theirs(any_engine):
    with pytest.raises(EditError, match="Choose the month the new target of 3.2 applies from"):
        change_target(any_engine, "3.2", TargetChange(kind="at_least", low=90.0), "admin.a", reason="Board")
    assert _rows(any_engine, db.target_history) == 0


def test_a_target_dated_before_a_later_one_does_not_become_the_current_target(any_engine):
    # 99% from December 2022, then a correction dated June 2022 to 50%: from December the 99% still applies, so the
    # measure's current target (shown on the targets page and the template) stays 99%, and June to November get 50%.
    change_target(
        any_engine, "3.1", TargetChange(kind="at_least", low=99.0), "admin.a", effective_from="2022-12", reason="A"
    )
    change_target(
        any_engine, "3.1", TargetChange(kind="at_least", low=50.0), "admin.a", effective_from="2022-06", reason="B"
    )
    measure = catalogue_records.read_catalogue(any_engine).measure("3.1")
    assert measure.target == Target(kind="at_least", low=99.0)
    assert measure.target_for("2023-01") == measure.target
    assert measure.target_for("2022-08") == Target(kind="at_least", low=50.0)


def test_a_target_out_of_reach_or_dated_out_of_range_is_refused_with_every_problem(any_engine):
    with pytest.raises(EditError) as refused:
        change_target(
            any_engine,
            "3.1",
            TargetChange(kind="at_least", low=1e308, tolerance=-1),
            "admin.a",
            effective_from="2999-12",
            reason="Board",
        )
    message = str(refused.value)
    assert "The low value of a percentage must be from 0 to 100." in message
    assert "The amber tolerance cannot be negative." in message
    assert "December 2999 is outside that" in message
    with pytest.raises(EditError, match="January 1900 is outside that"):
        change_target(
            any_engine, "3.1", TargetChange(kind="at_least", low=90), "admin.a", effective_from="1900-01", reason="B"
        )
    assert _rows(any_engine, db.target_history) == 0
