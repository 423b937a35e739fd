"""A measure's national comparators: the neighbours' average, the rank and the quartile band worked by hand from raw
rows of `data/national/lait_extract.csv`, the neighbour group edition chosen by year, the latest release of a year,
and the same views for another council set by its code."""

from __future__ import annotations

import csv

import pytest

from measures.domain.council import load_council
from measures.views.national import (
    UnknownYear,
    comparator_year,
    comparators_by_ref,
    every_council,
    measure_comparators,
)
from measures.views.national_model import MeasureComparators, NoComparator
from tests.national_data import EXTRACT, figure, record_extract, record_groups

# Raw rows of lait_extract.csv (Short Desc, Years, LA and Regions, Values, LA Number), written out as published.
# Herefordshire's neighbours: April 2021 edition (sn_april_2021.xlsx row 884) 893 Shropshire, 878 Devon, 908 Cornwall,
# 933 Somerset, 838 Dorset, 865 Wiltshire, 935 Suffolk, 926 Norfolk, 916 Gloucestershire, 909 Cumbria; May 2025
# edition (sn_may_2025.xlsx row 884) 943 Westmorland and Furness, 860 Staffordshire, 925 Lincolnshire, 893, 933,
# 888 Lancashire, 935, 811 East Riding of Yorkshire, 815 North Yorkshire, 830 Derbyshire.
CONFERENCES = "CP_conf_15days"  # measure 3.3; LAIT polarity High
CONFERENCE_ROWS = [
    ("2024", 884, "Herefordshire", "93.5"),
    ("2024", 970, "England", "79.7"),
    ("2024", 984, "West Midlands", "84.2"),
    ("2024", 893, "Shropshire", "70.5"),
    ("2024", 878, "Devon", "81.2"),
    ("2024", 908, "Cornwall", "78.5"),
    ("2024", 933, "Somerset", "88.7"),
    ("2024", 838, "Dorset", "82.2"),
    ("2024", 865, "Wiltshire", "96.1"),
    ("2024", 935, "Suffolk", "70.900000000000006"),
    ("2024", 926, "Norfolk", "92.9"),
    ("2024", 916, "Gloucestershire", "84"),
    ("2024", 909, "Cumbria", "-"),
    ("2025", 884, "Herefordshire", "83.3"),
    ("2025", 970, "England", "81.400000000000006"),
    ("2025", 984, "West Midlands", "84.1"),
    ("2025", 943, "Westmorland and Furness", "83.7"),
    ("2025", 860, "Staffordshire", "91.9"),
    ("2025", 925, "Lincolnshire", "96.7"),
    ("2025", 893, "Shropshire", "56.1"),
    ("2025", 933, "Somerset", "90.4"),
    ("2025", 888, "Lancashire", "70.7"),
    ("2025", 935, "Suffolk", "72.8"),
    ("2025", 811, "East Riding of Yorkshire", "47.1"),
    ("2025", 815, "North Yorkshire", "98.6"),
    ("2025", 830, "Derbyshire", "75.7"),
]
CASELOADS = "Work_Force_AvgNumCase_SW"  # measure 2.2; LAIT polarity Low
CASELOAD_ROWS = [
    ("2024", 884, "Herefordshire", "14.5"),
    ("2024", 970, "England", "15.4"),
    ("2024", 984, "West Midlands", "16.2"),
    ("2024", 893, "Shropshire", "19.600000000000001"),
    ("2024", 878, "Devon", "14.5"),
    ("2024", 908, "Cornwall", "16.899999999999999"),
    ("2024", 933, "Somerset", "16.399999999999999"),
    ("2024", 838, "Dorset", "13.1"),
    ("2024", 865, "Wiltshire", "12.9"),
    ("2024", 935, "Suffolk", "14.1"),
    ("2024", 926, "Norfolk", "15.9"),
    ("2024", 916, "Gloucestershire", "13.2"),
    ("2024", 909, "Cumbria", "-"),
    ("2025", 884, "Herefordshire", "13.6"),
    ("2025", 970, "England", "15.2"),
    ("2025", 984, "West Midlands", "15.3"),
    ("2025", 943, "Westmorland and Furness", "14.8"),
    ("2025", 860, "Staffordshire", "18.399999999999999"),
    ("2025", 925, "Lincolnshire", "16.5"),
    ("2025", 893, "Shropshire", "16.2"),
    ("2025", 933, "Somerset", "15.2"),
    ("2025", 888, "Lancashire", "14.8"),
    ("2025", 935, "Suffolk", "16.3"),
    ("2025", 811, "East Riding of Yorkshire", "16.5"),
    ("2025", 815, "North Yorkshire", "18.2"),
    ("2025", 830, "Derbyshire", "17.100000000000001"),
]


