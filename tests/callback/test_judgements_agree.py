"""Every page that judges a measure says the same words about the same month: the overview table, the area
card, the meeting pack and the measure page, requested through the page router as the browser does, for every
measure of the demo. The expected words come from the overview's typed Assessment through the one set of
judgement pieces; the measure page makes its judgements from its own view, so this also holds the two
together."""

from __future__ import annotations

import pytest

from dashboard.components.judgements import (
    NO_TARGET,
    NOT_RATED,
    assurance_words,
    change_class,
    change_words,
    figure_words,
    reading_up_to_words,
    spc_basis_words,
    target_line,
    target_words,
    too_few_words,
    variation_words,
)
from dashboard.server import data
from measures.domain.formatting import ASSURANCE_TEXT, RAG_TEXT
from measures.returns.importer import import_return
from measures.views.overview import build_overview
from tests.auth_helpers import client_as
from tests.rendered import classes, components, rendered, spoken
from tests.returns.builders import template_row, template_workbook

TARGET_WORDS = (*RAG_TEXT.values(), NOT_RATED, NO_TARGET)
# How the SPC reading's assurance sentences end (measures/assessment/spc.py), written out here.
ASSURANCE_SENTENCE_ENDS = (
    "so it should be met consistently",
    "so it will not be met without a change",
    "so it will be met in some months and missed in others",
)


def _page(client, path: str, period: str):
    return rendered(client, path, f"?period={period}")


def _part(tree, first_class: str):
    """The one component in `tree` whose first class is `first_class`."""
    found = [c for c in components(tree) if classes(c)[:1] == [first_class]]
    assert len(found) == 1, (first_class, len(found))
    return found[0]


def _by_ref(tree, kind: str) -> dict[str, dict]:
    return {c["props"]["data-ref"]: c for c in components(tree) if c["type"] == kind and "data-ref" in c["props"]}


def _expected(measure, assessment) -> dict[str, str]:
    spc = (
        variation_words(assessment),
        spc_basis_words(assessment),
        too_few_words(measure, assessment),
        reading_up_to_words(assessment),
        assurance_words(assessment),
    )
    return {
        "figure": figure_words(measure, assessment),
        "change": change_words(measure, assessment),
        "target": " ".join(part for part in (target_words(assessment), target_line(measure)) if part),
        "rating": target_words(assessment),
        "spc": " ".join(part for part in spc if part),
    }


def _table_row(row) -> dict[str, str]:
    return {
        "figure": spoken([c for c in components(row) if "latest" in classes(c)]),
        "change": spoken(_part(row, "change")),
        "target": spoken(_part(row, "rag")),
        "spc": spoken(_part(row, "spc")),
    }


def _card(card) -> dict[str, str]:
    return {
        "figure": spoken(_part(card, "card-figure")),
        "change": spoken(_part(card, "card-change-words")),
        "target": spoken(_part(card, "card-rag")),
        "spc": spoken(_part(card, "card-spc")),
    }


def _without_help_links(tree):
    """`tree` without its "What does this mean?" links: help beside the judgement, not the judgement's words."""
    if isinstance(tree, list):
        return [_without_help_links(item) for item in tree if not _is_help_link(item)]
    if isinstance(tree, dict) and "props" in tree:
        return {**tree, "props": {**tree["props"], "children": _without_help_links(tree["props"].get("children"))}}
    return tree


def _is_help_link(tree) -> bool:
    return isinstance(tree, dict) and "props" in tree and "meaning-link" in classes(tree)


def _measure_page(tree) -> dict[str, str]:
    facts = {c["props"]["data-fact"]: c for c in components(tree) if "data-fact" in c["props"]}
    target = facts["target"]
    badges = [c for c in components(target) if "badge" in classes(c)]
    return {
        "figure": spoken(_part(facts["current"], "card-figure")),
        "change": spoken(_part(facts["previous"], "card-change")).removeprefix("Change: "),
        # The target is the card's figure; the rating is its badge, or the figure itself when there is no target.
        "rating": spoken(badges) if badges else spoken(_part(target, "card-figure")),
        "target card": spoken(target),
        "spc": spoken(_without_help_links(facts["spc"])).removeprefix("Variation (SPC)").strip(),
    }


