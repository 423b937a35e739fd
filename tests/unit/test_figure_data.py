"""The charts built as plain data give exactly the JSON the previous release's `go.Figure` builders gave
(tests/figures_before.py) on the same inputs: every demo measure's SPC chart at two months, a chart with a
recalculation, a baseline, events, a completed action and a target history, a range target, and national charts
with gaps, markers and many years."""

from __future__ import annotations

import json
from dataclasses import replace

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from dashboard.components.charts.figure_data import TEMPLATE_JSON
from dashboard.components.charts.spc_chart import spc_figure
from dashboard.components.national import national_figure
from measures.domain.catalogue import Target
from measures.storage import chart_changes, plan
from measures.storage.edits import TargetChange, change_target
from measures.views.measure import build_measure_detail
from tests import figures_before
from tests.national_examples import comparators, year


def _sent(figure: dict | go.Figure) -> dict:
    """The figure as the browser receives it: the JSON Dash sends, read back."""
    plain = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    return json.loads(json.dumps(plain, cls=PlotlyJSONEncoder))


def _assert_same_spc(detail) -> dict:
    before = figures_before.spc_figure(detail)
    after = spc_figure(detail)
    assert isinstance(after, dict)
    assert _sent(after) == _sent(before)
    return after


def test_every_demo_measure_s_spc_chart_is_the_same_json_as_before(demo_engine, catalogue):
    seen: set[str] = set()
    for measure, month in ((measure, month) for month in ("2023-01", "2022-06") for measure in catalogue.measures):
        detail = build_measure_detail(demo_engine, measure.ref, month)
        figure = _assert_same_spc(detail)
        seen.add(detail.assessment.spc_on)
        seen.add(measure.unit)
        if detail.shows_synthetic:
            seen.add("synthetic")
        if detail.benchmarks:
            seen.add("benchmarks")
        if any(not row.counted for row in detail.series):
            seen.add("no figure")
        if any(trace["name"].startswith("Target") for trace in figure["data"] if "name" in trace):
            seen.add("target")
    # The comparison ran over the kinds of chart the demo draws, not a few of one kind.
    assert {"percent", "count", "figures", "none", "synthetic", "benchmarks", "no figure", "target"} <= seen, seen


def test_a_chart_with_recalculations_events_actions_and_targets_as_they_were_is_the_same_json(demo_engine):
    periods = build_measure_detail(demo_engine, "3.1", "2023-01").spc_periods
    chart_changes.add_process_change(demo_engine, "3.1", periods[10], reason="MASH <b>co-located</b>", actor="admin.a")
    chart_changes.add_event(demo_engine, "3.1", "2022-08", "A long event <i>typed</i> " * 6, actor="officer.o")
    chart_changes.add_event(demo_engine, "3.1", "2022-08", "Second event in the same month", actor="officer.o")
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
        [plan.RatingRow("3.99", "2022-06", "green", "Started"), plan.RatingRow("3.99", "2022-07", "blue", "Done")],
        actor="officer.o",
        source="page",
        reason="The test's months are published",
    )
    for month, low in (("2022-04", 90.0), ("2022-10", 95.0)):
        change_target(
            demo_engine, "3.1", TargetChange(kind="at_least", low=low), "admin.a", effective_from=month, reason="Board"
        )
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    assert len(detail.spc.segments) == 2 and len(detail.events) >= 3
    figure = _assert_same_spc(detail)
    assert len(figure["layout"]["shapes"]) == 1 + len(detail.events)
    assert any(trace.get("legendgroup") == "original" for trace in figure["data"])

    chart_changes.set_baseline(demo_engine, "2.1", "2021-04", "2022-03", reason="The year before", actor="admin.a")
    detail = build_measure_detail(demo_engine, "2.1", "2023-01")
    assert any(segment.fixed_on for segment in detail.spc.segments)
    _assert_same_spc(detail)


def test_a_range_target_and_a_chart_without_figures_are_the_same_json(demo_engine, catalogue):
    detail = build_measure_detail(demo_engine, "3.1", "2023-01")
    band = replace(detail.measure, target=Target(kind="band", low=40.0, high=60.0), target_history=())
    _assert_same_spc(replace(detail, measure=band))
    _assert_same_spc(build_measure_detail(demo_engine, "3.1", "2019-01"))


def test_national_charts_are_the_same_json_as_before():
    many = [year(f"{start}-{(start + 1) % 100:02d}", council=50.0 + start % 7) for start in range(2014, 2024)]
    cases = [
        comparators(year()),
        comparators(year("2022-23", council=None, council_status="suppressed"), year("2023-24")),
        comparators(*many),
        comparators(year(region=None, england=None), unit="count", decimals=0),
        comparators(year(neighbour_values=(None, None, None, None, None)), unit="rate"),
    ]
    cases.append(replace(cases[0], region="", council="<b>Hostile</b> & council"))
    for shown in cases:
        after = national_figure(shown)
        assert isinstance(after, dict)
        assert _sent(after) == _sent(figures_before.national_figure(shown))


