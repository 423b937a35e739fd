"""The overview's "Check: ... taken from the target" flag is about the catalogue's polarity: once an admin has
corrected a measure's polarity in the app, it is no longer shown for that measure (it stayed, saying the polarity
in force was taken from the target when an admin had set it)."""

from __future__ import annotations

from dashboard.server import data
from measures.storage import catalogue_records
from measures.storage.edits import change_polarity
from tests.auth_helpers import client_as
from tests.rendered import measure_row, rendered, spoken

FROM_TARGET = "it is taken from the target"


def _row(tree, ref: str) -> str:
    return spoken(measure_row(tree, ref))


def test_the_taken_from_the_target_flag_goes_once_an_admin_corrects_the_polarity(app):
    client = client_as(app, "viewer")
    before = rendered(client, "/", "?period=2023-01")
    assert FROM_TARGET in _row(before, "10.5") and FROM_TARGET in _row(before, "10.3")

    assert change_polarity(data.engine(), "10.5", "lower", "The data owner says fewer is better.", "admin.a")
    after = rendered(client, "/", "?period=2023-01")
    assert FROM_TARGET not in _row(after, "10.5")
    assert FROM_TARGET in _row(after, "10.3")  # not corrected: still taken from the target
    flags = catalogue_records.read_catalogue(data.engine()).measure("10.5").flags
    assert "polarity-from-target" not in flags and "title-truncated" in flags  # the other flags stay