@pytest.mark.parametrize("period", ["2022-12", "2023-01"])
def test_every_page_says_the_same_about_every_measure(app, period):
    model = build_overview(data.engine(), period=period)
    client = client_as(app, "viewer")
    overview = _by_ref(_page(client, "/", period), "Tr")
    pack = _by_ref(_page(client, "/pack", period), "Tr")
    cards = {}
    for area, _ in model.groups:
        cards.update(_by_ref(_page(client, f"/area/{area.number}", period), "Article"))
    assert len(model.rows) > 30
    if period == "2023-01":  # the month has every case: rated, no target, a target but no figure, an earlier reading
        cases = {row.assessment.target_reading for row in model.rows}
        cases |= {"reading up to" for row in model.rows if row.assessment.reading_up_to}
        cases |= {"rated from an earlier month" for row in model.rows if row.assessment.rated_earlier}
        cases |= {"a change within normal variation" for row in model.rows if row.assessment.variation == "common"}
        cases |= {"a significant change" for row in model.rows if row.assessment.significant_change}
        assert cases == {
            "rated",
            "no-target",
            "no-figure",
            "reading up to",
            "rated from an earlier month",
            "a change within normal variation",
            "a significant change",
        }
    for row in model.rows:
        measure, assessment = row.measure, row.assessment
        expected = _expected(measure, assessment)
        ref = measure.ref
        in_overview, in_pack, on_card = _table_row(overview[ref]), _table_row(pack[ref]), _card(cards[ref])
        on_page = _measure_page(_page(client, f"/measure/{ref}", period))
        for key in ("change", "target", "spc"):
            assert in_overview[key] == in_pack[key] == on_card[key] == expected[key], (ref, key)
        # Colour only for a significant change: every page styles the change the same way.
        style = change_class(assessment)
        assert style == ("judgement-neutral" if assessment.direction in ("up", "down") else "judgement-none") or (
            assessment.significant_change and style in ("judgement-better", "judgement-worse")
        )
        for where, first in ((overview[ref], "change"), (pack[ref], "change"), (cards[ref], "card-change-words")):
            assert style in classes(_part(where, first)), (ref, first)
        for key in ("change", "rating", "spc"):
            assert on_page[key] == expected[key], (ref, key, on_page[key])
        # The tables show counts beside a percentage, and the card and the measure page put them apart.
        for shown in (in_overview, in_pack, on_card, on_page):
            assert expected["figure"] in shown["figure"], (ref, shown["figure"])
        # No other rating's words anywhere near the target on the measure page
        # ("Off target, as at December 2022" holds "Off target": the rating's own words are taken out first.)
        rest = on_page["target card"].replace(expected["rating"], "")
        others = [words for words in TARGET_WORDS if words != expected["rating"] and words in rest]
        assert others == [], (ref, others)


@pytest.mark.parametrize("period", ["2023-04", "2023-05"])
def test_an_assurance_the_rating_window_drops_is_said_nowhere(app, period):
    """The demo's last figures are of January 2023 (December 2022 for 10.4-10.7): from April 2023 those are older
    than the rating window (3 months), so the overview, the area cards and the pack show no assurance. The measure
    page, drawn from the chart, still showed "Will consistently miss the target" and its summary said so. An officer
    sees these draft months, so the pages are asked for as an officer."""
    model = build_overview(data.engine(), period=period)
    dropped = [
        row for row in model.rows if row.assessment.assurance == "none" and row.assessment.spc.assurance != "none"
    ]
    assert {"10.4", "10.5", "10.7"} <= {row.measure.ref for row in dropped}
    client = client_as(app, "officer")
    overview = _by_ref(_page(client, "/", period), "Tr")
    for row in dropped:
        ref, expected = row.measure.ref, _expected(row.measure, row.assessment)
        page = _page(client, f"/measure/{ref}", period)
        assert _table_row(overview[ref])["spc"] == _measure_page(page)["spc"] == expected["spc"], ref
        said = [
            words for words in (*ASSURANCE_TEXT.values(), *ASSURANCE_SENTENCE_ENDS) if words and words in spoken(page)
        ]
        assert said == [], (ref, said)