def test_the_template_is_carried_whole_and_no_figure_changes_it(demo_engine):
    template = json.dumps(TEMPLATE_JSON, sort_keys=True)
    detail = build_measure_detail(demo_engine, "2.2", "2023-01")
    first = spc_figure(detail)
    first["layout"]["template"]["layout"].get("font", {})  # read, as a renderer would
    assert json.dumps(_sent(first)["layout"]["template"], sort_keys=True) == template
    assert _sent(spc_figure(detail)) == _sent(first)
    assert json.dumps(TEMPLATE_JSON, sort_keys=True) == template


def test_every_area_trend_chart_is_the_same_json_as_before(demo_engine, catalogue):
    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")  # a page module is imported once an app is made
    from dashboard.pages.area import trend_figure
    from measures.views.area import build_area

    seen: set[str] = set()
    for area in catalogue.areas:
        for month in ("2023-01", "2022-06"):
            for card in build_area(demo_engine, area.number, month, catalogue=catalogue).cards:
                if len(card.series) < 2:
                    continue
                measures = [card.measure]
                if card.measure.target is None:  # the same chart with each kind of target
                    measures += [
                        replace(card.measure, target=Target(kind="band", low=40.0, high=60.0)),
                        replace(card.measure, target=Target(kind="at_most", high=12.5)),
                    ]
                for measure in measures:
                    after = trend_figure(measure, card.series, month)
                    assert _sent(after) == _sent(figures_before.trend_figure(measure, card.series, month))
                    seen.add(measure.target.kind if measure.target else "no target")
                    seen |= {"synthetic" for point in card.series if point.synthetic}
    assert {"band", "at_least", "at_most", "no target", "synthetic"} <= seen, seen


def test_every_teams_and_caseload_chart_is_the_same_json_as_before(demo_engine, catalogue):
    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")  # a page module is imported once an app is made
    from dashboard.pages.teams import teams_figure
    from dashboard.pages.workers import caseload_figure
    from measures.views.drilldown import team_breakdown, worker_caseloads

    seen: set[str] = set()
    for measure in catalogue.measures:
        for month in ("2023-01", "2022-06"):
            breakdown = team_breakdown(demo_engine, measure.ref, month, catalogue=catalogue)
            if breakdown.teams:
                variants = [breakdown]
                if measure.target is None:  # the same chart with each kind of target
                    for target in (Target(kind="band", low=40.0, high=60.0), Target(kind="at_least", low=75.0)):
                        variants.append(replace(breakdown, measure=replace(measure, target=target)))
                for shown in variants:
                    after = teams_figure(shown)
                    assert _sent(after) == _sent(figures_before.teams_figure(shown))
                    seen.add("teams " + (shown.measure.target.kind if shown.measure.target else "no target"))
                    seen |= {"teams without a figure" for team in shown.teams if team.figure.status != "ok"}
            caseloads = worker_caseloads(
                demo_engine, measure.ref, month, viewer_may_see_workers=True, catalogue=catalogue
            )
            if caseloads.workers:
                for shown in (caseloads, replace(caseloads, band=None), replace(caseloads, band=(10.0, 16.0))):
                    after = caseload_figure(shown)
                    assert _sent(after) == _sent(figures_before.caseload_figure(shown))
                    seen.add("caseload " + ("band" if shown.band else "no band"))
    assert {"teams band", "teams at_least", "teams no target", "caseload band", "caseload no band"} <= seen, seen


def test_every_audit_grade_chart_is_the_same_json_as_before(demo_engine, catalogue):
    import dash

    dash.Dash("dashboard", use_pages=True, pages_folder="")  # a page module is imported once an app is made
    from dashboard.pages.area import grades_figure
    from measures.views.area import build_area

    shown = [
        view.grades
        for area in catalogue.areas
        for month in ("2023-01", "2022-06")
        if (view := build_area(demo_engine, area.number, month, catalogue=catalogue)).grades
    ]
    assert shown, "the demo has audit grades"
    first = shown[0]
    # A month with grades not counted (suppressed, TBC) is marked above its bar; one with no total has no label.
    gaps = tuple(
        replace(month, counts=(None, *month.counts[1:]), statuses=("suppressed", "ok", "tbc", "ok"), total=None)
        if index % 3 == 0
        else month
        for index, month in enumerate(first)
    )
    for months in [*shown, gaps]:
        assert _sent(grades_figure(months)) == _sent(figures_before.grades_figure(months))
    assert any(trace.get("mode") == "markers" for trace in grades_figure(gaps)["data"])
