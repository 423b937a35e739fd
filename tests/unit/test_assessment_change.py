"""Direction, judgement and RAG at display precision; small denominators; typed-arrow checks."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from measures.assessment.change import (
    arrow_claim,
    arrow_contradiction,
    direction,
    judgement,
    moved_within_band,
    rag,
    round_half_up,
    small_denominator,
)
from measures.domain.catalogue import Measure, Target


def make_measure(polarity: str, decimals: int = 1, target: Target | None = None) -> Measure:
    return Measure(
        ref="9.9",
        area=9,
        title="A test measure",
        short_title="Test",
        unit="average",
        polarity=polarity,  # type: ignore[arg-type]
        decimals=decimals,
        target=target,
    )


CASELOAD_BAND = Target(kind="band", low=16.0, high=20.0)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (68.05, 1, Decimal("68.1")),  # repr is '68.05', so half-up gives 68.1 (binary 68.049999... would not)
        (1.005, 2, Decimal("1.01")),  # Python's round(1.005, 2) gives 1.0
        (2.5, 0, Decimal("3")),  # half up, not banker's rounding
        (-2.5, 0, Decimal("-3")),  # half away from zero
        (68.04, 1, Decimal("68.0")),
        (np.float64(17.25), 1, Decimal("17.3")),
        (Decimal("0.45"), 1, Decimal("0.5")),
        (None, 1, None),
        (float("nan"), 1, None),
        (pd.NA, 1, None),
    ],
)
def test_round_half_up(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


@pytest.mark.parametrize(
    ("current", "previous", "decimals", "expected"),
    [
        (68.0, 68.04, 1, "flat"),  # both show as 68.0
        (68.04, 68.0, 1, "flat"),
        (17.2, 17.0, 1, "up"),
        (17.0, 17.2, 1, "down"),
        (68.05, 68.0, 1, "up"),  # 68.05 shows as 68.1
        (1.005, 1.0, 2, "up"),  # 1.01 against 1.00
        (40.37, 38.89, 0, "up"),  # 40 against 39
        (77.06, 76.85, 0, "flat"),  # 77 against 77
        (77.06, 76.85, 1, "up"),  # 77.1 against 76.9
        (12, 10, 0, "up"),
        (31, 33, 0, "down"),
        (0, 0, 0, "flat"),
        (None, 17.0, 1, "none"),
        (17.0, None, 1, "none"),
        (float("nan"), 17.0, 1, "none"),
        (17.0, np.nan, 1, "none"),
        (pd.NA, 17.0, 1, "none"),
    ],
)
def test_direction_at_display_precision(current, previous, decimals, expected):
    assert direction(current, previous, decimals) == expected


def test_direction_rejects_text():
    with pytest.raises(TypeError):
        direction("17.2", 17.0, 1)


@pytest.mark.parametrize(
    ("polarity", "current", "previous", "expected"),
    [
        ("higher", 40.4, 38.9, "better"),
        ("higher", 41.5, 46.1, "worse"),
        ("higher", 68.0, 68.04, "same"),
        ("lower", 12, 10, "worse"),
        ("lower", 32.3, 42.4, "better"),
        ("lower", 17.24, 17.2, "same"),
        ("none", 31, 33, "none"),
        ("none", 33, 33, "none"),
        ("higher", 63.5, None, "none"),
        ("lower", None, 12, "none"),
    ],
)
def test_judgement_from_polarity(polarity, current, previous, expected):
    assert judgement(current, previous, make_measure(polarity)) == expected


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (15.0, 17.0, "better"),  # outside -> inside
        (14.0, 15.0, "better"),  # outside, 2.0 from the band -> outside, 1.0 from it: towards the band
        (22.0, 21.0, "better"),  # above the band, coming down towards it
        # Inside -> inside is neither better nor worse ("within the target range", see moved_within_band); it
        # was "better", so 2.2 read "Up, better" for 17.0 -> 17.2 around 16-20.
        (17.0, 17.2, "same"),
        (20.0, 16.0, "same"),  # edge to edge, still inside
        (21.0, 20.0, "better"),  # onto the edge counts as inside
        (19.0, 21.0, "worse"),  # inside -> outside
        (21.0, 22.0, "worse"),  # moving away from the band
        (15.5, 14.0, "worse"),
        (15.0, 21.0, "same"),  # 1.0 below the band -> 1.0 above it: no nearer, no further
        (17.2, 17.2, "same"),
        (17.2, 17.24, "same"),  # identical at display precision (17.2)
        (None, 17.2, "none"),
    ],
)
def test_judgement_for_a_range_measure(previous, current, expected):
    assert judgement(current, previous, make_measure("range", target=CASELOAD_BAND)) == expected


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (17.0, 17.2, True),  # 2.2 in January 2023
        (20.0, 16.0, True),  # edge to edge
        (15.0, 17.0, False),  # into the band: better, not "within"
        (19.0, 21.0, False),  # out of it
        (17.2, 17.24, False),  # no change at display precision
        (None, 17.2, False),
    ],
)
def test_a_move_inside_the_band_is_within_the_target_range(previous, current, expected):
    assert moved_within_band(current, previous, make_measure("range", target=CASELOAD_BAND)) is expected
    # Only a band has a range to move within.
    assert moved_within_band(current, previous, make_measure("higher")) is False


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (90, Target(kind="at_least", low=90, tolerance=5), "green"),
        (95.5, Target(kind="at_least", low=90, tolerance=5), "green"),
        (89.9, Target(kind="at_least", low=90, tolerance=5), "amber"),
        (85, Target(kind="at_least", low=90, tolerance=5), "amber"),  # exactly at the tolerance
        (84.9, Target(kind="at_least", low=90, tolerance=5), "red"),
        (89.9, Target(kind="at_least", low=90), "red"),  # no tolerance, no amber
        (1.0, Target(kind="at_least", low=1.1, tolerance=0.1), "amber"),  # float 1.1 - 0.1 is 1.0000000000000002
        (20, Target(kind="at_most", high=20, tolerance=4), "green"),
        (0, Target(kind="at_most", high=20, tolerance=4), "green"),
        (24, Target(kind="at_most", high=20, tolerance=4), "amber"),  # exactly at the tolerance
        (24.1, Target(kind="at_most", high=20, tolerance=4), "red"),
        (16, Target(kind="band", low=16, high=20, tolerance=1), "green"),
        (20, Target(kind="band", low=16, high=20, tolerance=1), "green"),
        (17.2, Target(kind="band", low=16, high=20, tolerance=1), "green"),
        (15, Target(kind="band", low=16, high=20, tolerance=1), "amber"),  # exactly at the tolerance below
        (21, Target(kind="band", low=16, high=20, tolerance=1), "amber"),  # exactly at the tolerance above
        (14.9, Target(kind="band", low=16, high=20, tolerance=1), "red"),
        (21.1, Target(kind="band", low=16, high=20, tolerance=1), "red"),
        (21, Target(kind="band", low=16, high=20), "red"),
        (Decimal("89.9"), Target(kind="at_least", low=90, tolerance=5), "amber"),
        (None, Target(kind="at_least", low=90, tolerance=5), "none"),
        (float("nan"), Target(kind="band", low=16, high=20), "none"),
        (95, None, "none"),
    ],
)
def test_rag(value, target, expected):
    assert rag(value, target) == expected


@pytest.mark.parametrize(
    ("denominator", "threshold", "expected"),
    [
        (4, 10, True),  # 8.2: 3/4
        (9, 10, True),
        (9.5, 10, True),
        (10, 10, False),
        (108, 10, False),
        (0, 10, True),
        (5, 5, False),
        (4.5, 5, True),
        (None, 10, False),
        (float("nan"), 10, False),
        (np.int64(7), 10, True),
    ],
)
def test_small_denominator(denominator, threshold, expected):
    assert small_denominator(denominator, threshold) is expected


def test_small_denominator_default_threshold_is_ten():
    assert (small_denominator(9), small_denominator(10)) == (True, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("↑", "up"),
        ("↓", "down"),
        (" ↑ ", "up"),
        ("⬆", "up"),
        ("▼", "down"),
        ("up", "up"),
        ("Down", "down"),
        ("increased", "up"),
        ("rising", "up"),
        ("fell", "down"),
        ("decreasing", "down"),
        ("ok", None),
        ("OK", None),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        ("↑↓", None),  # claims both: no claim
        ("upstream", None),  # a word, not "up"
    ],
)
def test_arrow_claim(text, expected):
    assert arrow_claim(text) == expected


@pytest.mark.parametrize(
    ("typed", "computed", "previous_text", "current_text", "expected"),
    [
        ("↑", "down", "46%", "41%", "The typed arrow says up but the value fell from 46% to 41%."),
        ("↓", "up", "39%", "40%", "The typed arrow says down but the value rose from 39% to 40%."),
        ("↓", "up", None, None, "The typed arrow says down but the value rose."),
        ("↑", "flat", "68.0%", "68.0%", "The typed arrow says up but the value did not change at 68.0%."),
        (
            "↓",
            "none",
            "",
            "63.5%",
            "The typed arrow says down but no change can be computed: the previous month has no value.",
        ),
        (
            "↑",
            "none",
            "12",
            "",
            "The typed arrow says up but no change can be computed: this month has no value.",
        ),
        (
            "↑",
            "none",
            None,
            None,
            "The typed arrow says up but no change can be computed: one of the two months has no value.",
        ),
        ("↑", "up", "10", "12", None),
        ("↓", "down", "33", "31", None),
        ("ok", "up", "17.0", "17.2", None),
        ("", "down", "1", "0", None),
        (None, "none", None, None, None),
    ],
)
def test_arrow_contradiction(typed, computed, previous_text, current_text, expected):
    assert arrow_contradiction(typed, computed, previous_text, current_text) == expected


def test_arrow_contradiction_rejects_an_unknown_direction():
    with pytest.raises(ValueError):
        arrow_contradiction("↑", "sideways")
