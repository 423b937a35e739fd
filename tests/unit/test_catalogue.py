"""The catalogue file: every published measure, polarity from 'good looks like', the plan's targets."""

from __future__ import annotations

import csv

import pytest

from measures.domain.catalogue import CatalogueError, parse_catalogue
from measures.domain.national_reference import NATIONAL_DATA_DIR, load_national_items

PUBLISHED_REFS = (
    "1.1 1.2 2.1 2.2 2.3 2.4 2.5 2.6 3.1 3.2 3.3 3.4 4.1 4.2 4.3 4.4 4.5 5.1 6.1 6.2 6.3 "
    "7.1 7.2 7.3 7.4 8.1 8.2 8.3 9.1 9.2 9.3 10.1 10.2 10.3 10.4 10.5 10.6 10.7"
).split()


def test_every_published_measure_is_in_the_catalogue_in_order(catalogue):
    assert catalogue.refs == tuple(PUBLISHED_REFS)
    assert [area.number for area in catalogue.areas] == list(range(1, 11))


@pytest.mark.parametrize(
    ("typed", "polarity"),
    [("Higher is better", "higher"), ("Lower is better", "lower"), ("", "none")],
)
def test_polarity_follows_good_looks_like(catalogue, typed, polarity):
    exceptions = {"2.2"}  # the plan's target band 16-20 overrides the table's wording, and says so
    for measure in catalogue.measures:
        # A blank "good looks like" with an "at least" target takes its polarity from the target, and says so.
        from_target = "polarity-from-target" in measure.flags
        if measure.good_looks_like == typed and measure.ref not in exceptions and not from_target:
            assert measure.polarity == polarity, measure.ref


def test_a_blank_polarity_with_an_at_least_target_is_higher_and_flagged(catalogue):
    flagged = [measure.ref for measure in catalogue.measures if "polarity-from-target" in measure.flags]
    assert flagged == ["10.3", "10.5", "10.7"]
    for ref in flagged:
        measure = catalogue.measure(ref)
        assert (measure.good_looks_like, measure.polarity, measure.target.kind) == ("", "higher", "at_least")
        assert "polarity-not-stated" not in measure.flags


def test_the_basis_is_set_only_where_the_title_says_so(catalogue):
    assert {m.ref: m.basis for m in catalogue.measures if m.basis != "month"} == {
        "6.1": "rolling-12",  # "(Rolling Year)"
        "10.2": "year-to-date",  # "issued in the year"
        "10.3": "year-to-date",
    }


def test_caseload_uses_the_plans_target_band_and_flags_the_difference(catalogue):
    caseload = catalogue.measure("2.2")
    assert caseload.polarity == "range"
    assert caseload.band == (16.0, 20.0)
    assert "polarity-from-plan" in caseload.flags


@pytest.mark.parametrize("ref", ["2.3", "9.3"])
def test_zero_or_low_is_good(catalogue, ref):
    target = catalogue.measure(ref).target
    assert (target.kind, target.high) == ("at_most", 0.0)


@pytest.mark.parametrize("ref", ["10.2", "10.3", "10.4", "10.5", "10.6", "10.7"])
def test_ehc_plan_timeliness_targets_are_90_percent(catalogue, ref):
    target = catalogue.measure(ref).target
    assert (target.kind, target.low) == ("at_least", 90.0)


def test_the_doubtful_polarity_of_10_1_is_flagged_not_fixed(catalogue):
    measure = catalogue.measure("10.1")
    assert measure.polarity == "lower"
    assert "polarity-doubtful" in measure.flags
    assert measure.source_note


def test_every_measure_carries_the_committees_three_extra_columns(catalogue):
    for measure in catalogue.measures:
        assert measure.objective and measure.timescale and measure.best_practice, measure.ref


MINIMAL_AREA = {"number": 1, "title": "Area one"}


