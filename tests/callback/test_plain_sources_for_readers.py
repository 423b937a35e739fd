"""A viewer reads each measure's sources named plainly and never the officers' working notes ("from [HSCP] line
~1773"); an officer reads both. Requested through the page router as the browser does, for every measure of the
demo and for the overview with the committee's columns.

The revision history is left out: it names each figure's upload by its file, a fact of the record, not a note."""

from __future__ import annotations

from measures.domain.catalogue import load_catalogue
from tests.auth_helpers import client_as
from tests.rendered import rendered
from tests.unit.test_plain_sources import INTERNAL_NOTE

CATALOGUE = load_catalogue()
NOTES_HEADING = "Notes for officers on the sources"


def _page_text(client, path: str, search: str = "") -> str:
    return _text(rendered(client, path, search))


def _text(tree) -> str:
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return " ".join(_text(item) for item in tree)
    if isinstance(tree, dict) and "props" in tree:
        props = tree["props"]
        if props.get("aria-labelledby") == "revisions-heading":
            return ""
        return " ".join(_text(props.get(key)) for key in ("children", "title") if props.get(key))
    return ""


def test_a_viewer_reads_every_measures_sources_plainly_and_no_internal_note(app):
    client = client_as(app, "viewer")
    for measure in CATALOGUE.measures:
        text = _page_text(client, f"/measure/{measure.ref}")
        assert measure.source in text, measure.ref
        assert NOTES_HEADING not in text, measure.ref
        match = INTERNAL_NOTE.search(text)
        assert match is None, (measure.ref, text[max(0, match.start() - 80) : match.end() + 80])


def test_the_overview_with_the_committees_columns_carries_no_internal_note_for_a_viewer(app):
    text = _page_text(client_as(app, "viewer"), "/", "?columns=committee")
    assert "Best practice" in text and "Source: HSCP Annual Report 2021-22." in text
    assert INTERNAL_NOTE.search(text) is None


def test_an_officer_reads_the_working_notes_beside_the_plain_sources(app):
    text = _page_text(client_as(app, "officer"), "/measure/3.1")
    assert CATALOGUE.measure("3.1").source in text
    assert NOTES_HEADING in text and "[HSCP] line ~1773" in text
