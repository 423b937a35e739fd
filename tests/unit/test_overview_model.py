"""The overview table and an area's cards computed from inputs built here, with no database."""

from __future__ import annotations

import pandas as pd

from measures.domain.catalogue import Area, Catalogue, Measure, Target
from measures.domain.spc_settings import SpcOptions
from measures.views.area import AreaInputs, area_view
from measures.views.overview import OverviewInputs, filter_overview, overview_model, row_matches

MONTHS_2022 = [f"2022-{month:02d}" for month in range(1, 13)]
# Limits 8.22 to 16.44; the last seven points are above the mean of 12.33: special cause (improvement).
SHIFT_OF_SEVEN = [10, 12, 10, 12, 10, 13, 14, 13, 14, 13, 14, 13]
AREA = Area(number=1, title="Early help", short_title="Early help")


def measure(ref: str, target: Target | None = None, polarity: str = "higher") -> Measure:
    return Measure(
        ref=ref,
        area=1,
        title=f"Measure {ref}",
        short_title=ref,
        unit="percent",
        polarity=polarity,  # type: ignore[arg-type]
        decimals=1,
        target=target,
        spc=SpcOptions(minimum_points=12),  # SHIFT_OF_SEVEN is twelve months, worked by hand
    )


SHIFTING = measure("1.1", Target(kind="at_least", low=12, tolerance=1))
FALLING = measure("1.2", Target(kind="at_least", low=90, tolerance=5))
TO_CONFIRM = measure("1.3", Target(kind="at_least", low=50))
CATALOGUE = Catalogue(areas=(AREA,), measures=(SHIFTING, FALLING, TO_CONFIRM))


def row(ref: str, period: str, value: float | None, status: str = "ok") -> dict:
    return {
        "ref": ref,
        "period": period,
        "numerator": None,
        "denominator": None,
        "value": value,
        "status": status,
        "note": "",
        "synthetic": False,
    }


SERIES = pd.DataFrame(
    [row("1.1", period, float(value)) for period, value in zip(MONTHS_2022, SHIFT_OF_SEVEN, strict=True)]
    + [
        row("1.2", "2022-11", 88.0),
        row("1.2", "2022-12", 80.0),  # down and worse; 80 is more than 5 below 90: red
        row("1.3", "2022-11", 60.0),
        row("1.3", "2022-12", None, "tbc"),
    ]
)
INPUTS = OverviewInputs(CATALOGUE, "2022-12", tuple(MONTHS_2022), SERIES)


def test_the_headline_counts_read_the_assessments():
    model = overview_model(INPUTS)
    assert model.columns == ("2022-10", "2022-11", "2022-12")
    assert model.summary() == {"better": 0, "worse": 2, "same": 0, "off_target": 1, "special_cause": 1, "measures": 3}
    by_ref = {r.measure.ref: r for r in model.rows}
    assert by_ref["1.3"].assessment.status == "tbc" and by_ref["1.3"].assessment.target_reading == "no-figure"
    assert by_ref["1.3"].latest.status == "tbc"


def test_filters_read_the_assessments():
    model = overview_model(INPUTS)
    by_ref = {r.measure.ref: r for r in model.rows}
    assert [ref for ref, r in by_ref.items() if row_matches(r, {"off-target"})] == ["1.2"]
    assert [ref for ref, r in by_ref.items() if row_matches(r, {"special-cause"})] == ["1.1"]
    assert [ref for ref, r in by_ref.items() if row_matches(r, {"worse"})] == ["1.1", "1.2"]
    assert [r.measure.ref for r in filter_overview(model, {"worse", "off-target"}).rows] == ["1.2"]


def test_no_month_gives_an_empty_table():
    model = overview_model(OverviewInputs(CATALOGUE, None, (), pd.DataFrame()))
    assert model.period is None and model.rows == []


def test_area_cards_say_the_change_from_the_assessment():
    model = overview_model(INPUTS)
    window = SERIES[SERIES["ref"].isin(["1.1", "1.2", "1.3"])]
    view = area_view(AreaInputs(AREA, model, window, frozenset({"1.2"}), ()))
    cards = {card.measure.ref: card for card in view.cards}
    assert cards["1.1"].sentence == "Down from 14.0% to 13.0% since November 2022: worse."
    assert cards["1.2"].sentence == "Down from 88.0% to 80.0% since November 2022: worse."
    assert cards["1.2"].change == "Down, worse" and cards["1.2"].has_teams and not cards["1.1"].has_teams
    assert cards["1.3"].sentence == "Not yet reported (TBC)"
    assert [point.period for point in cards["1.3"].series] == ["2022-11"]  # TBC is never a point
    assert [point.period for point in cards["1.1"].series] == MONTHS_2022
    assert cards["1.1"].row.assessment is model.rows[0].assessment
