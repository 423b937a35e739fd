from __future__ import annotations

import pytest

from measures.domain.formatting import (
    change_text,
    format_counts,
    format_figure,
    format_value,
    polarity_text,
    variation_text,
)


@pytest.mark.parametrize(
    ("ref", "row", "text"),
    [
        ("3.1", {"status": "ok", "numerator": 198, "denominator": 291, "value": 68.041}, "198/291 68.0%"),
        ("8.1", {"status": "ok", "numerator": 627, "denominator": 987, "value": 63.525}, "627/987 63.5%"),
        ("6.1", {"status": "ok", "numerator": 9, "denominator": None, "value": 33}, "9 33.0%"),
        ("2.1", {"status": "ok", "numerator": None, "denominator": None, "value": 59}, "59.0%"),
        ("2.2", {"status": "ok", "value": 17.25}, "17.3"),
        ("2.3", {"status": "ok", "value": 12}, "12"),
        ("2.6", {"status": "tbc", "value": None}, "TBC"),
        ("10.1", {"status": "new", "value": None}, "New measure"),
        ("2.1", {"status": "na", "value": None}, "Not applicable"),
        ("2.3", {"status": "suppressed", "value": None}, "Suppressed (small number)"),
        (
            "3.1",
            {"status": "suppressed", "numerator": None, "denominator": 304, "value": None},
            "Suppressed (small number)",
        ),
        ("8.1", None, "No figure"),
    ],
)
def test_figures_read_as_the_committee_writes_them(catalogue, ref, row, text):
    assert format_figure(catalogue.measure(ref), row) == text


def test_rounding_is_half_up_not_bankers(catalogue):
    assert format_value(catalogue.measure("2.2"), 16.25) == "16.3"
    assert format_counts(1234, 5678) == "1,234/5,678"


@pytest.mark.parametrize(
    ("direction", "judgement", "text"),
    [
        ("up", "better", "Up, better"),
        ("down", "worse", "Down, worse"),
        ("down", "none", "Down"),
        ("flat", "same", "No change"),
        ("flat", "better", "No change, better"),
        ("none", "none", "No comparison"),
    ],
)
def test_change_in_words(direction, judgement, text):
    assert change_text(direction, judgement) == text


def test_polarity_in_words(catalogue):
    assert polarity_text(catalogue.measure("2.2")) == "Within 16 to 20"
    assert polarity_text(catalogue.measure("3.1")) == "Higher is better"
    assert polarity_text(catalogue.measure("4.1")) == "Not stated"


def test_special_cause_neither_says_its_side_and_other_readings_keep_their_words():
    assert variation_text("neither", "high") == "Unusually high, neither better nor worse"
    assert variation_text("neither", "low") == "Unusually low, neither better nor worse"
    assert variation_text("neither") == "Unusual change, neither better nor worse"
    assert variation_text("improvement", "high") == "Significant improvement"
    assert variation_text("no-reading") == "No SPC reading"


def test_a_change_is_called_better_or_worse_only_when_the_spc_reading_says_it_is_significant():
    from measures.domain.formatting import change_reading

    assert change_reading("better", "improvement", True) == "better"
    assert change_reading("worse", "concern", True) == "worse"
    assert change_reading("worse", "common", False) == "within normal variation"
    assert change_reading("better", "insufficient", False) == "too few months to judge"
    assert change_reading("worse", "improvement", False) == "not significant on its own"
    # A rolling or year-to-date figure has no SPC reading: its change is not judged, and says so.
    assert change_reading("worse", "no-reading", False) == "not judged: this kind of figure has no SPC reading"
    assert change_reading("within-range", "common", False) == "within the target range"
    assert change_reading("same", "neither", False) == "neither better nor worse"
    # A move towards a target band beside an unusual "neither" reading is not significant: it is neither.
    assert change_reading("better", "neither", False) == "not significant on its own"


def test_a_download_holds_a_number_as_the_page_shows_it():
    from measures.domain.numbers import displayed_number

    assert displayed_number(85.48387096774194, 1) == 85.5
    assert displayed_number(68.05, 1) == 68.1  # half up, from the shortest repr, as format_number shows it
    assert displayed_number(236.0, 0) == 236 and isinstance(displayed_number(236.0, 0), int)
    assert displayed_number(2.5, 0) == 3 and displayed_number(-2.5, 0) == -3
    assert displayed_number(None, 1) is None and displayed_number(float("nan"), 1) is None
