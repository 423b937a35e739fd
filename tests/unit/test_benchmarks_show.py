"""`python -m measures benchmarks show REF [--year Y] [--json]`: one object with the comparators the views work out,
a readable text form, and a plain error for an unknown measure, a measure without a comparator or a year without
figures."""

from __future__ import annotations

import json

import pytest

from measures.cli.benchmarks import SHOW_KEYS
from measures.cli.main import main
from measures.views.national import measure_comparators
from tests.national_data import record_extract


@pytest.fixture
def shown(engine, monkeypatch, capsys):
    record_extract(engine, ["CP_conf_15days", "Work_Force_AvgNumCase_SW"])
    monkeypatch.setenv("MEASURES_DB_URL", engine.url.render_as_string(hide_password=False))

    def run(*args: str) -> tuple[int, str, str]:
        status = main(["benchmarks", "show", *args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_json_is_one_object_with_exactly_the_keys_of_the_issue(shown, engine):
    status, out, err = shown("2.2", "--year", "2024", "--json")
    assert (status, err) == (0, "")
    record = json.loads(out)
    assert tuple(record) == SHOW_KEYS
    # Raw rows of lait_extract.csv, Work_Force_AvgNumCase_SW 2024: 884 14.5, 970 15.4, 984 16.2; the April 2021
    # neighbours, Cumbria (909) "-": (19.6 + 14.5 + 16.9 + 16.4 + 13.1 + 12.9 + 14.1 + 15.9 + 13.2) / 9 = 15.18.
    assert (record["ref"], record["item"], record["year"]) == ("2.2", "Work_Force_AvgNumCase_SW", "September 2024")
    assert (record["council"], record["value"], record["england"]) == ("Herefordshire", 14.5, 15.4)
    assert (record["region"], record["region_value"]) == ("West Midlands", 16.2)
    assert record["neighbours_average"] == pytest.approx(136.6 / 9)
    assert list(record["neighbours"])[0] == "Shropshire" and record["neighbours"]["Cumbria"] is None
    assert record["edition"] == "April 2021"
    year = next(y for y in measure_comparators(engine, "2.2").years if y.year == "2024")
    assert (record["rank"], record["ranked_of"], record["quartile"]) == (year.rank, year.ranked_of, year.quartile)


def test_without_a_year_the_latest_with_a_council_figure_is_shown_in_words(shown):
    status, out, _ = shown("3.3")
    assert status == 0
    assert "Year: 2024-25 (published as 2025)." in out
    assert "Herefordshire: 83.3%." in out and "England: 81.4%." in out and "West Midlands: 84.1%." in out
    assert "Statistical neighbours (May 2025 edition): average 78.4% (10 of the 10 have a figure)." in out
    assert "quartile band" in out and "section 47" in out
    assert "Source: Department for Education, Local Authority Interactive Tool." in out


def test_a_missing_neighbour_says_why_in_words(shown):
    _, out, _ = shown("3.3", "--year", "2023-24")
    assert "average 82.8% (9 of the 10 have a figure)" in out  # 745.0 / 9 = 82.78
    cumbria = next(line for line in out.splitlines() if line.strip().startswith("Cumbria"))
    assert cumbria.split() == ["Cumbria", "not", "available"]


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("9.9",), 2, "there is no measure '9.9' in the catalogue"),
        (("3.1",), 1, "measure 3.1: No national comparator in the shipped figures"),
        (("3.3", "--year", "2012"), 1, "Measure 3.3 has no national figures for 2012. Years with figures: 2015-16"),
        (("1.1",), 1, "Measure 1.1 has no national figures for any year. Years with figures: none."),
    ],
)
def test_errors_are_sentences_not_tracebacks(shown, args, status, message):
    code, out, err = shown(*args)
    assert (code, out) == (status, "")
    assert err.startswith("error: ") and message in err and "Traceback" not in err
