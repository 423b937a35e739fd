"""Help texts are built from the SPC settings in force, never typed: a measure whose catalogue entry sets a run
length of 7 and a minimum of 15 (or 30) months is computed with those settings and every text about it says
seven and 15 (or 30); the rest keep the catalogue's six and 15. Pages are requested through the page router,
as the browser does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dashboard.server import data
from measures.domain.spc_settings import SpcOptions
from measures.storage import catalogue_records
from tests.auth_helpers import client_as
from tests.rendered import measure_row, rendered, text

OWN = {
    "3.1": SpcOptions(shift_length=7, trend_length=7, minimum_points=15),
    "3.2": SpcOptions(minimum_points=30),  # more than the demo's 22 months: no reading yet
}


@pytest.fixture
def own_settings(app, catalogue):
    """The demo with measures 3.1 and 3.2 given SPC settings of their own in the catalogue."""
    changed = replace(catalogue, measures=tuple(replace(m, spc=OWN.get(m.ref, m.spc)) for m in catalogue.measures))
    assert catalogue_records.sync_catalogue(data.engine(), changed)["measures_updated"] == len(OWN)
    return app


def _page(app, path: str, search: str = ""):
    return rendered(client_as(app, "viewer"), path, search)


def _row(tree, ref: str) -> str:
    return text(measure_row(tree, ref))


def test_the_measure_page_words_the_rules_of_the_measures_own_run_length(own_settings):
    page = " ".join(text(_page(own_settings, "/measure/3.1", "?period=2023-01")).split())
    assert "A month outside the limits, seven months in a row on one side of the average, seven rising or " in page
    assert "six months in a row" not in page


def test_the_measure_page_keeps_the_catalogue_wording_for_a_measure_without_its_own(own_settings):
    page = " ".join(text(_page(own_settings, "/measure/3.3", "?period=2023-01")).split())
    assert "A month outside the limits, six months in a row on one side of the average, six rising or falling" in page


def test_a_measure_with_a_higher_minimum_is_computed_and_described_with_it(own_settings):
    overview = _page(own_settings, "/", "?period=2023-01")
    row = _row(overview, "3.2")
    assert "Too few months to judge yet" in row
    assert "22 of 30 months" in row
    assert "of 30 months" not in _row(overview, "3.3")

    page = " ".join(text(_page(own_settings, "/measure/3.2", "?period=2023-01")).split())
    assert "22 of 30 months needed" in page
    assert "the SPC chart needs at least 30 monthly figures and there are 22" in page
    assert "SPC needs at least 30." in page


def test_the_pack_says_the_rules_in_force_and_names_the_measures_with_their_own(own_settings):
    pack = " ".join(text(_page(own_settings, "/pack", "?period=2023-01")).split())
    assert (
        "Special cause is a month outside the limits, six months in a row on one side of the average, six rising "
        "or falling one after another, or two of three close to a limit; a reading needs at least 15 monthly "
        "figures. Measures 3.1 and 3.2 use settings of their own, given on their pages."
    ) in pack
