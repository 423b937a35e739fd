"""The meeting pack's model computed from inputs built here: which measures are of concern and why, the month's
commentary, and the small SPC chart drawn from an assessment (shapes, labels, lines kept apart)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd

from dashboard.components.charts.spc_mini import LABEL_GAP, _spread, spc_mini_description, spc_mini_svg
from measures.domain.catalogue import Target
from measures.views.overview import overview_model
from measures.views.pack import concern_reasons, month_commentary
from tests.unit.test_overview_model import FALLING, INPUTS, SHIFTING, TO_CONFIRM

MODEL = overview_model(INPUTS)
ROWS = {row.measure.ref: row for row in MODEL.rows}


def test_a_measure_off_target_is_of_concern_and_says_so():
    # 1.2 fell from 88 to 80 against "at least 90, amber within 5": red, with too few months for an SPC reading.
    assert concern_reasons(ROWS[FALLING.ref]) == ("Off target",)


def test_a_measure_on_target_and_improving_is_of_no_concern():
    # 1.1: seven months above its mean (special cause, improvement), 13 against "at least 12": green.
    assert concern_reasons(ROWS[SHIFTING.ref]) == ()


def test_an_earlier_month_on_target_is_no_concern_when_the_month_is_to_be_confirmed():
    # 1.3 is TBC in December; November's 60 meets "at least 50", and an earlier month on target is no concern.
    assert concern_reasons(ROWS[TO_CONFIRM.ref]) == ()


def test_the_months_commentary_is_the_latest_entry_of_that_month_only():
    at = datetime(2023, 2, 6, tzinfo=UTC)
    frame = pd.DataFrame(
        [
            {"ref": "3.1", "period": "2023-01", "text": "First word", "author": "A", "created_at": at},
            {"ref": "3.1", "period": "2023-01", "text": "Second word", "author": "B", "created_at": at},
            {"ref": "3.2", "period": "2023-01", "text": "   ", "author": "C", "created_at": at},
            {"ref": "3.3", "period": "2022-12", "text": "December", "author": "D", "created_at": at},
        ]
    )
    notes = month_commentary(frame, "2023-01")
    assert list(notes) == ["3.1"]
    assert (notes["3.1"].text, notes["3.1"].author, notes["3.1"].period) == ("Second word", "B", "2023-01")


def test_the_small_chart_draws_each_month_in_its_shape_with_its_lines_labelled():
    row = ROWS[SHIFTING.ref]
    svg = spc_mini_svg(row.measure, row.assessment, SHIFTING.target)
    assert svg is not None
    # Twelve months: the first five common cause (circles), the last seven a shift above the mean (diamonds).
    assert svg.count("<circle") == 5 and svg.count("<polygon") == 7
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert labels[-2:] == ["Jan-22", "Dec-22"]
    # Mean 12.33, limits 8.22 to 16.44, target at least 12: each line named with its value.
    assert {"Mean 12.3%", "Upper 16.4%", "Lower 8.2%", "Target 12.0%"} <= set(labels)
    assert 'stroke-dasharray="4 2"' in svg  # the limits are dashed, not only grey
    description = spc_mini_description(row.measure, row.assessment)
    assert description.startswith("SPC chart of 1.1, 12 monthly figures from January 2022 to December 2022")
    assert "7 months shown as diamonds: significant improvement" in description


def test_the_small_chart_keeps_its_labels_apart_even_when_the_lines_are_close():
    placed = _spread([(8.0, "Upper", ""), (9.0, "Target", ""), (70.0, "Mean", ""), (74.0, "Lower", "")], 9, 79)
    heights = [y for y, _, _ in placed]
    assert [text for _, text, _ in placed] == ["Upper", "Target", "Mean", "Lower"]
    assert all(lower - upper >= LABEL_GAP for upper, lower in zip(heights, heights[1:], strict=False))
    assert heights[0] >= 9


def test_two_months_are_drawn_and_one_is_not():
    row = ROWS[FALLING.ref]  # two months, too few for limits: drawn as plain circles, no mean or limits
    svg = spc_mini_svg(row.measure, row.assessment, Target(kind="at_least", low=90))
    assert svg is not None and svg.count("<circle") == 2 and "Mean" not in svg
    one = ROWS[TO_CONFIRM.ref]  # November's figure only (December is TBC)
    assert spc_mini_svg(one.measure, one.assessment, TO_CONFIRM.target) is None


def test_a_rating_changed_after_publication_is_named_on_the_cover_the_demos_are_not(demo_engine):
    from measures.storage import plan as plan_store
    from measures.views.pack import build_pack

    assert build_pack(demo_engine, "2023-01").ratings_revised == ()  # the demo's ratings are loaded as published
    plan_store.record_ratings(
        demo_engine,
        [plan_store.RatingRow("1.1", "2023-01", "Red", "Lead left")],
        actor="Olu Officer",
        source="page",
        reason="Rated at the board",
    )
    assert build_pack(demo_engine, "2023-01").ratings_revised == ("1.1",)
    assert build_pack(demo_engine, "2022-12").ratings_revised == ()
