"""The words of the judgement pieces, one wording for each case, worked out by hand from typed Assessments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard.components.judgements import (
    NO_TARGET,
    NOT_RATED,
    assurance_words,
    change_cell,
    change_words,
    figure_text,
    figure_words,
    rating_words,
    reading_up_to_words,
    target_cell,
    target_line,
    target_words,
    too_few_words,
    variation_cell,
    variation_words,
)
from measures.assessment.model import Assessment
from measures.assessment.spc import spc
from measures.domain.catalogue import Measure, Target
from measures.domain.spc_settings import SpcOptions

AT_LEAST_90 = Target("at_least", low=90, tolerance=5)
PERCENT = Measure("10.2", 10, "Visits on time", "Visits", "percent", "higher", decimals=1, target=AT_LEAST_90)
UNTARGETED = Measure("3.1", 3, "Assessments in time", "Assessments", "percent", "higher", decimals=1)
COUNT = Measure("2.5", 2, "Children in care", "Children in care", "count", "none")


def _assessment(**changes) -> Assessment:
    """A rated green month of PERCENT with a common-cause reading that includes it; `changes` override fields."""
    fields = {
        "ref": "10.2",
        "period": "2023-01",
        "status": "ok",
        "value": 92.0,
        "previous": 88.0,
        "direction": "up",
        "judgement": "better",
        "rag": "green",
        "variation": "common",
        "assurance": "hit-or-miss",
        "explanation": "",
        "small_denominator": False,
        "has_target": True,
        "spc": spc([], "higher", None),
        "spc_periods": tuple(f"2022-{month:02d}" for month in range(2, 13)) + ("2023-01",),
    }
    fields.update(changes)
    return Assessment(**fields)


def _text(component) -> str:
    """The words of a rendered component, as a reader sees them (children joined by spaces)."""
    if component is None:
        return ""
    if isinstance(component, str):
        return component
    if isinstance(component, list | tuple):
        return " ".join(part for part in (_text(item) for item in component) if part)
    return _text(getattr(component, "children", None))


@pytest.mark.parametrize(("rag", "words"), [("green", "On target"), ("amber", "Near target"), ("red", "Off target")])
def test_a_rated_figure_says_where_it_stands(rag, words):
    assessment = _assessment(rag=rag)
    assert target_words(assessment) == words
    assert target_line(PERCENT) == "Target: at least 90"
    assert _text(target_cell(PERCENT, assessment)) == f"{words} Target: at least 90"
    badge = target_cell(PERCENT, assessment).children[0]
    assert badge.className == f"badge rag-{rag} explained"
    assert badge.href == "/how-to-read#reading-target"  # the badge says what it means


@pytest.mark.parametrize("status", ["tbc", "new", "na", "suppressed", "missing"])
def test_a_target_with_no_figure_this_month_is_not_rated_and_never_reads_as_no_target(status):
    assessment = _assessment(status=status, value=None, direction="none", judgement="none", rag="none")
    assert target_words(assessment) == NOT_RATED == "Not rated: no figure"
    assert _text(target_cell(PERCENT, assessment)) == "Not rated: no figure Target: at least 90"
    assert NO_TARGET not in _text(target_cell(PERCENT, assessment))


def test_no_target_is_said_only_when_the_measure_has_none():
    assessment = _assessment(ref="3.1", rag="none", has_target=False, assurance="none")
    assert target_words(assessment) == NO_TARGET == "No target"
    assert target_line(UNTARGETED) is None
    assert _text(target_cell(UNTARGETED, assessment)) == "No target"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("tbc", "TBC"),
        ("new", "New measure"),
        ("na", "Not applicable"),
        ("suppressed", "Suppressed (small number)"),
        ("missing", "No figure"),
    ],
)
def test_a_month_without_a_figure_shows_its_status_never_a_number(status, words):
    assessment = _assessment(status=status, value=None)
    assert figure_words(PERCENT, assessment) == words
    assert figure_text(PERCENT, status, 12.0) == words  # a stray value behind a status is never shown


def test_a_figure_is_shown_in_the_measures_unit_and_precision():
    assert figure_words(PERCENT, _assessment(value=77.55)) == "77.6%"  # half up, one decimal
    assert figure_words(COUNT, _assessment(ref="2.5", value=193.0)) == "193"
    # "ok" with no value is not a figure
    assert figure_words(PERCENT, _assessment(value=None)) == "No figure"


@pytest.mark.parametrize(
    ("direction", "judgement", "words"),
    [
        ("up", "better", "Up, better"),
        ("down", "worse", "Down, worse"),
        ("up", "worse", "Up, worse"),
        ("down", "none", "Down"),  # no "good looks like" to judge by
        ("flat", "same", "No change"),
        ("flat", "better", "No change, better"),  # staying inside a target band
        ("none", "none", "No comparison"),
    ],
)
def test_the_change_in_words(direction, judgement, words):
    assessment = _assessment(direction=direction, judgement=judgement)
    assert change_words(assessment) == words
    cell = change_cell(assessment)
    assert cell.className == f"change judgement-{judgement}"
    assert _text(cell).endswith(words)


@pytest.mark.parametrize(
    ("variation", "words"),
    [
        ("improvement", "Significant improvement"),
        ("concern", "Significant change for the worse"),
        ("neither", "Unusual change, neither better nor worse"),
        ("common", "No significant change: normal variation"),
    ],
)
def test_each_kind_of_variation_in_words(variation, words):
    assessment = _assessment(variation=variation)
    assert variation_words(assessment) == words
    assert too_few_words(PERCENT, assessment) is None
    assert assessment.special_cause is (variation != "common")
    cell = variation_cell(PERCENT, assessment)
    assert cell.children[0].className == f"badge variation-{variation} explained"
    assert cell.children[0].href == "/how-to-read#reading-variation"
    assert _text(cell) == f"{words} Will sometimes meet and sometimes miss the target"


def test_too_few_months_counts_against_the_measures_own_minimum():
    assessment = _assessment(variation="insufficient", assurance="none", spc_periods=("2022-11", "2022-12", "2023-01"))
    assert variation_words(assessment) == "Too few months to judge yet"
    assert too_few_words(PERCENT, assessment) == "3 of 12 months needed"
    eight = replace(PERCENT, spc=SpcOptions(minimum_points=8))
    assert too_few_words(eight, assessment) == "3 of 8 months needed"
    assert _text(variation_cell(eight, assessment)) == "Too few months to judge yet 3 of 8 months needed"
    assert reading_up_to_words(assessment) is None  # no reading, so nothing to date


def test_a_reading_of_earlier_months_says_which_month_it_is_up_to():
    assessment = _assessment(
        status="tbc",
        value=None,
        rag="none",
        variation="improvement",
        assurance="fail",
        spc_periods=("2022-11", "2022-12"),
    )
    assert reading_up_to_words(assessment) == "Reading up to December 2022"
    assert _text(variation_cell(PERCENT, assessment)) == (
        "Significant improvement Reading up to December 2022 Will consistently miss the target"
    )


def test_a_reading_that_includes_the_month_says_nothing_more():
    assert reading_up_to_words(_assessment()) is None


@pytest.mark.parametrize(
    ("assurance", "words"),
    [
        ("pass", "Will consistently meet the target"),
        ("fail", "Will consistently miss the target"),
        ("hit-or-miss", "Will sometimes meet and sometimes miss the target"),
        ("none", None),
    ],
)
def test_the_assurance_in_words(assurance, words):
    assert assurance_words(_assessment(assurance=assurance)) == words


def test_every_judgement_of_a_tbc_month_with_a_target():
    assessment = _assessment(
        status="tbc",
        value=None,
        direction="none",
        judgement="none",
        rag="none",
        variation="common",
        assurance="fail",
        spc_periods=("2022-11", "2022-12"),
    )
    assert (
        figure_words(PERCENT, assessment),
        change_words(assessment),
        _text(target_cell(PERCENT, assessment)),
        _text(variation_cell(PERCENT, assessment)),
    ) == (
        "TBC",
        "No comparison",
        "Not rated: no figure Target: at least 90",
        "No significant change: normal variation Reading up to December 2022 Will consistently miss the target",
    )


@pytest.mark.parametrize(
    ("rag", "has_target", "words"),
    [
        ("green", True, "On target"),
        ("amber", True, "Near target"),
        ("red", True, "Off target"),
        ("none", True, "Not rated: no figure"),
        ("none", False, "No target"),
    ],
)
def test_a_figure_that_is_not_a_month_assessment_is_rated_in_the_same_words(rag, has_target, words):
    # A team's figure has no Assessment of its own; its rating reads as the service's would.
    assert rating_words(rag, has_target) == words
    assessment = _assessment(rag=rag, has_target=has_target)
    assert target_words(assessment) == words
