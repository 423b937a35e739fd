"""One assessment, said the same everywhere: for every measure and every month of the demo, the overview table's
row, the area page's card, the measure page's data and `python -m measures assess --json` carry the same verdicts.

The months walked are every month with any figure, the month before the first and the five months after the last
(when no measure has a figure), so months where some or all measures have none are covered (in January 2023,
10.2-10.7 have no figure and their SPC reading is of December 2022), and so are months whose newest figure is older
than the rating window (MEASURES_RATING_WINDOW_MONTHS, 3): from April 2023 the rating and the assurance are dropped
on every page, the measure page's icon and summary included.
"""

from __future__ import annotations

import json
import math

import pytest

from dashboard.components.charts.spc_chart import assurance_icon
from measures.cli.main import main
from measures.domain.periods import shift_period
from measures.storage import catalogue_records, reads
from measures.views.area import build_area
from measures.views.measure import build_measure_detail, load_measure_inputs, measure_detail
from measures.views.overview import build_overview

FIELDS = (
    "status",
    "value",
    "previous",
    "direction",
    "judgement",
    "rag",
    "variation",
    "assurance",
    "spc_points",
    "reading_up_to",
    "small_denominator",
    "variation_side",
    "basis",
    "spc_on",
    "rag_as_of",
    "within_target_range",
)
# Months walked past the last month with a figure: more than the rating window (3 months), so the walk meets months
# whose assurance is dropped because the newest figure is too old.
MONTHS_AFTER_THE_LAST = 5
# The words each assurance adds to the SPC reading (measures/assessment/spc.py), written out here so a page that says
# an assurance the assessment does not have is caught.
ASSURANCE_WORDS = {
    "pass": "so it should be met consistently",
    "fail": "so it will not be met without a change",
    "hit-or-miss": "so it will be met in some months and missed in others",
}


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return left == right


def _assurance_said(text: str) -> str:
    """The assurance a sentence states ("pass", "fail", "hit-or-miss"), or "none" when it states none."""
    said = [kind for kind, words in ASSURANCE_WORDS.items() if words in text]
    assert len(said) <= 1, text
    return said[0] if said else "none"


def _assurance_drawn(detail) -> str:
    """The assurance the measure page's icon shows, or "none" when it draws none."""
    icon = assurance_icon(detail)
    return "none" if icon is None else icon.className.split("assurance-icon-")[1]


def _record_variation(variation: str) -> str:
    """The variation `assess --json` gives for an assessment's variation: the contract's five values, so a measure
    with no SPC reading (its `spc_on` "none" says why) is "insufficient", no SPC judgement."""
    return "insufficient" if variation == "no-reading" else variation


def _cli_records(monkeypatch, capsys, url: str, period: str) -> dict[str, dict]:
    monkeypatch.setenv("MEASURES_DB_URL", url)
    capsys.readouterr()
    assert main(["assess", "--period", period, "--json"]) == 0
    return {record["ref"]: record for record in json.loads(capsys.readouterr().out)}


@pytest.fixture
def demo(demo_engine):
    catalogue = catalogue_records.read_catalogue(demo_engine)
    available = reads.available_periods(demo_engine)
    after = [shift_period(available[-1], step) for step in range(1, MONTHS_AFTER_THE_LAST + 1)]
    months = [shift_period(available[0], -1), *available, *after]
    return demo_engine, catalogue, months