def _record(engine, item: str, rows) -> None:
    from measures.storage import national

    national.record_national_figures(
        engine, [figure(item, *row) for row in rows], source="lait_extract.csv rows", user="test"
    )


@pytest.fixture
def hand_worked(engine):
    """Only the rows above, so every authority with a figure is one written here, and both neighbour editions."""
    _record(engine, CONFERENCES, CONFERENCE_ROWS)
    _record(engine, CASELOADS, CASELOAD_ROWS)
    record_groups(engine)
    return engine


def _year(comparators, label):
    assert isinstance(comparators, MeasureComparators)
    return next(year for year in comparators.years if year.label == label)


def test_conferences_higher_is_better_2023_24_with_a_neighbour_not_available(hand_worked):
    # 2024 is the financial year 2023-24; it ends in 2024, before May 2025, so the April 2021 group is used.
    # Neighbours' average: Cumbria's "-" (Cumbria was replaced in 2023) is left out, nine counted:
    #   (70.5 + 81.2 + 78.5 + 88.7 + 82.2 + 96.1 + 70.9 + 92.9 + 84) / 9 = 745.0 / 9 = 82.777...
    # Rank, higher is better, over the authorities with a figure (England 79.7 and the region 84.2 left out):
    #   96.1 Wiltshire, 93.5 Herefordshire, 92.9, 88.7, 84, 82.2, 81.2, 78.5, 70.9, 70.5 -> 2nd of 10.
    # Quartile limits (R's type 7) of the ten sorted: 70.5 70.9 78.5 81.2 82.2 84.0 88.7 92.9 93.5 96.1, n - 1 = 9:
    #   25%: position 2.25 -> 78.5 + 0.25 * (81.2 - 78.5) = 79.175; 50%: 4.5 -> 82.2 + 0.5 * 1.8 = 83.1;
    #   75%: 6.75 -> 88.7 + 0.75 * (92.9 - 88.7) = 91.85. 93.5 is above 91.85: top quarter, higher is better -> A.
    comparators = measure_comparators(hand_worked, "3.3")
    year = _year(comparators, "2023-24")
    assert (year.year, year.edition, year.council) == ("2024", "April 2021", 93.5)
    assert (year.england, year.region) == (79.7, 84.2)
    assert year.neighbours_average == pytest.approx(745.0 / 9) and year.neighbours_counted == 9
    assert (year.rank, year.ranked_of, year.quartile) == (2, 10, "A")
    cumbria = year.neighbours[-1]
    assert (cumbria.name, cumbria.value, cumbria.status) == ("Cumbria", None, "not available")
    assert [n.name for n in year.neighbours][:2] == ["Shropshire", "Devon"]  # closest first


def test_conferences_2024_25_use_the_may_2025_group(hand_worked):
    # 2025 is 2024-25, ending in 2025: the May 2025 group, all ten with a figure:
    #   (83.7 + 91.9 + 96.7 + 56.1 + 90.4 + 70.7 + 72.8 + 47.1 + 98.6 + 75.7) / 10 = 783.7 / 10 = 78.37
    # Rank among the eleven authorities with a 2025 figure: 98.6, 96.7, 91.9, 90.4, 83.7, 83.3 Herefordshire -> 6th.
    # Quartiles of 47.1 56.1 70.7 72.8 75.7 83.3 83.7 90.4 91.9 96.7 98.6, n - 1 = 10: 25% position 2.5 ->
    #   70.7 + 0.5 * 2.1 = 71.75; 50% position 5 -> 83.3; 75% position 7.5 -> 90.4 + 0.5 * 1.5 = 91.15.
    #   83.3 is on the median, so it falls in the lower half's upper quarter (LAIT: a limit belongs below) -> C.
    year = _year(measure_comparators(hand_worked, "3.3"), "2024-25")
    assert (year.edition, year.council, year.england, year.region) == ("May 2025", 83.3, 81.4, 84.1)
    assert year.neighbours_average == pytest.approx(78.37) and year.neighbours_counted == 10
    assert (year.rank, year.ranked_of, year.quartile) == (6, 11, "C")
    assert [n.name for n in year.neighbours][0] == "Westmorland and Furness"