def test_area_10_in_january_2023_rates_from_december_and_says_so(app):
    """For January 2023, 10.2-10.7 are TBC with a target of at least 90%: the card said "No target" beside
    "Target: at least 90%", and showed 10.2's SPC reading without saying it reads up to December. Then it said
    "Not rated: no figure", hiding that December was off target: the rating now reads December and says so, and
    an earlier month on target is not shown as a success now."""
    cards = _by_ref(_page(client_as(app, "viewer"), "/area/10", "2023-01"), "Article")
    # December 2022: 10.2 71.4%, 10.4 11.3%, 10.5 0.0%, 10.7 83.1% (red); 10.6 88.6% (amber); 10.3 90.8% (green).
    december = {
        "10.2": "Off target, as at December 2022",
        "10.3": "Not rated: no figure (on target in December 2022)",
        "10.4": "Off target, as at December 2022",
        "10.5": "Off target, as at December 2022",
        "10.6": "Near target, as at December 2022",
        "10.7": "Off target, as at December 2022",
    }
    for ref, rating in december.items():
        card = _card(cards[ref])
        assert card["figure"] == "TBC"
        assert card["target"].startswith(f"{rating} Target: at least 90%"), (ref, card["target"])
        assert NO_TARGET not in spoken(cards[ref]), ref
        if ref in ("10.2", "10.3"):  # year-to-date percentages published without counts: no SPC reading, and why
            assert card["spc"] == (
                "No SPC reading A year-to-date figure adds each month to the months before it, so its points are "
                "not independent, and without its counts the monthly figures cannot be worked out."
            ), (ref, card["spc"])
        else:
            assert "Reading up to December 2022" in card["spc"], (ref, card["spc"])
    assert _card(cards["10.6"])["spc"].startswith("No significant change: normal variation Reading up to December 2022")
    assert _card(cards["10.1"])["target"] == "No target"  # 10.1 has none


def test_a_team_with_no_figure_under_a_target_is_not_rated_and_never_reads_as_no_target(app, tmp_path):
    """2.2 has a target (16 to 20 children per worker); in February 2023 one team's figure is suppressed and the
    whole service has none. Both said "No target" beside the target."""
    path = template_workbook(
        tmp_path / "teams.xlsx",
        [
            template_row("2.2", "2023-02", team="Assessment Team 1", value=17.5),
            template_row("2.2", "2023-02", team="Assessment Team 2", value="*"),
        ],
    )
    assert import_return(data.engine(), path, user="test").status == "imported"
    tree = _page(client_as(app, "officer"), "/teams/2.2", "2023-02")
    rows = {c["props"]["data-team"]: spoken(c) for c in components(tree) if "data-team" in c["props"]}
    assert "Not rated: no figure" in rows["Assessment Team 2"] and NO_TARGET not in rows["Assessment Team 2"]
    assert "On target" in rows["Assessment Team 1"]
    service = spoken([c for c in components(tree) if c["props"].get("id") == "service-figure"])
    assert "Not rated: no figure" in service and "Target: 16 to 20" in service and NO_TARGET not in service


def test_a_polarity_taken_from_the_target_is_flagged_on_the_overview_and_the_measure_page(app):
    client = client_as(app, "viewer")
    overview = _by_ref(_page(client, "/", "2023-01"), "Tr")
    flag = "Check: the source does not say whether higher or lower is better; it is taken from the target."
    for ref in ("10.3", "10.5", "10.7"):
        assert flag in spoken(overview[ref]), ref
    assert flag not in spoken(overview["10.6"])  # its table says 'Higher is better'
    page = spoken(_page(client, "/measure/10.5", "2023-01"))
    assert "The source does not say whether higher or lower is better; it is taken from the target." in page
    # 10.5 now has a direction, so its SPC reading of December has an assurance beside it.
    assert "Will consistently miss the target" in spoken(overview["10.5"])
