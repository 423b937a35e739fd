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
    assert model.summary() == {
        # The SPC reading: 1.1 is a shift of seven (improvement); 1.2 and 1.3 have two months, too few.
        "improvement": 1,
        "concern": 0,
        "unusual": 0,
        "common": 0,
        "too_few": 2,
        "no_reading": 0,
        "failing": 0,
        # Compared with last month only: 1.1 (14 -> 13) and 1.2 (88 -> 80) fell; 1.3 is TBC.
        "better": 0,
        "worse": 2,
        "same": 0,
        "within_range": 0,
        "off_target": 1,
        "off_target_earlier": 0,
        "special_cause": 1,
        "measures": 3,
    }
    by_ref = {r.measure.ref: r for r in model.rows}
    # 1.3 is TBC in December: rated from November's 60 (at least 50), never counted as on target in December.
    tbc = by_ref["1.3"].assessment
    assert tbc.status == "tbc" and (tbc.target_reading, tbc.rag, tbc.rag_as_of) == ("rated", "green", "2022-11")
    assert not tbc.on_target and not tbc.off_target
    assert by_ref["1.3"].latest.status == "tbc"


def test_the_headline_counts_a_tbc_after_a_month_off_target_and_says_its_month():
    series = pd.concat(
        [SERIES, pd.DataFrame([row("1.3", "2022-10", 40.0), row("1.3", "2022-11", 40.0)])], ignore_index=True
    )
    series = series[~((series["ref"] == "1.3") & (series["period"] == "2022-11") & (series["value"] == 60.0))]
    model = overview_model(OverviewInputs(CATALOGUE, "2022-12", tuple(MONTHS_2022), series))
    counts = model.summary()
    assert (counts["off_target"], counts["off_target_earlier"]) == (2, 1)  # 1.2 this month, 1.3 as at November
    assert model.off_target_earlier_months() == ("2022-11",)
    assert [r.measure.ref for r in filter_overview(model, {"off-target"}).rows] == ["1.2", "1.3"]
    later = overview_model(OverviewInputs(CATALOGUE, "2023-03", tuple(MONTHS_2022), series))
    # In March, November is four months back: too old to rate 1.3; December, three back, still rates 1.2.
    assert (later.summary()["off_target"], later.off_target_earlier_months()) == (1, ("2022-12",))


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
    # 1.1 fell one month within a run that SPC reads as improvement; 1.2 has too few months for a reading.
    assert cards["1.1"].sentence == "Down from 14.0% to 13.0% since November 2022: not significant on its own."
    assert cards["1.2"].sentence == "Down from 88.0% to 80.0% since November 2022: too few months to judge."
    assert cards["1.2"].has_teams and not cards["1.1"].has_teams
    assert cards["1.3"].sentence == "Not yet reported (TBC)"
    assert [point.period for point in cards["1.3"].series] == ["2022-11"]  # TBC is never a point
    assert [point.period for point in cards["1.1"].series] == MONTHS_2022
    assert cards["1.1"].row.assessment is model.rows[0].assessment
