"""The plain reading of the shipped national files that tests build their databases from agrees with the importer:
the same figures and the same neighbour groups, so importing the files over it changes nothing."""

from __future__ import annotations

from measures.national.importer import import_national_path
from measures.storage import national
from tests.national_data import EDITIONS, EXTRACT, record_extract


def test_the_importer_finds_nothing_to_change_over_the_plainly_read_files(engine):
    record_extract(engine)
    figures = national.national_figures(engine)
    editions = national.neighbour_editions(engine)
    groups = {key: national.neighbour_group(engine, key, 884) for key, _ in editions}
    statuses = [import_national_path(engine, path, user="test").status for path in (EXTRACT, *EDITIONS.values())]
    assert statuses == ["unchanged", "unchanged", "unchanged"]
    assert national.national_figures(engine).equals(figures)
    assert national.neighbour_editions(engine) == editions == [("2021-04", "April 2021"), ("2025-05", "May 2025")]
    assert {key: national.neighbour_group(engine, key, 884) for key, _ in editions} == groups
