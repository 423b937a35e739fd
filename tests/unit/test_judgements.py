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
from measures.assessment.change import direction, judgement
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
    ("direction", "judgement", "variation", "words", "style"),
    [
        # Colour and "better"/"worse" only where the change goes the way a special-cause reading goes.
        ("up", "better", "improvement", "Up 4.0 points, better", "judgement-better"),
        ("down", "worse", "concern", "Down 4.0 points, worse", "judgement-worse"),
        # Common cause (4.2 in January 2023 was "Up, worse" in red): said in words, in a neutral style.
        ("up", "worse", "common", "Up 4.0 points, within normal variation", "judgement-neutral"),
        ("up", "better", "common", "Up 4.0 points, within normal variation", "judgement-neutral"),
        # Too few months for a reading: said so, neutrally.
        ("up", "better", "insufficient", "Up 4.0 points, too few months to judge", "judgement-neutral"),
        # Special cause the other way (2.3 was "Up, worse" beside "Special cause: improvement").
        ("up", "worse", "improvement", "Up 4.0 points, not significant on its own", "judgement-neutral"),
        ("down", "better", "concern", "Down 4.0 points, not significant on its own", "judgement-neutral"),
        # A target band: SPC reads "neither", which is by definition neither better nor worse, so a move into or
        # towards the band (or away) is not singled out: said in words, neutral.
        ("down", "better", "neither", "Down 4.0 points, not significant on its own", "judgement-neutral"),
        ("up", "worse", "neither", "Up 4.0 points, not significant on its own", "judgement-neutral"),
        ("up", "same", "neither", "Up 4.0 points, neither better nor worse", "judgement-neutral"),  # 15 -> 21
        ("down", "none", "neither", "Down 4.0 points", "judgement-neutral"),  # no "good looks like" to judge by
        ("flat", "same", "common", "No change", "judgement-none"),
        ("none", "none", "common", "No comparison", "judgement-none"),
    ],
)
def test_the_change_in_words(direction, judgement, variation, words, style):
    value, previous = {"up": (92.0, 88.0), "down": (88.0, 92.0), "flat": (92.0, 92.0), "none": (None, 92.0)}[direction]
    assessment = _assessment(
        direction=direction, judgement=judgement, variation=variation, value=value, previous=previous
    )
    assert change_words(PERCENT, assessment) == words
    cell = change_cell(PERCENT, assessment)
    assert cell.className == f"change {style}"
    assert _text(cell).endswith(words)


@pytest.mark.parametrize("variation", ["common", "neither", "improvement", "insufficient"])
def test_a_move_inside_a_target_band_is_within_the_target_range_whatever_the_reading(variation):
    band = Measure(
        "2.2", 2, "Caseload", "Caseload", "average", "range", decimals=1, target=Target("band", low=16, high=20)
    )
    assessment = _assessment(
        ref="2.2",
        value=17.2,
        previous=17.0,
        judgement="same",
        within_target_range=True,
        variation=variation,
    )
    assert change_words(band, assessment) == "Up 0.2, within the target range"
    assert change_cell(band, assessment).className == "change judgement-neutral"


@pytest.mark.parametrize(
    ("measure", "value", "previous", "words"),
    [
        # A percentage moves in points, at its display precision: 48.48% -> 51.61% shows as 48.5% -> 51.6%.
        (PERCENT, 51.61290322580645, 48.484848484848484, "Up 3.1 points, within normal variation"),
        (PERCENT, 68.04, 68.0, "No change"),  # both 68.0% as shown
        (PERCENT, 68.05, 68.0, "Up 0.1 points, within normal variation"),  # 68.1% against 68.0%
        (replace(PERCENT, decimals=0), 52.0, 51.0, "Up 1 point, within normal variation"),
        # A count (or a rate) moves by the plain difference.
        (COUNT, 190.0, 193.0, "Down 3, within normal variation"),
        (replace(COUNT, decimals=1, unit="average"), 17.2, 17.0, "Up 0.2, within normal variation"),
    ],
)
def test_a_common_cause_change_says_how_far_it_moved_in_the_measures_unit(measure, value, previous, words):
    assessment = _assessment(
        ref=measure.ref,
        value=value,
        previous=previous,
        direction=direction(value, previous, measure.decimals),
        judgement=judgement(value, previous, measure),
        variation="common",
    )
    assert change_words(measure, assessment) == words


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
    assert too_few_words(PERCENT, assessment) == "3 of 15 months needed"
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
        change_words(PERCENT, assessment),
        _text(target_cell(PERCENT, assessment)),
        _text(variation_cell(PERCENT, assessment)),
    ) == (
        "TBC",
        "No comparison",
        "Not rated: no figure Target: at least 90",
        "No significant change: normal variation Reading up to December 2022 Will consistently miss the target",
    )


@pytest.mark.parametrize(
    ("rag", "words", "style"),
    [
        # A TBC month after a month off target stays off target, saying whose figure it is.
        ("red", "Off target, as at December 2022", "rag-red"),
        ("amber", "Near target, as at December 2022", "rag-amber"),
        # A TBC month after a month on target is not a success: not rated, with the earlier month said plainly.
        ("green", "Not rated: no figure (on target in December 2022)", "rag-none"),
    ],
)
def test_a_tbc_month_is_rated_from_the_earlier_figure_and_says_its_month(rag, words, style):
    assessment = _assessment(
        status="tbc",
        value=None,
        direction="none",
        judgement="none",
        rag=rag,
        rag_as_of="2022-12",
        spc_periods=("2022-11", "2022-12"),
    )
    assert target_words(assessment) == words
    cell = target_cell(PERCENT, assessment)
    assert _text(cell) == f"{words} Target: at least 90"
    badges = [part for part in cell.children if part is not None and "badge" in (part.className or "")]
    assert [badge.className for badge in badges] == [f"badge {style} explained"]  # linked to what it means
    # The month's own figure needs no month: the page says which month it is.
    own = _assessment(rag=rag, rag_as_of="2023-01")
    assert target_words(own) == {"red": "Off target", "amber": "Near target", "green": "On target"}[rag]


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


@pytest.mark.parametrize(
    ("side", "words"),
    [("high", "Unusually high, neither better nor worse"), ("low", "Unusually low, neither better nor worse")],
)
def test_special_cause_neither_says_which_side(side, words):
    assessment = _assessment(variation="neither", variation_side=side, assurance="none")
    assert variation_words(assessment) == words
    assert _text(variation_cell(PERCENT, assessment)) == words


def test_a_rolling_figure_says_why_there_is_no_reading():
    reason = "No SPC reading: a rolling 12-month figure overlaps month to month, so its points are not independent."
    assessment = _assessment(
        variation="no-reading", assurance="none", explanation=reason, basis="rolling-12", spc_on="none"
    )
    assert variation_words(assessment) == "No SPC reading"
    assert too_few_words(PERCENT, assessment) is None and reading_up_to_words(assessment) is None
    assert _text(variation_cell(PERCENT, assessment)) == (
        "No SPC reading A rolling 12-month figure overlaps month to month, so its points are not independent."
    )


def test_a_reading_of_derived_monthly_figures_says_so():
    assessment = _assessment(basis="year-to-date", spc_on="derived-monthly")
    assert _text(variation_cell(PERCENT, assessment)) == (
        "No significant change: normal variation SPC is read on the monthly figures derived from the year-to-date "
        "counts. Will sometimes meet and sometimes miss the target"
    )
