"""How to read these pages, through the page router as the browser asks for it: every section a judgement links
to is there, with every wording the pages use beside its picture, and the SPC rules and minimum are those in
force (built from the settings, never typed)."""

from __future__ import annotations

from dataclasses import replace

from dashboard.components.judgements import NO_TARGET, NOT_RATED
from dashboard.components.reading_help import SECTIONS
from dashboard.server import data
from measures.domain.formatting import ASSURANCE_TEXT, RAG_TEXT, STATUS_TEXT, VARIATION_TEXT
from measures.domain.spc_settings import SpcOptions
from measures.domain.spc_wording import special_cause_rules
from measures.storage import catalogue_records
from tests.auth_helpers import client_as
from tests.rendered import components, rendered
from tests.rendered import text as text_of


def _page(app, role: str | None):
    return rendered(client_as(app, role), "/how-to-read")


def test_every_section_a_judgement_links_to_is_a_heading_on_the_page(app):
    headings = {c["props"].get("id") for c in components(_page(app, None)) if c["type"] == "H2"}
    assert set(SECTIONS.values()) <= headings


def test_every_wording_the_pages_use_is_explained_beside_its_picture(app):
    tree = _page(app, "viewer")
    text = text_of(tree)
    for words in (*VARIATION_TEXT.values(), *[w for w in ASSURANCE_TEXT.values() if w], *STATUS_TEXT.values()):
        assert words in text, words
    for words in (RAG_TEXT["green"], RAG_TEXT["amber"], RAG_TEXT["red"], NOT_RATED, NO_TARGET):
        assert words in text, words
    badges = {text_of(c) for c in components(tree) if "badge" in (c["props"].get("className") or "").split()}
    assert set(VARIATION_TEXT.values()) <= badges
    icons = [c for c in components(tree) if (c["props"].get("className") or "").startswith("spc-icon ")]
    assert len(icons) == len(VARIATION_TEXT) + len([w for w in ASSURANCE_TEXT.values() if w])
    assert "DRAFT banner" in text and "revised" in text


def test_the_rules_and_minimum_are_the_settings_in_force(app, catalogue):
    text = text_of(_page(app, None))
    assert special_cause_rules(catalogue.measures[0].spc) in text
    assert f"at least {catalogue.measures[0].spc.minimum_points} monthly figures" in text

    stricter = SpcOptions(shift_length=8, trend_length=7, minimum_points=20, two_of_three=False)
    changed = replace(catalogue, measures=tuple(replace(m, spc=stricter) for m in catalogue.measures))
    catalogue_records.sync_catalogue(data.engine(), changed)
    text = text_of(_page(app, None))
    assert "eight months in a row on one side of the average" in text
    assert "seven rising or falling one after another" in text
    assert "two of three close to a limit" not in text
    assert "at least 20 monthly figures" in text
