"""The demonstration notice names the real months by their source: "published" now means signed off by an admin,
and every demo month is published, synthetic ones too."""

from __future__ import annotations

from dashboard.components.notices import synthetic_notice


def _words(component) -> str:
    children = component.children
    return "".join(child if isinstance(child, str) else child.children for child in children)


def test_the_demonstration_notice_calls_the_real_months_the_committee_papers_figures():
    text = _words(synthetic_notice())
    assert text == (
        "Demonstration data. Figures marked † are synthetic, made up to show how the dashboard works: they are not "
        "real. December 2022 and January 2023 whole-service figures are the real figures from the committee paper."
    )
    assert "published" not in text
    assert "published" not in _words(synthetic_notice("The team figures (marked †)", real_months=False))
