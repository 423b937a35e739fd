"""SPC settings are catalogue defaults a measure may override; the database keeps each measure's settings in
force, and a bad setting in the file is refused naming the measure and the key."""

from __future__ import annotations

import re

import pytest

from measures.domain.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError, load_catalogue, parse_catalogue
from measures.domain.spc_settings import DEFAULT_OPTIONS, SpcOptions
from measures.storage import catalogue_records, db

AREA = {"number": 1, "title": "Area one"}


def _measure(ref: str, **extra) -> dict:
    return {"ref": ref, "area": 1, "title": f"Measure {ref}", "unit": "count", "polarity": "higher", **extra}


def test_the_shipped_catalogue_sets_run_length_six_and_fifteen_points():
    catalogue = load_catalogue()
    assert {m.spc for m in catalogue.measures} == {SpcOptions(shift_length=6, trend_length=6, minimum_points=15)}


def test_without_an_spc_table_every_measure_has_the_built_in_defaults():
    catalogue = parse_catalogue({"area": [AREA], "measure": [_measure("1.1")]})
    assert catalogue.measure("1.1").spc == DEFAULT_OPTIONS


def test_the_catalogue_default_applies_and_a_measure_overrides_only_what_it_names():
    catalogue = parse_catalogue(
        {
            "spc": {"shift_length": 8, "trend_length": 7, "minimum_points": 20, "two_of_three": False},
            "area": [AREA],
            "measure": [_measure("1.1"), _measure("1.2", spc={"minimum_points": 15, "shift_length": 7})],
        }
    )
    assert catalogue.measure("1.1").spc == SpcOptions(
        shift_length=8, trend_length=7, minimum_points=20, two_of_three=False
    )
    assert catalogue.measure("1.2").spc == SpcOptions(
        shift_length=7, trend_length=7, minimum_points=15, two_of_three=False
    )


@pytest.mark.parametrize(
    ("spc", "named"),
    [
        ({"shift_length": 1}, "Measure 1.2: spc.shift_length must be a whole number of at least 2, not 1"),
        ({"trend_length": "six"}, "Measure 1.2: spc.trend_length must be a whole number of at least 2, not 'six'"),
        ({"minimum_points": 12.5}, "Measure 1.2: spc.minimum_points must be a whole number of at least 2, not 12.5"),
        ({"minimum_points": True}, "Measure 1.2: spc.minimum_points must be a whole number of at least 2, not True"),
        ({"two_of_three": "yes"}, "Measure 1.2: spc.two_of_three must be true or false, not 'yes'"),
        ({"run_length": 6}, "Measure 1.2: spc.run_length is not a setting (the settings are shift_length"),
        (7, "Measure 1.2: spc must be a table of settings"),
    ],
)
def test_a_bad_measure_setting_names_the_measure_and_key(spc, named):
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue({"area": [AREA], "measure": [_measure("1.1"), _measure("1.2", spc=spc)]})
    assert named in str(raised.value)


def test_a_bad_catalogue_default_names_the_table_and_every_bad_key():
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(
            {"spc": {"shift_length": 0, "minimum_points": "12"}, "area": [AREA], "measure": [_measure("1.1")]}
        )
    message = str(raised.value)
    assert "The catalogue's [spc] table.shift_length must be a whole number of at least 2, not 0" in message
    assert "The catalogue's [spc] table.minimum_points must be a whole number of at least 2, not '12'" in message


def test_the_catalogue_file_names_the_measure_when_a_setting_is_wrong(tmp_path):
    text = DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8")
    bad = re.sub(r'(ref = "3\.1"\n)', r"\1spc = { minimum_points = 1 }\n", text, count=1)
    assert bad != text
    path = tmp_path / "catalogue.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"Measure 3\.1: spc\.minimum_points must be a whole number"):
        load_catalogue(path)


def test_the_database_keeps_each_measures_settings_in_force(any_engine, catalogue):
    from dataclasses import replace

    own = SpcOptions(shift_length=7, trend_length=7, minimum_points=15, exclude_moving_range_outliers=True)
    changed = replace(
        catalogue, measures=tuple(replace(m, spc=own) if m.ref == "3.1" else m for m in catalogue.measures)
    )
    counts = catalogue_records.sync_catalogue(any_engine, changed)
    assert counts["measures_updated"] == 1
    stored = catalogue_records.read_catalogue(any_engine)
    assert stored.measure("3.1").spc == own
    assert stored.measure("3.2").spc == catalogue.measure("3.2").spc
    assert catalogue_records.sync_catalogue(any_engine, changed)["measures_updated"] == 0

    catalogue_records.sync_catalogue(any_engine, catalogue)  # the file's settings come back
    assert catalogue_records.read_catalogue(any_engine).measure("3.1").spc == catalogue.measure("3.1").spc


def test_a_measure_stored_before_the_settings_existed_reads_the_built_in_defaults(engine):
    with engine.begin() as connection:
        connection.execute(
            db.measures.update().values(
                spc_shift_length=None,
                spc_trend_length=None,
                spc_minimum_points=None,
                spc_two_of_three=None,
                spc_exclude_moving_range_outliers=None,
            )
        )
    assert {m.spc for m in catalogue_records.read_catalogue(engine).measures} == {DEFAULT_OPTIONS}