def test_caseloads_lower_is_better_with_a_tie_and_a_neighbour_not_available(hand_worked):
    # Work_Force_AvgNumCase_SW 2024 is a 30 September 2024 snapshot: the April 2021 group, Cumbria "-" left out:
    #   (19.6 + 14.5 + 16.9 + 16.4 + 13.1 + 12.9 + 14.1 + 15.9 + 13.2) / 9 = 136.6 / 9 = 15.177...
    # Rank, lower is better: 12.9, 13.1, 13.2, 14.1, then 14.5 Herefordshire and 14.5 Devon share 5th, of 10.
    # Quartiles of 12.9 13.1 13.2 14.1 14.5 14.5 15.9 16.4 16.9 19.6: 25% 13.2 + 0.25 * 0.9 = 13.425,
    #   50% 14.5 + 0.5 * 0 = 14.5, 75% 15.9 + 0.75 * 0.5 = 16.275. 14.5 is on the median: second-lowest quarter,
    #   and with lower is better the second-lowest quarter is B.
    comparators = measure_comparators(hand_worked, "2.2")
    assert isinstance(comparators, MeasureComparators)
    assert comparators.polarity == "lower"  # LAIT's; the measure itself is judged against the plan's band
    assert (comparators.unit, comparators.decimals) == ("average", 1)
    year = _year(comparators, "September 2024")
    assert (year.edition, year.council, year.england, year.region) == ("April 2021", 14.5, 15.4, 16.2)
    assert year.neighbours_average == pytest.approx(136.6 / 9) and year.neighbours_counted == 9
    assert (year.rank, year.ranked_of, year.quartile) == (5, 10, "B")
    rows = every_council(hand_worked, "2.2", "2024")
    devon = next(row for row in rows.rows if row.name == "Devon")
    assert devon.rank == 5 and devon.is_neighbour


def test_caseloads_september_2025(hand_worked):
    # May 2025 group, all ten: (14.8 + 18.4 + 16.5 + 16.2 + 15.2 + 14.8 + 16.3 + 16.5 + 18.2 + 17.1) / 10 = 16.4.
    # 13.6 is the lowest of the eleven: rank 1. 25% limit of 13.6 14.8 14.8 15.2 ...: position 2.5 ->
    #   14.8 + 0.5 * (15.2 - 14.8) = 15.0; 13.6 is below it: lowest quarter, lower is better -> A.
    year = _year(measure_comparators(hand_worked, "2.2"), "September 2025")
    assert year.edition == "May 2025"
    assert year.neighbours_average == pytest.approx(16.4) and year.neighbours_counted == 10
    assert (year.rank, year.ranked_of, year.quartile) == (1, 11, "A")


def test_the_latest_release_of_a_year_wins(hand_worked):
    from measures.storage import national

    rows = [("2024 (Rev)", code, name, "50") for _, code, name, _ in CONFERENCE_ROWS[:13]]
    rows[0] = ("2024 (Rev)", 884, "Herefordshire", "94.0")
    national.record_national_figures(
        hand_worked, [figure(CONFERENCES, *row) for row in rows], source="revised.csv", user="test"
    )
    comparators = measure_comparators(hand_worked, "3.3")
    assert [(y.year, y.label, y.release) for y in comparators.years] == [
        ("2024 (Rev)", "2023-24", "revised"),
        ("2025", "2024-25", ""),
    ]
    year = comparators.years[0]
    assert (year.council, year.neighbours_average, year.rank) == (94.0, 50.0, 1)
    assert comparator_year(comparators, "2024").year == "2024 (Rev)"  # asked for by its first release's label


def test_a_later_release_of_some_authorities_revises_only_those(hand_worked):
    # A "(Rev)" file may carry only the councils whose figure changed: everyone else keeps the first release's
    # figure, and England, the region and the neighbours do not vanish from the year.
    from measures.storage import national

    before = comparator_year(measure_comparators(hand_worked, "3.3"), "2025")
    national.record_national_figures(
        hand_worked, [figure(CONFERENCES, "2025 (Rev)", 884, "Herefordshire", "85.0")], source="rev.csv", user="test"
    )
    after = comparator_year(measure_comparators(hand_worked, "3.3"), "2025")
    assert (after.year, after.release, after.council) == ("2025 (Rev)", "revised", 85.0)
    assert (after.england, after.region, after.neighbours_average, after.neighbours_counted, after.ranked_of) == (
        before.england,
        before.region,
        before.neighbours_average,
        before.neighbours_counted,
        before.ranked_of,
    )
    assert before.council == 83.3 and after.england == 81.4


def test_a_measure_without_a_national_item_gives_its_reason(hand_worked):
    result = measure_comparators(hand_worked, "3.1")
    assert isinstance(result, NoComparator)
    assert "HSCP" in result.reason
    assert isinstance(every_council(hand_worked, "4.1"), NoComparator)
    everything = comparators_by_ref(hand_worked)
    assert isinstance(everything["3.3"], MeasureComparators) and isinstance(everything["1.1"], MeasureComparators)
    assert everything["3.3"] == measure_comparators(hand_worked, "3.3")
    assert everything["1.1"].years == ()  # mapped, no figures imported: no year, nothing invented
    with pytest.raises(KeyError):
        measure_comparators(hand_worked, "99.9")


