"""The words of national comparators, worked by hand from comparators built in the test."""

from __future__ import annotations

from measures.views.national_wording import (
    CREDIT_LINE,
    comparator_line,
    comparator_sentence,
    figure_or_status,
    latest_note,
    national_summary,
    newer_year_note,
    no_comparator_sentence,
    quartile_hint,
    quartile_text,
    value_text,
    year_text,
)
from tests.national_examples import comparators, no_comparator, year


def test_the_short_line_names_the_year_first_and_every_comparator():
    # Neighbours 58, 56, 60, 57, 59: mean 290 / 5 = 58.0.
    assert (
        comparator_line(comparators(year())) == "2023-24: 61.0% · England 66.0% · neighbours 58.0% · rank 97 of 151 · C"
    )


def test_the_line_reads_the_latest_year_with_a_council_figure_and_the_note_names_it():
    older, newer = year("2022-23", council=64.0), year("2023-24")
    assert comparator_line(comparators(older, newer)).startswith("2023-24: 61.0%")
    assert latest_note(comparators(older, newer)) == "Latest national figures are for 2023-24"
    assert comparator_line(comparators(older, newer), older).startswith("2022-23: 64.0%")


def test_a_suppressed_council_figure_is_a_word_never_zero():
    only = comparators(year(council=None, council_status="suppressed", rank=None, quartile=None))
    assert comparator_line(only) == "2023-24: Herefordshire suppressed · England 66.0% · neighbours 58.0%"
    assert "0.0" not in comparator_line(only)
    assert comparator_sentence(only).startswith("In 2023-24 Herefordshire's figure was suppressed, against England")


def test_a_newer_year_without_the_councils_figure_is_named_beside_the_older_one():
    shown = comparators(year("2022-23", council=64.0), year("2023-24", council=None, council_status="not published"))
    assert latest_note(shown) == "Latest national figures for Herefordshire are for 2022-23"
    assert newer_year_note(shown) == "Later: no Herefordshire figure for 2023-24 (not published)"
    assert newer_year_note(comparators(year())) == ""
    assert comparator_sentence(shown).endswith(
        "National figures for 2023-24 are out, but Herefordshire's figure is not published."
    )


def test_an_average_of_fewer_neighbours_says_how_many():
    # Devon suppressed: (58 + 60 + 57 + 59) / 4 = 58.5.
    shown = comparators(year(neighbour_values=(58.0, None, 60.0, 57.0, 59.0)))
    assert "neighbours 58.5% (4 of 5)" in comparator_line(shown)
    assert "the average of 4 of its 5 statistical neighbours 58.5% (neighbour groups of April 2021)" in (
        comparator_sentence(shown)
    )


def test_the_full_sentence_says_what_rank_and_quartile_mean():
    assert comparator_sentence(comparators(year(edition="May 2025"))) == (
        "In 2023-24 Herefordshire's figure was 61.0%, against England 66.0%, West Midlands 63.0% and the average "
        "of its 5 statistical neighbours 58.0% (neighbour groups of May 2025); rank 97 of 151 councils with a "
        "figure (1 is the best), quartile C (A is the best quarter)."
    )


def test_no_rank_or_quartile_for_an_item_without_a_direction_of_good():
    line = comparator_line(comparators(year(rank=None, quartile=None)))
    assert line == "2023-24: 61.0% · England 66.0% · neighbours 58.0%"


def test_a_provisional_year_says_so():
    assert comparator_line(comparators(year(release="provisional"))).startswith("2023-24, provisional: ")


def test_values_take_the_measures_unit_and_decimals():
    assert value_text(17.25, "average", 1) == "17.3"  # half up, as every figure of the dashboard
    assert value_text(1204.0, "count", 0) == "1,204"
    assert value_text(None, "percent", 1) == ""
    assert figure_or_status(None, "not available", "percent", 1) == "not available"
    assert figure_or_status(None, "", "percent", 1) == "no figure"
    line = comparator_line(comparators(year(council=17.25, england=16.0, neighbour_values=(15.0,) * 5), unit="average"))
    assert line == "2023-24: 17.3 · England 16.0 · neighbours 15.0 · rank 97 of 151 · C"


def test_quartile_words_and_the_credit():
    assert quartile_text("A") == "quartile A (A is the best quarter)"
    assert quartile_text(None) == ""
    assert quartile_hint("D").startswith("Quartile D: quartile bands run from A, the best quarter")
    assert CREDIT_LINE == "Source: Department for Education, Local Authority Interactive Tool"


def test_the_summary_sentence_part_names_the_year_before_any_figure():
    text = national_summary(comparators(year()))
    assert text.startswith("Latest national figures are for 2023-24. In 2023-24 Herefordshire's figure was 61.0%")
    assert national_summary(no_comparator()) == ""
    assert national_summary(None) == ""


def test_a_measure_without_a_comparator_says_why():
    assert no_comparator_sentence(no_comparator(reason="LAIT counts care leavers at 19 only.")) == (
        "There is no national comparator for this measure. LAIT counts care leavers at 19 only."
    )
    assert no_comparator_sentence(no_comparator(reason="No national comparator: audits are the council's own")) == (
        "No national comparator: audits are the council's own."
    )


def test_a_provisional_or_revised_year_says_so_and_a_final_or_first_release_does_not():
    assert [year_text(year(release=release)) for release in ("", "provisional", "revised", "final")] == [
        "2023-24",
        "2023-24, provisional",
        "2023-24, revised",
        "2023-24",
    ]
