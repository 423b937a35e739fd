"""The January 2023 headline, as the overview and the pack serve it through the page router: the SPC reading first,
the month-on-month counts after it and labelled as such, and the EHC plan measures that are TBC in January counted
off target from their December figures, saying so (they were left out: "1 off target", down from 5)."""

from __future__ import annotations

from dashboard.server import data
from measures.views.overview import build_overview
from tests.auth_helpers import client_as
from tests.rendered import classes, components, rendered, spoken

JANUARY = "2023-01"


def _headline_lines(tree) -> list[str]:
    summary = next(c for c in components(tree) if c["props"].get("id") == "overview-summary")
    return [spoken(c) for c in components(summary) if "headline" in classes(c)]


# The January 2023 demo, worked out once by hand from each measure's reading in `python -m measures assess 2023-01
# --json` (its "variation", "assurance" and "judgement") and checked against the figures of December and January:
# - significant improvement (7): 1.1, 2.1, 2.3, 3.1, 3.2, 8.3, 10.7;
# - significant concern: none;
# - unusual, neither better nor worse (1): 2.2, below its lower process limit;
# - too few months (fewer than 15) (7): 2.6, 3.4, 5.1, 6.3, 7.3, 9.3, 10.1;
# - no SPC reading (3): 6.1 (a rolling year), 10.2 and 10.3 (year to date, without counts);
# - within normal variation: the other 20 (38 - 7 - 1 - 7 - 3): 1.2, 2.4, 2.5, 3.3, 4.1 to 4.5, 6.2, 7.1, 7.2,
#   7.4, 8.1, 8.2, 9.1, 9.2, 10.4, 10.5, 10.6;
# - the assurance, apart: 2.3, 10.4, 10.5 and 10.7 consistently fail their target (4, each also counted above).
# Compared with December: better 1.1, 2.1, 3.1, 3.2, 3.3, 4.3, 4.4, 7.1, 7.4, 8.3, 9.1 (11); worse 1.2, 2.3, 4.2,
# 7.2, 9.2 (5); unchanged 2.4, 4.5, 5.1, 6.1, 8.2 (5); 2.2 moved within its band of 16 to 20 (1).
VARIATION_PARTS = [
    (7, "show significant improvement"),
    (0, "show significant concern"),
    (20, "within normal variation"),
    (1, "unusual, neither better nor worse"),
    (7, "too few months to judge"),
    (3, "with no SPC reading: rolling or year-to-date figures"),
]
ASSURANCE = "4 of the 38 measures consistently fail their target"
MONTH_PARTS = ["11 better", "5 worse", "5 unchanged", "1 moved within their target range"]
TARGET = "5 off target, 4 of them as at December 2022 (no figure this month)"


def test_the_january_2023_headline_leads_with_spc_and_counts_the_ehc_plans_december_rating(app):
    # Every measure is in exactly one part of the SPC line; "fail their target" is the assurance, said apart.
    assert sum(number for number, _ in VARIATION_PARTS) == 38
    rows = {row.measure.ref: row.assessment for row in build_overview(data.engine(), period=JANUARY).rows}
    assert len(rows) == 38
    assert {ref for ref, a in rows.items() if a.variation == "no-reading"} == {"6.1", "10.2", "10.3"}
    assert {ref for ref, a in rows.items() if a.variation == "neither"} == {"2.2"}
    assert {ref for ref, a in rows.items() if a.assurance == "fail"} == {"2.3", "10.4", "10.5", "10.7"}
    # By hand from December 2022: 10.2 71.4%, 10.4 11.3%, 10.5 0.0%, 10.7 83.1% are below 90% less 5 (red),
    # and TBC in January; 2.3 is 12 against zero in January itself.
    assert {ref for ref, a in rows.items() if a.off_target} == {"2.3", "10.2", "10.4", "10.5", "10.7"}
    assert {ref for ref, a in rows.items() if a.rated_earlier and a.off_target} == {"10.2", "10.4", "10.5", "10.7"}
    spc_parts = [f"{number} {words}" for number, words in VARIATION_PARTS]

    lines = _headline_lines(rendered(client_as(app, "viewer"), "/", f"?period={JANUARY}"))
    assert lines == [
        " ".join(spc_parts),
        ASSURANCE,
        "Compared with last month only: " + " ".join(MONTH_PARTS),
        TARGET,
    ]

    pack = rendered(client_as(app, "viewer"), "/pack", f"?period={JANUARY}")
    headline = next(c for c in components(pack) if "pack-headline" in classes(c))
    items = [spoken(item) for item in headline["props"]["children"]]
    assert items[:4] == [
        "; ".join(spc_parts),
        ASSURANCE,
        "Compared with last month only: " + ", ".join(MONTH_PARTS),
        TARGET,
    ]


def test_the_packs_area_paragraph_says_its_off_target_measures_are_rated_from_december(app):
    pack = rendered(client_as(app, "viewer"), "/pack", f"?period={JANUARY}")
    area = next(c for c in components(pack) if c["props"].get("id") == "pack-area-10")
    sentence = spoken(next(c for c in components(area) if "pack-change-sentence" in classes(c)))
    # 10.2, 10.4, 10.5 and 10.7 were off target in December and are TBC in January; 10.6 was near target.
    assert "4 are off target (4 of them as at December 2022, with no figure this month)." in sentence
    assert "1 is near target." in sentence


def _area_sentence(app, area: int) -> str:
    pack = rendered(client_as(app, "viewer"), "/pack", f"?period={JANUARY}")
    section = next(c for c in components(pack) if c["props"].get("id") == f"pack-area-{area}")
    return spoken(next(c for c in components(section) if "pack-change-sentence" in classes(c)))


def test_the_packs_area_paragraph_calls_only_significant_changes_better_or_worse(app):
    # Area 4 in January 2023, by hand: 4.2 (16/33 -> 16/31) up and worse, 4.3 down and better, 4.4 up and better,
    # all three common cause (within normal variation), as their rows say; 4.5 unchanged; 4.1 has no polarity.
    # Not one is significant: none is called better or worse.
    area_4 = _area_sentence(app, 4)
    assert area_4.startswith(
        "Of its 5 measures, compared with December 2022 only: none significantly better, none significantly worse, "
        "3 moved within normal variation and 1 stayed the same."
    )
    assert "got better" not in area_4 and "got worse" not in area_4
    # Area 3: 3.1 and 3.2 rose with a significant improvement; 3.3 rose within normal variation; 3.4 is TBC.
    assert _area_sentence(app, 3).startswith(
        "Of its 4 measures, compared with December 2022 only: 2 significantly better, none significantly worse and "
        "1 moved within normal variation. 1 could not be compared"
    )
    # Area 2: 2.3 rose (worse) beside a special-cause improvement, which that rise is not; 2.2 moved within its band.
    area_2 = _area_sentence(app, 2)
    assert "1 moved (not significant on its own)" in area_2
    assert "1 moved within the target range" in area_2


def test_an_area_of_one_measure_is_worded_as_one(app):
    # Area 5 holds one measure, 5.1 (a count with no stated "good looks like"): never "Of its 1 measure".
    area_5 = _area_sentence(app, 5)
    assert area_5.startswith("Of its one measure, "), area_5
    assert "Of its 1 measure" not in area_5