def test_every_council_ranks_every_authority_and_marks_the_council_and_neighbours(hand_worked):
    result = every_council(hand_worked, "3.3")  # the latest year with a figure for the council: 2025
    assert (result.year, result.label, result.edition, result.ranked_of) == ("2025", "2024-25", "May 2025", 11)
    ranked = [row for row in result.rows if row.rank is not None]
    assert [row.rank for row in ranked] == list(range(1, 12))
    assert ranked[0].name == "North Yorkshire" and ranked[5].is_council and ranked[5].name == "Herefordshire"
    assert sum(row.is_neighbour for row in result.rows) == 10
    unranked = [row for row in result.rows if row.rank is None]
    assert unranked and all(row.value is None for row in unranked)
    assert len(result.rows) > 140  # every authority of the code list, with or without a figure
    assert result.years == (("2025", "2024-25"), ("2024", "2023-24"))
    with pytest.raises(UnknownYear, match="no national figures for 2019"):
        every_council(hand_worked, "3.3", "2019")


def _council_file(tmp_path, la_code: int):
    path = tmp_path / f"council-{la_code}.toml"
    text = (
        f'[council]\nla_code = {la_code}\nengland = "England"\n\n[teams]\nall = ["North", "South"]\n'
        'assessment = ["North"]\n\n[comparators]\nneighbours_average = "Statistical neighbours"\n'
    )
    path.write_text(text, encoding="utf-8")
    return load_council(path)


def _published(item: str, year: str) -> dict[int, str]:
    with EXTRACT.open(newline="", encoding="utf-8") as handle:
        return {
            int(row["LA Number"]): row["Values"]
            for row in csv.DictReader(handle)
            if row["Short Desc"] == item and row["Years"] == year
        }


@pytest.mark.parametrize(
    ("la_code", "name", "region_code", "april_2021_first", "may_2025_first"),
    [
        (330, "Birmingham", 984, "Luton", "Nottingham"),  # sn_april_2021.xlsx 330: 821 first; May 2025: 892
        (202, "Camden", 987, "Westminster", "Islington"),  # Inner London, published as London (Inner) 987
    ],
)
def test_another_council_by_code_gets_its_own_figures_neighbours_and_region(
    engine, tmp_path, la_code, name, region_code, april_2021_first, may_2025_first
):
    record_extract(engine, [CONFERENCES])
    council = _council_file(tmp_path, la_code)
    comparators = measure_comparators(engine, "3.3", council)
    assert isinstance(comparators, MeasureComparators)
    assert comparators.council == name
    published_2024, published_2025 = _published(CONFERENCES, "2024"), _published(CONFERENCES, "2025")
    for label, published, edition, first in (
        ("2023-24", published_2024, "April 2021", april_2021_first),
        ("2024-25", published_2025, "May 2025", may_2025_first),
    ):
        year = _year(comparators, label)
        assert year.edition == edition
        assert year.council == float(published[la_code])
        assert year.region == float(published[region_code])
        assert year.england == float(published[970])
        assert year.neighbours[0].name == first and len(year.neighbours) == 10
        # Ranked over every authority with a number in the extract that year (not England 970 or regions 980+).
        assert year.ranked_of == sum(1 for code, text in published.items() if code < 970 and text != "-")


def test_a_suppressed_neighbour_is_left_out_of_the_average_like_one_not_available(engine):
    # The extract's only marker is "-"; had DfE suppressed Cumbria's 2024 figure ("c") instead, the same nine count.
    rows = [(year, code, name, "c" if code == 909 else value) for year, code, name, value in CONFERENCE_ROWS]
    _record(engine, CONFERENCES, rows)
    record_groups(engine)
    year = _year(measure_comparators(engine, "3.3"), "2023-24")
    assert year.neighbours_average == pytest.approx(745.0 / 9) and year.neighbours_counted == 9
    assert (year.neighbours[-1].value, year.neighbours[-1].status) == (None, "suppressed")
    assert (year.rank, year.ranked_of) == (2, 10)


def test_a_year_can_be_asked_for_with_a_slash_as_academic_years_are_written(hand_worked):
    comparators = measure_comparators(hand_worked, "3.3")
    assert comparator_year(comparators, "2023/24") == comparator_year(comparators, "2023-24")
    with pytest.raises(UnknownYear) as refused:
        comparator_year(comparators, "1" * 100_000)
    assert len(str(refused.value)) < 300  # a typed year is not echoed whole
