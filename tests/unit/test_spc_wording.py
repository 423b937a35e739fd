"""The SPC rules in words come from the settings, for the defaults and for a measure's own."""

from __future__ import annotations

from dataclasses import replace

from measures.domain.catalogue import load_catalogue
from measures.domain.number_words import number_in_words
from measures.domain.spc_settings import DEFAULT_OPTIONS, SpcOptions
from measures.domain.spc_wording import (
    minimum_rule,
    months_needed,
    rules_text,
    settings_in_force,
    shift_rule,
    special_cause_rules,
    trend_rule,
)

OWN = SpcOptions(shift_length=7, trend_length=7, minimum_points=15)


def test_numbers_up_to_twelve_are_words_and_larger_ones_figures():
    assert [number_in_words(n) for n in (2, 6, 7, 12, 13, 15)] == ["two", "six", "seven", "twelve", "13", "15"]


def test_the_default_rules_read_as_the_help_texts_always_did():
    assert special_cause_rules(DEFAULT_OPTIONS) == (
        "a month outside the limits, six months in a row on one side of the average, six rising or falling one "
        "after another, or two of three close to a limit"
    )
    assert minimum_rule(DEFAULT_OPTIONS) == "at least 15 monthly figures"
    assert months_needed(5, DEFAULT_OPTIONS) == "5 of 15 months needed"


def test_run_length_seven_and_minimum_fifteen_are_said():
    assert shift_rule(OWN) == "seven months in a row on one side of the average"
    assert trend_rule(OWN) == "seven rising or falling one after another"
    assert minimum_rule(OWN) == "at least 15 monthly figures"
    assert months_needed(9, OWN) == "9 of 15 months needed"
    assert "seven months in a row" in special_cause_rules(OWN)


def test_shift_and_trend_lengths_are_worded_apart_and_the_two_of_three_rule_only_when_on():
    options = SpcOptions(shift_length=8, trend_length=5, two_of_three=False)
    assert special_cause_rules(options) == (
        "a month outside the limits, eight months in a row on one side of the average, or five rising or falling "
        "one after another"
    )


def test_a_text_for_many_measures_uses_the_common_settings_and_names_the_exceptions():
    catalogue = load_catalogue()
    assert settings_in_force(catalogue.measures) == (catalogue.measures[0].spc, ())
    assert rules_text(catalogue.measures).endswith("a reading needs at least 15 monthly figures.")
    one = [replace(m, spc=OWN) if m.ref == "3.1" else m for m in catalogue.measures]
    assert settings_in_force(one)[1] == ("3.1",)
    assert rules_text(one).endswith("Measure 3.1 uses settings of its own, given on its page.")
    two = [replace(m, spc=OWN) if m.ref in ("3.1", "10.2") else m for m in catalogue.measures]
    assert rules_text(two).endswith("Measures 3.1 and 10.2 use settings of their own, given on their pages.")
    assert settings_in_force([]) == (DEFAULT_OPTIONS, ())
