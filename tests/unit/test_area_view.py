"""An improvement area as data, against the demo data: cards, change sentences worked out by hand from the
published December 2022 and January 2023 figures, trend series and the audit-grade distribution."""

from __future__ import annotations

import pytest

from measures.storage import recording
from measures.storage.recording import UploadInfo, ValueRow
from measures.views.area import AUDIT_GRADES, build_area


@pytest.fixture
def timeliness(demo_engine):
    return build_area(demo_engine, 3, "2023-01")


def _card(view, ref):
    return next(card for card in view.cards if card.measure.ref == ref)


def test_the_area_has_its_title_outcomes_and_a_card_per_measure(timeliness):
    assert timeliness.area.number == 3 and timeliness.area.title == "Timeliness"
    assert len(timeliness.outcomes) == 3 and timeliness.outcomes[0].startswith("The MASH is high performing")
    assert [card.measure.ref for card in timeliness.cards] == ["3.1", "3.2", "3.3", "3.4"]
    assert timeliness.period == "2023-01"
    assert timeliness.grades == ()  # only area 4 has audit grades


def test_the_change_is_said_in_a_sentence(timeliness):
    # 198/291 = 68.0% in December 2022; 236/304 = 77.6% in January 2023; higher is better.
    assert _card(timeliness, "3.1").sentence == "Up from 68.0% to 77.6% since December 2022: better."
    # 11/18 = 61.1%; 24/37 = 64.9%.
    # 3.1 is special cause, improvement: better. 3.3's rise is common cause.
    assert _card(timeliness, "3.3").sentence == "Up from 61.1% to 64.9% since December 2022: within normal variation."
    assert _card(timeliness, "3.4").sentence == "Not yet reported (TBC)"


def test_sentences_for_falls_no_change_worse_and_no_polarity(demo_engine):
    view = build_area(demo_engine, 4, "2023-01")
    # 4.1 has no 'good looks like'; 4.1 and 4.2 (16/33, 16/31) are common cause.
    assert _card(view, "4.1").sentence == "Down from 33 to 31 since December 2022: within normal variation."
    assert _card(view, "4.2").sentence == "Up from 48.5% to 51.6% since December 2022: within normal variation."
    assert _card(view, "4.5").sentence == "No change since December 2022 (0.0%)."  # 0/33, 0/31
    workforce = build_area(demo_engine, 2, "2023-01")
    # 2.3 rose, against a run SPC reads as improvement: not called worse.
    assert _card(workforce, "2.3").sentence == "Up from 10 to 12 since December 2022: not significant on its own."


def test_a_new_measure_and_a_month_without_figures(demo_engine):
    send = build_area(demo_engine, 10, "2022-12")
    assert _card(send, "10.1").sentence == "Not yet reported (New measure)"
    empty = build_area(demo_engine, 3, "2024-05")
    assert _card(empty, "3.1").sentence == "No figure for May 2024."


def test_a_first_figure_has_nothing_to_compare_with(engine):
    recording.record_values(
        engine,
        [ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=236 / 304 * 100)],
        UploadInfo(kind="import", filename="test.xlsx"),
    )
    view = build_area(engine, 3, "2023-01")
    assert _card(view, "3.1").sentence == "77.6% in January 2023; no figure for December 2022 to compare with."
    assert not view.shows_synthetic


def test_the_trend_series_covers_the_last_24_months_with_synthetic_points_marked(timeliness):
    series = _card(timeliness, "3.1").series
    assert series[0].period == "2021-04"  # the demo's history starts here, inside the 24-month window
    assert series[-1].period == "2023-01" and series[-1].value == pytest.approx(236 / 304 * 100)
    assert (series[-1].numerator, series[-1].denominator) == (236, 304)
    assert [p.synthetic for p in series[-2:]] == [False, False]  # published months
    assert all(p.synthetic for p in series[:-2])
    assert _card(timeliness, "3.4").series == ()  # TBC is never a point
    assert timeliness.shows_synthetic


def test_the_series_never_runs_past_the_month_shown(demo_engine):
    view = build_area(demo_engine, 3, "2022-06")
    series = _card(view, "3.1").series
    assert series[-1].period == "2022-06" and series[0].period == "2021-04"
    short = build_area(demo_engine, 3, "2023-01")
    assert len(_card(short, "3.1").series) == 22  # April 2021 to January 2023


def test_cards_say_whether_team_figures_exist(timeliness):
    assert _card(timeliness, "3.1").has_teams and not _card(timeliness, "3.4").has_teams


def test_audit_grades_are_the_published_distribution(demo_engine):
    view = build_area(demo_engine, 4, "2023-01")
    assert [ref for ref, _ in AUDIT_GRADES] == ["4.5", "4.4", "4.3", "4.2"]
    by_month = {month.period: month for month in view.grades}
    # Published: January 2023 0 outstanding, 5 good, 10 requires improvement, 16 inadequate, of 31 audits.
    assert by_month["2023-01"].counts == (0, 5, 10, 16) and by_month["2023-01"].total == 31
    assert by_month["2022-12"].counts == (0, 3, 14, 16) and by_month["2022-12"].total == 33
    assert not by_month["2023-01"].synthetic and by_month["2022-11"].synthetic
    for month in view.grades:
        assert sum(month.counts) == month.total
    assert view.grades[-1].period == "2023-01" and len(view.grades) == 22


def test_no_period_means_the_latest_month(demo_engine):
    assert build_area(demo_engine, 3).period == "2023-01"


def test_unknown_area_and_bad_month_are_refused(demo_engine):
    with pytest.raises(KeyError):
        build_area(demo_engine, 11)
    with pytest.raises(ValueError):
        build_area(demo_engine, 3, "2023-13")


def test_an_empty_database_has_an_area_without_figures(engine):
    view = build_area(engine, 3)
    assert view.period is None and view.cards == () and view.area.title == "Timeliness"


def test_a_move_inside_the_band_is_said_to_be_within_the_target_range(demo_engine):
    # 2.2: 17.0 in December 2022, 17.2 in January 2023, target range 16 to 20: not "better".
    card = _card(build_area(demo_engine, 2, "2023-01"), "2.2")
    assert card.sentence == "Up from 17.0 to 17.2 since December 2022: within the target range."
