"""The overview's and the pack's national comparators are reused only while nothing is written."""

from __future__ import annotations

from measures.storage import national
from measures.views.national import comparators_by_ref
from measures.views.national_for_pages import comparators_for_pages
from tests.national_data import extract_figures, record_extract


def test_the_comparators_are_those_of_the_view_and_a_new_import_is_read_at_once(engine):
    before = comparators_for_pages(engine)
    assert before == comparators_by_ref(engine)
    assert before["3.3"].latest is None  # no national figures yet
    assert comparators_for_pages(engine) is before  # nothing written: reused
    record_extract(engine, ["CP_conf_15days"])
    after = comparators_for_pages(engine)
    assert after is not before and after == comparators_by_ref(engine)
    latest = after["3.3"].latest
    assert latest is not None and latest.council is not None
    # A revised figure for the council is a new version: the next visit reads it.
    revised = [
        type(row)(row.item, row.year, row.la_code, row.area, 12.5)
        for row in extract_figures(["CP_conf_15days"])
        if row.la_code == 884 and row.year == latest.year
    ]
    national.record_national_figures(engine, revised, source="revision.csv", user="test")
    assert comparators_for_pages(engine)["3.3"].latest.council == 12.5
