"""One average, one label: for 2.2 in January 2023 the measure's summary gave "the average of the previous 12
months (18.3)" and the chart's key "Average (19.2)", two different averages with nothing to say which was which.
The key now says the chart's average is of the months it draws."""

from __future__ import annotations

from dashboard.components.charts.spc_chart import chart_reading, spc_figure
from measures.views.measure import build_measure_detail


def test_each_average_of_2_2_says_what_it_is_an_average_of(demo_engine):
    detail = build_measure_detail(demo_engine, "2.2", "2023-01")
    # The 22 months on the chart, up to January 2023, average 19.2; the 12 months before January 2023 (January to
    # December 2022) average 18.3 (`recent_average`).
    assert len(detail.spc_periods) == 22 and round(detail.spc.mean, 1) == 19.2
    assert "the average of the previous 12 months (18.3)" in detail.summary
    names = [trace.get("name") for trace in spc_figure(detail)["data"]]
    assert "Average of the 22 months (19.2)" in names
    assert not any(name == "Average (19.2)" for name in names)
    assert chart_reading(detail).startswith("Average of the 22 months up to January 2023: 19.2; process limits ")