@pytest.mark.parametrize(
    ("measure", "message"),
    [
        ({"ref": "1", "area": 1, "title": "t", "unit": "count", "polarity": "higher"}, "not of the form"),
        ({"ref": "1.1", "area": 1, "title": "t", "unit": "litres", "polarity": "higher"}, "unit 'litres'"),
        ({"ref": "1.1", "area": 1, "title": "t", "unit": "count", "polarity": "up"}, "polarity 'up'"),
        ({"ref": "2.1", "area": 1, "title": "t", "unit": "count", "polarity": "higher"}, "does not match"),
        ({"ref": "1.1", "area": 1, "title": "t", "unit": "count", "polarity": "range"}, "needs a 'band'"),
        (
            {
                "ref": "1.1",
                "area": 1,
                "title": "t",
                "unit": "count",
                "polarity": "range",
                "target": {"kind": "band", "low": 20, "high": 16},
            },
            "low' <= 'high",
        ),
        (
            {"ref": "1.1", "area": 1, "title": "t", "unit": "count", "polarity": "higher", "national_item": "Nope"},
            "national_item 'Nope' is not a data item of LAIT",
        ),
        (
            {"ref": "1.1", "area": 1, "title": "t", "unit": "count", "polarity": "higher", "national_item": 218},
            "national_item must be text",
        ),
    ],
)
def test_inconsistent_catalogues_are_refused_with_a_reason(measure, message):
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue({"area": [MINIMAL_AREA], "measure": [measure]})


def test_a_duplicate_ref_is_refused():
    measure = {"ref": "1.1", "area": 1, "title": "t", "unit": "count", "polarity": "higher"}
    with pytest.raises(CatalogueError, match="appears twice"):
        parse_catalogue({"area": [MINIMAL_AREA], "measure": [measure, measure]})


# The measures the shipped LAIT extract has a matching item for (data/national/README.md and the issue).
NATIONAL_ITEMS = {
    "1.1": "CareLeaverEET",
    "2.2": "Work_Force_AvgNumCase_SW",
    "3.3": "CP_conf_15days",
    "7.4": "CareLeaverAcc",
    "10.2": "SEN_EHC_All_20wks",
}


def _shipped_items() -> set[str]:
    with (NATIONAL_DATA_DIR / "lait_extract.csv").open(newline="", encoding="utf-8") as handle:
        return {row["Short Desc"] for row in csv.DictReader(handle)}


def test_each_measure_with_a_matching_national_item_maps_to_it_and_every_item_has_figures(catalogue):
    mapped = {measure.ref: measure.national_item for measure in catalogue.measures if measure.national_item}
    assert mapped == NATIONAL_ITEMS
    assert set(mapped.values()) <= _shipped_items()


def test_every_measure_says_how_it_compares_nationally(catalogue):
    for measure in catalogue.measures:
        assert measure.national_note, measure.ref
        assert "\n" not in measure.national_note and "  " not in measure.national_note, measure.ref
        if not measure.national_item:
            assert measure.national_note.startswith("No national comparator"), measure.ref


def test_the_notes_say_where_the_definitions_differ(catalogue):
    assert "at 19" in catalogue.measure("1.1").national_note and "19 to 21" in catalogue.measure("1.1").national_note
    assert "at 19" in catalogue.measure("7.4").national_note
    caseload = catalogue.measure("2.2").national_note
    assert "30 September" in caseload and "newly qualified" in caseload and "full-time equivalent" in caseload
    assert "calendar year" in catalogue.measure("10.2").national_note
    assert "section 47" in catalogue.measure("3.3").national_note
    # 2.1's related workforce items are named and refused as a comparator; 3.1 keeps its local figures.
    assert "Work_Force_Agecy_Rate" in catalogue.measure("2.1").national_note
    assert "not in the part of LAIT's data the product ships" in catalogue.measure("3.1").national_note
    assert "HSCP" in catalogue.measure("3.1").national_note


def test_a_polarity_that_differs_from_laits_is_named_in_the_note(catalogue):
    items = load_national_items()
    for measure in catalogue.measures:
        if measure.national_item and items[measure.national_item].polarity != measure.polarity:
            assert "LAIT ranks it as" in measure.national_note, measure.ref
    assert items["Work_Force_AvgNumCase_SW"].polarity == "lower" and catalogue.measure("2.2").polarity == "range"
