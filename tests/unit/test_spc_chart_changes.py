"""The measure's SPC chart with a recalculation, a baseline, events, completed actions and targets as they were."""

from __future__ import annotations

import json

from dashboard.components.charts.spc_chart import chart_reading, recalculation_sentences, spc_figure
from measures.domain.catalogue import Target
from measures.domain.periods import long_label
from measures.storage import chart_changes, plan
from measures.storage.edits import TargetChange, change_target
from measures.views.measure import build_measure_detail

EVENT = "MASH <b>co-located</b>"


def _names(figure) -> list[str]:
    return [trace.get("name") or "" for trace in figure["data"]]


def test_each_segment_has_its_own_average_and_the_original_view_is_one_click_away(demo_engine):
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    assert len(detail.spc_periods) == 22  # the demonstration's months for 3.1
    first, last = detail.spc_periods[0], detail.spc_periods[-1]
    change = detail.spc_periods[10]  # ten months before it, twelve from it
    chart_changes.add_process_change(demo_engine, "3.1", change, reason="MASH co-located", actor="admin.a")
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    assert [(s.start, s.stop) for s in detail.spc.segments] == [(0, 10), (10, 22)]
    figure = spc_figure(detail)
    averages = [trace for trace in figure["data"] if (trace.get("name") or "").startswith("Average ")]
    # The ten months before the change are too few for limits (twelve, NHS England's rule): only the latest draws.
    assert [trace["name"].split(" (")[0] for trace in averages] == [f"Average from {long_label(change)}"]
    assert (averages[0]["x"][0], averages[0]["x"][1]) == (f"{change}-01", f"{last}-01")
    original = [trace for trace in figure["data"] if trace.get("legendgroup") == "original"]
    assert original and all(trace["visible"] == "legendonly" for trace in original)
    assert original[0]["x"][0] == f"{first}-01"
    # The ten months without limits of their own are not called normal variation.
    kinds = [detail.point_kind(point) for _, point in detail.spc_points]
    assert set(kinds[:10]) == {"unassessed"} and "unassessed" not in kinds[10:]
    sentences = recalculation_sentences(detail)
    assert sentences[0] == f"Limits recalculated from {long_label(change)}: MASH co-located."
    assert sentences[1].startswith(f"Up to {long_label(detail.spc_periods[9])}: 10 months, fewer than the 12")
    assert sentences[-1].startswith("Without the recalculation: average")
    assert "the limits the latest month is read against" in chart_reading(detail)


def test_events_are_numbered_markers_with_their_text_escaped(demo_engine):
    chart_changes.add_event(demo_engine, "3.1", "2022-08", EVENT, actor="officer.o")
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    assert [(note.period, note.text, note.kind) for note in detail.events if note.kind == "event"] == [
        ("2022-08", EVENT, "event")
    ]
    figure = spc_figure(detail)
    (events,) = [trace for trace in figure["data"] if (trace.get("name") or "").startswith("Event or action")]
    # The demonstration's completed actions linked to 3.1 are events too; the one noted here is among them.
    marked = list(zip(events["x"], (data[1] for data in events["customdata"]), events["y"], strict=True))
    assert ("2022-08-01", "MASH &lt;b&gt;co-located&lt;/b&gt;") in [(x, text) for x, text, _ in marked]
    august = [height for x, _, height in marked if x == "2022-08-01"]
    assert len(set(august)) == len(august)  # stacked, not drawn over each other
    assert list(events["text"]) == [str(number) for number in range(1, len(detail.events) + 1)]
    # Not shown as at a month before the event.
    assert build_measure_detail(demo_engine, "3.1", "2022-07").events == ()
    # A reader of published months only does not see an event in a month they cannot see.
    hidden = build_measure_detail(demo_engine, "3.1", "2022-07", visible=frozenset({"2022-06", "2022-07"}))
    assert all(note.period != "2022-08" for note in hidden.events)


def test_a_completed_action_linked_to_the_measure_is_an_event_in_its_completion_month(demo_engine):
    plan.add_action(
        demo_engine,
        number="3.99",
        area=3,
        text="Co-locate the MASH",
        lead="Head of service",
        deadline="2022-09",
        deadline_text="September 2022",
        measures=("3.1",),
        actor="admin.a",
        reason="Test action",
    )
    plan.record_ratings(
        demo_engine,
        [
            plan.RatingRow("3.99", "2022-06", "green", "Started"),
            plan.RatingRow("3.99", "2022-07", "blue", "Done"),
            plan.RatingRow("3.99", "2022-08", "blue", "Done"),
        ],
        actor="officer.o",
        source="page",
        reason="The test's months are published",
    )
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    assert ("2022-07", "3.99 Co-locate the MASH", "action") in [(n.period, n.text, n.kind) for n in detail.events]
    figure = json.dumps(spc_figure(detail), default=str)
    assert "Action completed: 3.99 Co-locate the MASH" in figure


def test_the_target_is_drawn_as_it_was_in_each_month(demo_engine):
    # 3.1 has no target in the catalogue: at least 90 from April 2022, then at least 95 from October 2022.
    assert build_measure_detail(demo_engine, "3.1", "2023-01").measure.target is None
    for month, low in (("2022-04", 90.0), ("2022-10", 95.0)):
        change_target(
            demo_engine, "3.1", TargetChange(kind="at_least", low=low), "admin.a", effective_from=month, reason="Board"
        )
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    targets = [trace for trace in spc_figure(detail)["data"] if (trace.get("name") or "").startswith("Target")]
    assert [trace["name"] for trace in targets] == [
        "Target: at least 90 (from April 2022)",
        "Target: at least 95 (from October 2022)",
    ]
    before, after = targets
    # Nothing before April 2022 (no target then); the earlier step runs to where the later begins.
    assert (before["x"][0], before["x"][1], after["x"][0]) == ("2022-04-01", "2022-10-01", "2022-10-01")
    assert (before["y"][0], after["y"][0]) == (90.0, 95.0)
    # Each month is rated against the target of its own month.
    assert build_measure_detail(demo_engine, "3.1", "2022-03").assessment.has_target is False
    assert build_measure_detail(demo_engine, "3.1", "2022-05").measure.target_for("2022-05").low == 90.0


def test_every_reader_words_and_rates_the_month_s_own_target(demo_engine):
    from measures.views.area import build_area
    from measures.views.drilldown import team_breakdown
    from measures.views.overview import build_overview

    change_target(
        demo_engine, "3.1", TargetChange(kind="at_least", low=90.0), "admin.a", effective_from="2022-10", reason="Board"
    )

    def overview_row(period: str):
        model = build_overview(demo_engine, period)
        return next(row for _, rows in model.groups for row in rows if row.measure.ref == "3.1")

    before, after = overview_row("2022-09"), overview_row("2023-01")
    assert (before.measure.target, before.assessment.has_target, before.assessment.rag) == (None, False, "none")
    assert after.measure.target == Target(kind="at_least", low=90.0) and after.assessment.has_target
    card = next(card for card in build_area(demo_engine, 3, "2022-09").cards if card.measure.ref == "3.1")
    assert card.measure.target is None
    assert build_measure_detail(demo_engine, "3.1", "2022-09").measure.target is None
    assert build_measure_detail(demo_engine, "3.1", "2023-01").measure.target.low == 90.0
    teams = team_breakdown(demo_engine, "3.1", "2022-09")
    assert teams.measure.target is None