def test_every_page_says_the_same_about_every_measure_and_month(demo, monkeypatch, capsys):
    engine, catalogue, months = demo
    url = engine.url.render_as_string(hide_password=False)
    inputs = {measure.ref: load_measure_inputs(engine, catalogue, measure.ref) for measure in catalogue.measures}
    disagreements: list[str] = []
    walked = 0
    seen = {
        "no figure": 0,
        "reading up to an earlier month": 0,
        "rated": 0,
        "special cause": 0,
        "rated from an earlier month": 0,
        "no SPC reading": 0,
        "assurance dropped: the newest figure is older than the rating window": 0,
    }

    def check(where: str, ref: str, period: str, said: dict, expected: dict) -> None:
        for name, value in said.items():
            if not _same(value, expected[name]):
                disagreements.append(f"{ref} {period}: {where} says {name}={value!r}, the overview {expected[name]!r}")

    for period in months:
        overview = {row.measure.ref: row for row in build_overview(engine, period=period).rows}
        cards = {
            card.measure.ref: card for area in catalogue.areas for card in build_area(engine, area.number, period).cards
        }
        records = _cli_records(monkeypatch, capsys, url, period)
        assert set(overview) == set(cards) == set(records) == set(catalogue.refs)
        for measure in catalogue.measures:
            ref = measure.ref
            walked += 1
            row = overview[ref]
            expected = {name: getattr(row.assessment, name) for name in FIELDS}
            assert row.assessment.period == period
            seen["no figure"] += not row.assessment.has_figure
            seen["reading up to an earlier month"] += row.assessment.reading_up_to is not None
            seen["rated"] += row.assessment.target_reading == "rated"
            seen["special cause"] += row.assessment.special_cause
            seen["no SPC reading"] += row.assessment.variation == "no-reading"
            seen["rated from an earlier month"] += row.assessment.rated_earlier
            seen["assurance dropped: the newest figure is older than the rating window"] += (
                row.assessment.spc.assurance != "none" and row.assessment.assurance == "none"
            )

            # The overview's own cells agree with its assessment.
            latest = row.latest
            check(
                "the overview's figure cell",
                ref,
                period,
                {"status": latest.status, "value": latest.value if latest.status == "ok" else None},
                expected,
            )
            if row.assessment.has_figure:
                check("the overview's trend", ref, period, {"value": row.trend[-1][1]}, expected)

            # The area view takes its rows from the overview model, so this checks the card is given its own
            # measure's row; the area's own figures (its trend series) are checked next, from its own read.
            card = cards[ref]
            check("the area card", ref, period, {name: getattr(card.row.assessment, name) for name in FIELDS}, expected)
            if row.assessment.has_figure:
                point = card.series[-1]
                check(
                    "the area card's trend",
                    ref,
                    period,
                    {"value": point.value if point.period == period else None},
                    expected,
                )

            detail = measure_detail(inputs[ref], period)
            check(
                "the measure page's assessment",
                ref,
                period,
                {name: getattr(detail.assessment, name) for name in FIELDS},
                expected,
            )
            check(
                "the measure page",
                ref,
                period,
                {
                    "status": detail.current.status,
                    "value": detail.current.value,
                    "previous": detail.previous.value if detail.previous.counted else None,
                    "direction": detail.direction,
                    "judgement": detail.judgement,
                    "rag": detail.rag,
                    "variation": detail.spc.variation,
                    "spc_points": len(detail.spc_points),
                    "small_denominator": detail.small_denominator,
                    "reading_up_to": (
                        detail.spc_periods[-1]
                        if detail.spc.variation not in ("insufficient", "no-reading")
                        and detail.spc_periods[-1] != period
                        else None
                    ),
                    # The month the rating reads is the measure page's own latest figure, when there is a rating.
                    "rag_as_of": (
                        detail.last_counted.period if detail.rag != "none" and detail.last_counted is not None else None
                    ),
                },
                expected,
            )
            # What the measure page draws and says about the assurance: its icon, its summary and the SPC reading.
            for where, assurance in (
                ("the measure page's assurance icon", _assurance_drawn(detail)),
                ("the measure page's summary", _assurance_said(detail.summary)),
                ("the measure page's SPC reading", _assurance_said(detail.assessment.explanation)),
            ):
                check(where, ref, period, {"assurance": assurance}, expected)
            if detail.last_counted is not None and expected["reading_up_to"] is not None:
                check(
                    "the measure page's latest figure",
                    ref,
                    period,
                    {"reading_up_to": detail.last_counted.period},
                    expected,
                )

            record = records[ref]
            check(
                "assess --json",
                ref,
                period,
                {
                    name: record[name]
                    for name in FIELDS
                    if name not in ("reading_up_to", "rag_as_of", "within_target_range")
                }
                | {"rag_as_of": record["as_of"]},
                expected | {"variation": _record_variation(expected["variation"])},
            )
            check(
                "assess --json's explanation",
                ref,
                period,
                {"assurance": _assurance_said(record["explanation"])},
                expected,
            )
            assert record["period"] == period

    assert disagreements == [], "\n".join(disagreements)
    assert walked == len(catalogue.measures) * len(months)
    # The walk covers every kind of month it claims to, so it cannot pass by finding nothing to compare.
    assert all(count > 0 for count in seen.values()), seen


def test_the_measure_page_built_through_the_database_matches_the_pure_walk(demo):
    engine, catalogue, months = demo
    for ref, period in (("10.2", "2023-01"), ("3.1", "2023-01"), ("3.4", months[-1]), ("2.2", months[0])):
        built = build_measure_detail(engine, ref, period)
        pure = measure_detail(load_measure_inputs(engine, catalogue, ref), period)
        assert built.assessment == pure.assessment
        assert built.summary == pure.summary


def test_a_recalculation_a_baseline_and_a_dated_target_are_read_the_same_everywhere(demo, monkeypatch, capsys):
    from measures.storage import chart_changes
    from measures.storage.edits import TargetChange, change_target

    engine, _, _ = demo
    url = engine.url.render_as_string(hide_password=False)
    chart_changes.add_process_change(engine, "3.1", "2022-02", reason="MASH co-located", actor="admin.a")
    chart_changes.set_baseline(engine, "2.1", "2021-04", "2022-03", reason="The year before the review", actor="a")
    change_target(
        engine, "3.1", TargetChange(kind="at_least", low=75.0), "admin.a", effective_from="2022-12", reason="B"
    )
    catalogue = catalogue_records.read_catalogue(engine)
    for period in ("2022-11", "2023-01"):
        overview = {row.measure.ref: row for row in build_overview(engine, period=period).rows}
        records = _cli_records(monkeypatch, capsys, url, period)
        for ref in ("3.1", "2.1"):
            expected = overview[ref].assessment
            card = next(
                c for c in build_area(engine, catalogue.measure(ref).area, period).cards if c.measure.ref == ref
            )
            detail = build_measure_detail(engine, ref, period)
            for said in (card.row.assessment, detail.assessment):
                assert [getattr(said, name) for name in FIELDS] == [getattr(expected, name) for name in FIELDS]
            record = records[ref]
            assert (record["variation"], record["rag"], record["assurance"]) == (
                _record_variation(expected.variation),
                expected.rag,
                expected.assurance,
            )
        # The recalculated reading differs from the unrecalculated one the chart keeps beside it.
        assert overview["3.1"].assessment.spc.segments and overview["3.1"].assessment.spc.original is not None
    # 3.1 is rated against its target only from December 2022, when the dated target applies.
    assert _cli_records(monkeypatch, capsys, url, "2023-01")["3.1"]["rag"] != "none"
    assert _cli_records(monkeypatch, capsys, url, "2022-11")["3.1"]["rag"] == "none"
