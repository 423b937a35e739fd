"""The January 2023 headline, as the overview and the pack serve it through the page router: the SPC reading first,
the month-on-month counts after it and labelled as such, and the EHC plan measures that are TBC in January counted
off target from their December figures, saying so (they were left out: "1 off target", down from 5)."""

from __future__ import annotations

from dashboard.server import data
from measures.views.overview import build_overview
from tests.auth_helpers import client_as
from tests.callback.test_judgements_agree import _classes, _components, _page, _text

JANUARY = "2023-01"


def _headline_lines(tree) -> list[str]:
    summary = next(c for c in _components(tree) if c["props"].get("id") == "overview-summary")
    return [_text(c) for c in _components(summary) if "headline" in _classes(c)]


def test_the_january_2023_headline_leads_with_spc_and_counts_the_ehc_plans_december_rating(app):
    model = build_overview(data.engine(), period=JANUARY)
    counts = model.summary()
    rows = {row.measure.ref: row.assessment for row in model.rows}
    # By hand from December 2022: 10.2 71.4%, 10.4 11.3%, 10.5 0.0%, 10.7 83.1% are below 90% less 5 (red),
    # and TBC in January; 2.3 is 12 against zero in January itself.
    assert {ref for ref, a in rows.items() if a.off_target} == {"2.3", "10.2", "10.4", "10.5", "10.7"}
    assert {ref for ref, a in rows.items() if a.rated_earlier and a.off_target} == {"10.2", "10.4", "10.5", "10.7"}

    spc_parts = [
        f"{counts['improvement']} show significant improvement",
        f"{counts['concern']} show significant concern",
        f"{counts['failing']} consistently fail their target",
        f"{counts['common']} within normal variation",
        f"{counts['unusual']} unusual, neither better nor worse",
        f"{counts['too_few']} too few months to judge",
    ]
    # Every measure is in exactly one variation count; "fail their target" is the assurance, counted apart.
    assert sum(counts[key] for key in ("improvement", "concern", "unusual", "common", "too_few")) == len(rows) == 38
    assert counts["failing"] == sum(a.assurance == "fail" for a in rows.values()) > 0
    # 2.2 moved from 17.0 to 17.2 inside its band of 16 to 20: not "better".
    assert rows["2.2"].judgement == "same" and rows["2.2"].within_target_range
    month_parts = [
        f"{counts['better']} better",
        f"{counts['worse']} worse",
        f"{counts['same']} unchanged",
        "1 moved within their target range",
    ]
    target = "5 off target, 4 of them as at December 2022 (no figure this month)"

    lines = _headline_lines(_page(client_as(app, "viewer"), "/", JANUARY))
    assert lines == [
        " ".join(spc_parts),
        "Compared with last month only: " + " ".join(month_parts),
        target,
    ]

    pack = _page(client_as(app, "viewer"), "/pack", JANUARY)
    headline = next(c for c in _components(pack) if "pack-headline" in _classes(c))
    items = [_text(item) for item in headline["props"]["children"]]
    assert items[:3] == ["; ".join(spc_parts), "Compared with last month only: " + ", ".join(month_parts), target]


def test_the_packs_area_paragraph_says_its_off_target_measures_are_rated_from_december(app):
    pack = _page(client_as(app, "viewer"), "/pack", JANUARY)
    area = next(c for c in _components(pack) if c["props"].get("id") == "pack-area-10")
    sentence = _text(next(c for c in _components(area) if "pack-change-sentence" in _classes(c)))
    # 10.2, 10.4, 10.5 and 10.7 were off target in December and are TBC in January; 10.6 was near target.
    assert "4 are off target (4 of them as at December 2022, with no figure this month)." in sentence
    assert "1 is near target." in sentence
