"""The pieces that show national comparators, rendered from comparators built in the test and read as a reader
(and a screen reader) would: words, order, marks, never a zero for a marker."""

from __future__ import annotations

import json

import plotly

from dashboard.components.downloads import csv_text, table_data
from dashboard.components.national import (
    comparator_cell,
    credit,
    every_council_frame,
    every_council_table,
    national_figure,
    sorted_rows,
    years_frame,
    years_table,
)
from tests.national_examples import comparators, every_council, no_comparator, year
from tests.rendered import components, spoken, text


def _json(component) -> dict:
    return json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))


def _words(tree) -> str:
    return " ".join(text(tree).split())


def test_the_overview_cell_reads_the_short_line_with_the_quartile_in_words_for_a_screen_reader():
    cell = _json(comparator_cell(comparators(year()), "3.3"))
    assert "2023-24: 61.0% · England 66.0% · neighbours 58.0% · rank 97 of 151 · C" in " ".join(text(cell).split())
    heard = " ".join(spoken(cell).split())
    assert "rank 97 of 151 · quartile C (A is the best quarter)" in heard
    letter = next(c for c in components(cell) if c["type"] == "Abbr")
    assert letter["props"]["title"].startswith("Quartile C: quartile bands run from A, the best quarter")
    link = next(c for c in components(cell) if c["type"] == "Link")
    assert link["props"]["href"] == "/measure/3.3#national-heading"


def test_the_overview_cell_says_when_later_national_figures_have_none_for_the_council():
    shown = comparators(year("2022-23", council=64.0), year("2023-24", council=None, council_status="suppressed"))
    words = " ".join(text(_json(comparator_cell(shown, "3.3"))).split())
    assert words.startswith("2022-23: 64.0% · England")
    assert "Later: no Herefordshire figure for 2023-24 (suppressed)" in words


def test_a_measure_without_a_comparator_has_a_short_cell_with_its_reason_one_click_away():
    cell = _json(comparator_cell(no_comparator(reason="No national figure counts caseloads."), "2.2"))
    details = next(c for c in components(cell) if c["type"] == "Details")
    assert text(details).startswith("No national comparator")
    assert "No national figure counts caseloads." in text(details)
    assert "No national figures have been imported" in text(_json(comparator_cell(None, "2.2")))


def test_the_table_by_year_is_newest_first_with_markers_in_words():
    shown = comparators(year("2022-23", council=None, council_status="suppressed", rank=None), year("2023-24"))
    rows = [c for c in components(_json(years_table(shown, "t"))) if c["type"] == "Tr"][1:]
    assert text(rows[0]).split()[:2] == ["2023-24", "61.0%"]
    assert text(rows[1]).split()[:2] == ["2022-23", "suppressed"]
    assert "not ranked" in _words(rows[1])
    frame = years_frame(shown)
    assert frame["Year"].tolist() == ["2023-24", "2022-23"]
    assert frame["Herefordshire status"].tolist() == ["", "suppressed"]
    assert frame["Herefordshire"].isna().tolist() == [False, True]  # never 0


def test_the_annual_chart_has_one_point_a_year_told_apart_by_shape_and_leaves_a_gap_for_no_figure():
    shown = comparators(year("2022-23", council=None, council_status="suppressed"), year("2023-24"))
    figure = national_figure(shown)
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Herefordshire (annual figure)", "England", "West Midlands", "Statistical neighbours' average"]
    council = figure["data"][0]
    assert list(council["x"]) == ["2022-23", "2023-24"] and list(council["y"]) == [None, 61.0]
    # The gap says what the table says: the council's figure was suppressed, not missing, and never 0.
    assert [row[0] for row in council["customdata"]] == [
        "Herefordshire (annual figure): suppressed in 2022-23",
        "Herefordshire (annual figure): 61.0% in 2023-24",
    ]
    assert len({trace["marker"]["symbol"] for trace in figure["data"]}) == 4
    assert len({trace["line"]["dash"] for trace in figure["data"]}) == 4
    assert "annual" in figure["layout"]["xaxis"]["title"]["text"]


def test_every_council_marks_the_council_and_its_neighbours_in_words_and_sorts_by_any_column():
    councils = every_council()
    by_rank = sorted_rows(councils, "rank", False)
    assert [row.name for row in by_rank] == ["Devon", "Cornwall", "Herefordshire", "Shropshire", "Rutland", "Wiltshire"]
    assert [row.name for row in sorted_rows(councils, "rank", True)][:4] == [
        "Shropshire",
        "Herefordshire",
        "Cornwall",
        "Devon",
    ]
    assert [row.name for row in sorted_rows(councils, "name", False)][0] == "Cornwall"
    assert [row.name for row in sorted_rows(councils, "value", True)][:2] == ["Shropshire", "Herefordshire"]
    table = _json(every_council_table(councils, by_rank, "rank", False, "/measure/3.3/councils", "t"))
    rows = [c for c in components(table) if c["type"] == "Tr"]
    assert "Herefordshire (This council)" in _words(rows[3])
    assert rows[3]["props"]["className"] == "council-self"
    assert "Devon (Statistical neighbour)" in _words(rows[1])
    assert _words(rows[5]) == "not ranked Rutland suppressed East Midlands"
    headers = [c for c in components(table) if c["type"] == "Th" and "aria-sort" in c["props"]]
    assert [h["props"]["aria-sort"] for h in headers] == ["ascending", "none", "none", "none"]
    assert text(headers[2]).startswith("Figure")  # before the region, so a phone sees it without scrolling
    link = next(c for c in components(headers[0]) if c["type"] == "Link")
    assert link["props"]["href"] == "/measure/3.3/councils?year=2024&sort=rank&order=desc"


def test_the_every_council_download_neutralises_a_name_that_would_run_as_a_formula():
    councils = every_council(with_hostile_name=True)
    frame = every_council_frame(councils, sorted_rows(councils, "rank", False))
    written = csv_text(table_data(frame, "every-council"))
    assert '"\'=HYPERLINK(""x"")"' in written
    assert "\n=" not in written and ",=" not in written


def test_the_credit_names_the_source():
    assert text(_json(credit())).startswith("Source: Department for Education, Local Authority Interactive Tool")


def test_the_national_downloads_hold_figures_rounded_as_the_tables_show_them():
    councils = every_council()
    rows = sorted_rows(councils, "rank", False)
    frame = every_council_frame(councils, rows)
    shown = _words(_json(every_council_table(councils, rows, "rank", False, "/measure/3.3/councils", "t")))
    assert "70.3%" in shown and "70.25" not in shown  # Shropshire's 70.25, half up
    assert frame.set_index("Authority").loc["Shropshire", "Figure"] == 70.3
    by_year = years_frame(
        comparators(year(council=61.25, england=66.05, neighbour_values=(58.0, 56.0, 60.0, 57.0, 59.35)))
    )
    assert by_year.iloc[0][["Herefordshire", "England", "Neighbours' average"]].tolist() == [61.3, 66.1, 58.1]
